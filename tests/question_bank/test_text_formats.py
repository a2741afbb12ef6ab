"""Moodle GIFT and Aiken imports."""

from __future__ import annotations

from question_bank import question_key, read_aiken, read_gift

GIFT = """\
// Ngân hàng câu hỏi mẫu
$CATEGORY: $course$/top/Kiểm soát TTHC

::Q1:: Thủ tục hành chính do cơ quan nào quy định? {
  =Cơ quan nhà nước, người có thẩm quyền #Đúng
  ~Doanh nghiệp
  ~Người dân
}

::Q2::[html]Chọn <b>các</b> bộ phận của thủ tục hành chính {
  ~%50%Tên thủ tục
  ~%50%Hồ sơ
  ~%-100%Ý kiến báo chí
}

// câu đúng/sai được đổi thành hai phương án
Nghị định 63/2010/NĐ-CP quy định về kiểm soát thủ tục hành chính. {T}

Dấu \\= và \\{ ngoặc \\} được giữ {=a\\~b ~c\\#d}

Thủ đô của Việt Nam là {=Hà Nội ~Huế ~Đà Nẵng} phải không?

Câu tự luận {}

Câu trả lời ngắn {=hai =2}

Câu số {#2:0.5}

Ghép đôi {=a -> 1 =b -> 2 =c -> 3}
"""


def test_gift_multiple_choice():
    result = read_gift(GIFT)
    assert result.ok, result.errors
    got = [(q.row, q.text, q.options, q.correct, q.topic) for q in result.questions]
    topic = "Kiểm soát TTHC"
    assert got == [
        (4, "Thủ tục hành chính do cơ quan nào quy định?",
         ("Cơ quan nhà nước, người có thẩm quyền", "Doanh nghiệp", "Người dân"), (0,), topic),
        (10, "Chọn <b>các</b> bộ phận của thủ tục hành chính",
         ("Tên thủ tục", "Hồ sơ", "Ý kiến báo chí"), (0, 1), topic),
        (17, "Nghị định 63/2010/NĐ-CP quy định về kiểm soát thủ tục hành chính.",
         ("Đúng", "Sai"), (0,), topic),
        (19, "Dấu = và { ngoặc } được giữ", ("a~b", "c#d"), (0,), topic),
        (21, "Thủ đô của Việt Nam là _____ phải không?", ("Hà Nội", "Huế", "Đà Nẵng"), (0,), topic),
    ]  # fmt: skip
    skipped = [(w.row, w.kind) for w in result.warnings]
    assert skipped == [(23, "unsupported_question"), (25, "unsupported_question"),
                       (27, "unsupported_question"), (29, "unsupported_question")]  # fmt: skip
    assert "tự luận" in result.warnings[0].message


def test_gift_errors_and_duplicates():
    text = """\
Câu một {=a ~b}

câu  MỘT {=a ~b}

Không có đáp án đúng {~a ~b}

Chỉ một phương án {=a ~}

Bảy phương án {=1 ~2 ~3 ~4 ~5 ~6 ~7}

Đã có {=a ~b}
"""
    result = read_gift(text, existing_keys={question_key("đã có")})
    assert [(e.row, e.kind) for e in result.errors] == [
        (3, "duplicate"),
        (5, "missing_answer"),
        (7, "too_few_options"),
        (9, "too_many_options"),
        (11, "duplicate"),
    ]
    assert "dòng 1" in result.errors[0].message
    assert [q.row for q in result.questions] == [1]


def test_gift_without_questions():
    result = read_gift("// chỉ có chú thích\n")
    assert [e.kind for e in result.errors] == ["no_questions"]


AIKEN = """\
Thủ tục hành chính là gì?
A. Trình tự, cách thức thực hiện
B) Một loại thuế
C. Một loại phí
ANSWER: A

Câu hỏi nhiều dòng,
dòng thứ hai?
A. Một
B. Hai
C. Ba
ANSWER: A, C

Trả lời bằng nội dung
A. Hà Nội
B. Huế
Đáp án: Huế
"""


def test_aiken():
    result = read_aiken(AIKEN)
    assert result.ok, result.errors
    got = [(q.row, q.text, q.options, q.correct) for q in result.questions]
    assert got == [
        (
            1,
            "Thủ tục hành chính là gì?",
            ("Trình tự, cách thức thực hiện", "Một loại thuế", "Một loại phí"),
            (0,),
        ),
        (7, "Câu hỏi nhiều dòng,\ndòng thứ hai?", ("Một", "Hai", "Ba"), (0, 2)),
        (14, "Trả lời bằng nội dung", ("Hà Nội", "Huế"), (1,)),
    ]


def test_aiken_errors():
    text = """\
Thiếu dòng ANSWER
A. x
B. y

Đáp án không có
A. x
B. y
ANSWER: D

Một phương án
A. x
ANSWER: A

Thủ tục hành chính là gì?
A. x
B. y
ANSWER: B
"""
    result = read_aiken(text, existing_keys={question_key("thủ tục hành chính là gì?")})
    assert [(e.row, e.kind) for e in result.errors] == [
        (1, "missing_answer"),
        (5, "answer_points_to_empty_option"),
        (10, "too_few_options"),
        (14, "duplicate"),
    ]
    assert result.errors[0].message.startswith("Dòng 1: ")
    assert result.questions == []
