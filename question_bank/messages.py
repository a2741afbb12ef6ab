"""Vietnamese messages for every issue kind; kinds are stable English codes."""

from __future__ import annotations

from .models import Issue

QUESTION_NAMES = "“Câu hỏi” (hoặc “Nội dung câu hỏi”, “Question”)"
OPTION_NAMES = (
    "ít nhất hai cột phương án “Phương án A”, “Phương án B”… (hoặc “Đáp án A”, “Option A”, “A”…)"
)
ANSWER_NAMES = "“Đáp án đúng” (hoặc “Đáp án”, “Answer”, “Correct answer”)"

# Row-level bodies follow "Dòng N, cột “X”: "; file-level ones are whole sentences.
TEMPLATES = {
    # file level
    "file_too_large": "Tệp “{name}” có dung lượng {size}, vượt giới hạn {limit}.",
    "suspicious_archive": (
        "Tệp “{name}” có cấu trúc nén bất thường ({detail}) nên không được xử lý. "
        "Vui lòng mở tệp bằng Excel và lưu lại."
    ),
    "not_a_spreadsheet": (
        "Tệp “{name}” không phải là bảng tính. Vui lòng dùng tệp Excel (.xlsx, .xls) "
        "hoặc OpenDocument (.ods)."
    ),
    "encrypted": (
        "Tệp “{name}” đang được đặt mật khẩu hoặc mã hoá. Vui lòng gỡ mật khẩu rồi tải lên lại."
    ),
    "damaged": (
        "Tệp “{name}” bị hỏng hoặc không đọc được. Vui lòng mở bằng Excel, lưu lại rồi tải lên lại."
    ),
    "sheet_too_large": (
        "Trang “{sheet}” của tệp “{name}” có dữ liệu tới dòng {rows}, cột {columns} "
        "(kể cả các dòng, ô lặp lại), vượt giới hạn {limit}. Vui lòng xoá các dòng, "
        "cột thừa rồi lưu lại."
    ),
    "too_many_rows": (
        "Trang “{sheet}” có hơn {limit} dòng câu hỏi, vượt giới hạn cho phép. "
        "Vui lòng chia thành nhiều tệp nhỏ hơn."
    ),
    "no_header": (
        "Không tìm thấy dòng tiêu đề trong {rows} dòng đầu của trang “{sheet}”. "
        "Cần có các cột: " + QUESTION_NAMES + ", " + OPTION_NAMES + " và " + ANSWER_NAMES + "."
    ),
    "no_header_partial": ("Dòng tiêu đề (dòng {header_row}) của trang “{sheet}” thiếu {missing}."),
    "no_questions": "Trang “{sheet}” không có câu hỏi nào bên dưới dòng tiêu đề.",
    "no_questions_text": "Tệp “{name}” không có câu hỏi nào.",
    # row level
    "empty_question": "nội dung câu hỏi trống trong khi các ô khác của dòng có dữ liệu.",
    "too_few_options": "câu hỏi chỉ có {count} phương án, cần ít nhất 2.",
    "too_many_options": "câu hỏi có {count} phương án, tối đa là 6.",
    "missing_answer": "chưa có đáp án đúng.",
    "answer_points_to_empty_option": "đáp án “{letter}” trỏ tới phương án trống.",
    "answer_points_to_missing_column": (
        "đáp án “{letter}” trỏ tới phương án trống (tệp không có cột phương án {letter})."
    ),
    "answer_text_not_found": (
        "đáp án “{value}” không phải chữ cái của phương án (A–F) và không trùng với "
        "nội dung phương án nào."
    ),
    "duplicate": "câu hỏi trùng với câu hỏi ở dòng {other}.",
    "duplicate_existing": "câu hỏi đã có trong ngân hàng câu hỏi.",
    "text_too_long": "nội dung dài {length} ký tự, vượt giới hạn {limit} ký tự.",
    "question_too_long": (
        "câu hỏi dài {length} ký tự, vượt giới hạn {limit} ký tự của một câu hỏi."
    ),
    "option_too_long": (
        "phương án dài {length} ký tự, vượt giới hạn {limit} ký tự của một phương án."
    ),
    "bad_difficulty": (
        "mức độ “{value}” không hợp lệ; hãy dùng “Dễ”, “Trung bình”, “Khó” (hoặc 1, 2, 3)."
    ),
    # warnings
    "control_characters": "đã xoá {count} ký tự điều khiển không hiển thị được.",
    "option_gap": (
        "phương án {empty} để trống; các phương án sau được dồn lên ({moves}) "
        "và đáp án đúng được đổi theo."
    ),
    "unsupported_question": "bỏ qua câu hỏi không phải trắc nghiệm ({what}).",
}

# Message variants that share a kind with another template.
_KIND_OF = {
    "no_header_partial": "no_header",
    "no_questions_text": "no_questions",
    "answer_points_to_missing_column": "answer_points_to_empty_option",
    "duplicate_existing": "duplicate",
    "question_too_long": "text_too_long",
    "option_too_long": "text_too_long",
}


def make_issue(template: str, row: int | None = None, column: str | None = None, **values) -> Issue:
    """Build an Issue from a template name; the kind is derived from it."""
    body = TEMPLATES[template].format(**values)
    if row is not None:
        where = f"Dòng {row}, cột “{column}”" if column else f"Dòng {row}"
        body = f"{where}: {body}"
    return Issue(row=row, column=column, kind=_KIND_OF.get(template, template), message=body)


def format_count(number: int) -> str:
    """20000 → "20.000" (Vietnamese thousands separator)."""
    return f"{number:,}".replace(",", ".")


def format_size(size: int) -> str:
    """A byte count as people read it: "10 MB", "10,5 MB", "512 KB"."""
    if size >= 1024 * 1024:
        text = f"{size / (1024 * 1024):.1f}".removesuffix(".0").replace(".", ",")
        return f"{text} MB"
    if size >= 1024:
        return f"{size // 1024} KB"
    return f"{size} byte"
