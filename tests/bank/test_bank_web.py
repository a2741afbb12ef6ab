"""The organizers' question bank in the browser: upload, dry run, import, list, edit, retire."""

import io
import random
import re
import threading
from datetime import timedelta

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import event, func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from contest.attempts import service as attempt_service
from contest.attempts.answers import save_choice
from contest.bank import uploads as bank_uploads
from contest.bank.service import question_from_parsed
from contest.domain.clock import utcnow
from contest.extensions import db
from contest.models import Attempt, AttemptItem, BankUpload, Question, Topic, User
from question_bank import ParsedQuestion
from tests.factories import POOL_SECONDS, csrf_token, login, make_questions, make_round, make_user

BANK = "/to-chuc/ngan-hang"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = [
    "STT",
    "Câu hỏi",
    "Phương án A",
    "Phương án B",
    "Phương án C",
    "Đáp án đúng",
    "Chủ đề",
    "Mức độ",
    "Căn cứ",
]
GOOD = [
    [1, "Thủ tục hành chính là gì?", "Trình tự, cách thức", "Một văn bản", "", "A", "Chung", "Dễ"],
    [2, "Bộ phận Một cửa đặt ở đâu?", "Ở nhà", "Tại trụ sở", "Trên mạng", "b.", "Một cửa", "Khó"],
    [3, "Ai tiếp nhận hồ sơ?", "Công chức", "Bảo vệ", "", "A", "Một cửa", "Dễ"],
]
# Rows 4 and 5 of the sheet are fine; row 6 has no question text, row 7 points to an empty option.
WITH_ERRORS = [*GOOD[:2], [3, "", "X", "Y", "", "A"], [4, "Câu thứ tư?", "X", "Y", "", "C"]]
GRACE = timedelta(seconds=10)


def workbook(rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Câu hỏi"
    sheet.append(["NGÂN HÀNG CÂU HỎI"])
    sheet.append([])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def organizer(app, client):
    with app.app_context():
        make_user(phone="0912999999", role="organizer", full_name="Ban Tổ chức")
    login(client, "0912999999")


def post_file(client, data: bytes, filename: str = "ngan-hang.xlsx"):
    # Encoded in memory: the test client would spool a large body to a file it never closes.
    token = csrf_token(client, f"{BANK}/nhap")
    boundary, body = encode_multipart(
        MultiDict({"csrf_token": token, "file": FileStorage(io.BytesIO(data), filename)})
    )
    return client.post(
        f"{BANK}/nhap", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def uploaded_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/nhap/(\d+)$", response.headers["Location"]).group(1))


def run_import(client, upload_id: int):
    token = csrf_token(client, f"{BANK}/nhap/{upload_id}")
    return client.post(f"{BANK}/nhap/{upload_id}/thuc-hien", data={"csrf_token": token})


def count(app, model) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def add_question(text, topic=None, difficulty=None, source=None, options=("Có", "Không")):
    """One question saved the way the importer saves it (search_text included)."""
    topic_row = None
    if topic:
        topic_row = db.session.execute(select(Topic).where(Topic.name == topic)).scalar()
        topic_row = topic_row or Topic(name=topic)
    parsed = ParsedQuestion(
        row=0, text=text, options=tuple(options), correct=(0,), difficulty=difficulty, source=source
    )
    question = question_from_parsed(parsed, topic_row)
    db.session.add(question)
    db.session.commit()
    return question.id


def listing(client, **args) -> str:
    return client.get(f"{BANK}/", query_string=args).get_data(as_text=True)


def row_of(html: str, text: str) -> str:
    """The <tr> of the bank table that holds this question text."""
    return next(row for row in html.split("<tr") if text in row)


# --- guard -------------------------------------------------------------------------------


GET_PATHS = ["/", "/nhap", "/nhap/1", "/nhap/1/loi.xlsx", "/mau.xlsx", "/xuat.xlsx", "/1/sua"]


def test_participants_get_403_and_anonymous_users_go_to_login(app, client):
    for path in GET_PATHS:
        assert "/dang-nhap" in client.get(BANK + path).headers["Location"], path
    with app.app_context():
        make_user(role="participant")
    login(client, "0912000001")
    for path in GET_PATHS:
        response = client.get(BANK + path)
        assert response.status_code == 403, path
        assert "Bạn không có quyền truy cập trang này." in response.get_data(as_text=True)


def test_participant_cannot_post_to_the_bank(app, client):
    with app.app_context():
        make_user(role="participant")
        question_id = make_questions(1)[0].id
    login(client, "0912000001")
    token = csrf_token(client)
    for path in (f"/{question_id}/ngung", "/1/sua", "/nhap/1/thuc-hien", "/nhap"):
        assert client.post(BANK + path, data={"csrf_token": token}).status_code == 403
    with app.app_context():
        assert db.session.get(Question, question_id).active is True


# --- upload, dry run, error workbook, import ---------------------------------------------


def test_upload_with_errors_lists_every_error_and_saves_nothing(app, client):
    organizer(app, client)
    upload_id = uploaded_id(post_file(client, workbook(WITH_ERRORS), "ban-nhap.xlsx"))
    response = client.get(f"{BANK}/nhap/{upload_id}")
    assert response.status_code == 422  # refused as a whole, with the reasons listed
    html = response.get_data(as_text=True)
    assert "ban-nhap.xlsx" in html
    assert "chưa câu hỏi nào được nhập" in html
    table = html[html.index('class="table issues"') :]
    assert re.search(
        r'<td class="num">6</td>\s*<td>Câu hỏi</td>\s*<td>Nội dung câu hỏi trống', table
    )
    assert re.search(
        r'<td class="num">7</td>\s*<td>Đáp án đúng</td>\s*<td>Đáp án “C” trỏ tới phương án trống',
        table,
    )
    assert "thuc-hien" not in html  # no import button while the file has errors
    assert "loi.xlsx" in html
    assert count(app, Question) == 0
    with app.app_context():
        upload = db.session.get(BankUpload, upload_id)
        assert upload.imported_at is None and upload.filename == "ban-nhap.xlsx"
        assert len(upload.sha256) == 64
        assert (
            upload.uploaded_by_id
            == db.session.execute(select(User.id).where(User.phone == "0912999999")).scalar_one()
        )
    # Even a forged click on the import saves nothing.
    response = run_import(client, upload_id)
    assert response.headers["Location"].endswith(f"/nhap/{upload_id}")
    assert count(app, Question) == 0
    with app.app_context():
        assert db.session.get(BankUpload, upload_id).imported_at is None


def test_error_workbook_is_the_organizers_file_with_a_loi_column(app, client):
    organizer(app, client)
    upload_id = uploaded_id(post_file(client, workbook(WITH_ERRORS), "ban nhập.xlsx"))
    response = client.get(f"{BANK}/nhap/{upload_id}/loi.xlsx")
    assert response.status_code == 200
    assert response.mimetype == XLSX
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "filename*=UTF-8''ban%20nh%E1%BA%ADp-loi.xlsx" in disposition
    sheet = load_workbook(io.BytesIO(response.data))["Câu hỏi"]
    header = [cell.value for cell in sheet[3]]
    assert header[: len(HEADER)] == HEADER
    column = header.index("Lỗi") + 1
    assert "trống" in sheet.cell(row=6, column=column).value
    assert "“C”" in sheet.cell(row=7, column=column).value
    assert sheet.cell(row=4, column=column).value is None
    assert sheet.cell(row=4, column=2).value == "Thủ tục hành chính là gì?"


def test_good_upload_shows_counts_then_imports_everything(app, client):
    organizer(app, client)
    upload_id = uploaded_id(post_file(client, workbook(GOOD)))
    html = client.get(f"{BANK}/nhap/{upload_id}").get_data(as_text=True)
    assert "Sẽ được thêm: 3 câu hỏi" in html
    assert re.search(r"<td>Một cửa</td><td class=\"num\">2</td>", html)
    assert re.search(r"<td>Chung</td><td class=\"num\">1</td>", html)
    assert re.search(r"<td>Dễ</td><td class=\"num\">2</td>", html)
    assert re.search(r"<td>Khó</td><td class=\"num\">1</td>", html)
    assert "Nhập 3 câu hỏi" in html
    assert count(app, Question) == 0  # the dry run saved nothing

    response = run_import(client, upload_id)
    assert response.headers["Location"] == f"{BANK}/"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã nhập 3 câu hỏi." in page
    assert "Bộ phận Một cửa đặt ở đâu?" in page
    with app.app_context():
        upload = db.session.get(BankUpload, upload_id)
        assert upload.imported_at is not None and upload.saved_count == 3
        stored = db.session.execute(select(Question).where(Question.text.like("Bộ phận%"))).scalar()
        assert stored.correct == [1] and stored.topic.name == "Một cửa" and stored.difficulty == 3
    # The dry-run page now says the file is imported, and offers no second import.
    html = client.get(f"{BANK}/nhap/{upload_id}").get_data(as_text=True)
    assert "Tệp này đã được nhập" in html and "thuc-hien" not in html


def test_a_second_click_on_import_imports_once(app, client):
    organizer(app, client)
    upload_id = uploaded_id(post_file(client, workbook(GOOD)))
    run_import(client, upload_id)
    response = run_import(client, upload_id)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tệp này đã được nhập trước đó (3 câu hỏi)" in page
    assert count(app, Question) == 3


def test_two_concurrent_imports_of_one_upload_save_it_once(app, client):
    organizer(app, client)
    upload_id = uploaded_id(post_file(client, workbook(GOOD)))
    barrier = threading.Barrier(2)
    outcomes = []

    def click():
        with app.app_context():
            upload = db.session.get(BankUpload, upload_id)
            barrier.wait()
            outcomes.append(bank_uploads.import_upload(upload, utcnow()).status)

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["already_imported", "imported"]
    assert count(app, Question) == 3


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"just some text, not a workbook", "ngan-hang.xlsx", "không phải là bảng tính"),
        (b"PK\x03\x04 broken zip", "ngan-hang.xlsx", "bị hỏng hoặc không đọc được"),
        (b"%PDF-1.4", "cau-hoi.pdf", "không phải là bảng tính"),
        (b"\0" * (10 * 1024 * 1024 + 1), "lon.xlsx", "vượt giới hạn"),
    ],
)
def test_unreadable_uploads_get_the_parsers_message_and_are_not_kept(
    app, client, data, filename, message
):
    organizer(app, client)
    response = post_file(client, data, filename)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(app, BankUpload) == 0


def test_a_body_over_the_request_limit_gets_a_413_page(app, client):
    organizer(app, client)
    response = post_file(client, b"\0" * (16 * 1024 * 1024 + 1), "qua-lon.xlsx")
    assert response.status_code == 413
    assert "Tệp gửi lên quá lớn." in response.get_data(as_text=True)
    assert count(app, BankUpload) == 0


def test_upload_without_a_file_asks_for_one(app, client):
    organizer(app, client)
    token = csrf_token(client, f"{BANK}/nhap")
    response = client.post(f"{BANK}/nhap", data={"csrf_token": token})
    assert "Vui lòng chọn tệp câu hỏi để tải lên." in response.get_data(as_text=True)


def test_gift_upload_imports_without_an_error_workbook(app, client):
    organizer(app, client)
    gift = "$CATEGORY: top/Một cửa\n\nHồ sơ nộp ở đâu? {=Bộ phận Một cửa ~Nhà văn hoá ~Chợ}\n"
    upload_id = uploaded_id(post_file(client, gift.encode(), "moodle.gift"))
    html = client.get(f"{BANK}/nhap/{upload_id}").get_data(as_text=True)
    assert "Nhập 1 câu hỏi" in html and "loi.xlsx" not in html
    assert client.get(f"{BANK}/nhap/{upload_id}/loi.xlsx").status_code == 404
    run_import(client, upload_id)
    assert count(app, Question) == 1


# --- template and export ------------------------------------------------------------------


def test_template_and_export_downloads_open_in_openpyxl(app, client):
    organizer(app, client)
    response = client.get(f"{BANK}/mau.xlsx")
    assert response.status_code == 200 and response.mimetype == XLSX
    assert re.search(
        r'filename="?mau-ngan-hang-cau-hoi\.xlsx', response.headers["Content-Disposition"]
    )
    assert "no-store" in response.headers["Cache-Control"]
    book = load_workbook(io.BytesIO(response.data))
    assert "Câu hỏi" in book.sheetnames

    with app.app_context():
        questions = make_questions(5)
        questions[0].active = False
        db.session.commit()
    response = client.get(f"{BANK}/xuat.xlsx")
    assert response.mimetype == XLSX
    assert re.search(
        r'filename="?ngan-hang-cau-hoi-\d{8}\.xlsx', response.headers["Content-Disposition"]
    )
    sheet = load_workbook(io.BytesIO(response.data))["Câu hỏi"]
    texts = [row[1] for row in sheet.iter_rows(min_row=4, values_only=True) if row[1]]
    assert len(texts) == 4 and "Câu hỏi số 1 về thủ tục hành chính?" not in texts
    everything = load_workbook(io.BytesIO(client.get(f"{BANK}/xuat.xlsx?tat_ca=1").data))
    assert everything["Câu hỏi"].max_row == 3 + 5


# --- list: search, filters, statistics ----------------------------------------------------


def test_search_ignores_diacritics_and_needs_every_word(app, client):
    organizer(app, client)
    with app.app_context():
        add_question("Thủ tục hành chính được công khai ở đâu?")
        add_question("Bộ phận Một cửa tiếp nhận hồ sơ nào?", options=("Mọi thủ tục", "Không"))
        add_question("Cán bộ đăng ký hộ tịch là ai?")
    html = listing(client, q="thu tuc")
    assert "Thủ tục hành chính được công khai" in html
    assert "Bộ phận Một cửa" in html  # found through an option's text
    assert "hộ tịch" not in html
    assert "2 câu hỏi" in html
    html = listing(client, q="THỦ  TỤC   cong khai")
    assert "Thủ tục hành chính được công khai" in html and "Bộ phận" not in html
    assert "hộ tịch" in listing(client, q="dang ky")  # đ is folded to d
    assert "Không có câu hỏi nào khớp" in listing(client, q="100%_")


def test_filters_by_topic_difficulty_source_and_status(app, client):
    organizer(app, client)
    with app.app_context():
        add_question(
            "Câu về một cửa?", topic="Một cửa", difficulty=1, source="Nghị định 61/2018/NĐ-CP"
        )
        add_question("Câu về dịch vụ công?", topic="Dịch vụ công", difficulty=3, source="Luật")
        retired = add_question("Câu đã ngừng dùng?", topic="Một cửa")
        db.session.get(Question, retired).active = False
        db.session.commit()
        one_stop = db.session.execute(select(Topic.id).where(Topic.name == "Một cửa")).scalar()
    html = listing(client, topic=one_stop)
    assert (
        "Câu về một cửa?" in html and "Câu đã ngừng dùng?" in html and "dịch vụ công?" not in html
    )
    html = listing(client, difficulty=3)
    assert "Câu về dịch vụ công?" in html and "Câu về một cửa?" not in html
    html = listing(client, difficulty=0)
    assert "Câu đã ngừng dùng?" in html and "Câu về một cửa?" not in html
    html = listing(client, source="nghi dinh 61")
    assert "Câu về một cửa?" in html and "dịch vụ công?" not in html
    html = listing(client, status="retired")
    assert "Câu đã ngừng dùng?" in html and "Câu về một cửa?" not in html
    html = listing(client, status="active", topic=one_stop)
    assert "Câu về một cửa?" in html and "Câu đã ngừng dùng?" not in html
    # Nonsense values are ignored rather than failing.
    assert listing(client, topic="x", difficulty="9", status="?").count("<tr") == 4


def test_list_is_paginated_by_fifty(app, client):
    organizer(app, client)
    with app.app_context():
        make_questions(120)
    first = listing(client)
    assert first.count('class="qtext"') == 50 and "trang 1/3" in first
    last = listing(client, page=3, q="thu tuc")
    assert last.count('class="qtext"') == 20
    assert 'href="/to-chuc/ngan-hang/?page=2&amp;q=thu+tuc"' in last
    assert listing(client, page=99).count('class="qtext"') == 0


def take_attempts(app, target_text: str, right: int, wrong: int, still_open: int) -> None:
    """Attempts in which every question is drawn; `target_text` answered right or wrong."""
    with app.app_context():
        round_ = make_round(question_count=10, attempts_allowed=None, reveal_answers="after_submit")
        now = utcnow()
        for number in range(right + wrong + still_open):
            user = make_user(phone=f"09130000{number:02d}")
            attempt = attempt_service.start_attempt(
                user, round_, now, random.Random(number), grace=GRACE, pool_seconds=POOL_SECONDS
            )
            item = next(i for i in attempt.items if i.text == target_text)
            if number < right + wrong:
                right_answer = list(item.correct)
                wrong_answer = [next(i for i in range(len(item.options)) if i not in item.correct)]
                chosen = right_answer if number < right else wrong_answer
                save_choice(
                    attempt.user_id,
                    attempt.id,
                    item.position,
                    chosen,
                    now,
                    GRACE,
                    session_version=0,
                )
                attempt_service.submit_attempt(attempt, now, GRACE)


def test_statistics_show_draws_and_share_answered_correctly(app, client):
    organizer(app, client)
    with app.app_context():
        make_questions(10)
    target = "Câu hỏi số 4 về thủ tục hành chính?"
    take_attempts(app, target, right=2, wrong=1, still_open=1)
    html = listing(client)
    row = row_of(html, target)
    assert re.search(r'data-stat="drawn">4<', row)
    assert "67% (2/3)" in row
    never = row_of(html, "Câu hỏi số 10 về")
    assert re.search(r'data-stat="drawn">4<', never)

    # The statistics of a whole page come from one grouped query over attempt items.
    statements = []
    with app.app_context():
        engine = db.engine

        def record(_conn, _cursor, statement, *_args):
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", record)
        try:
            listing(client)
        finally:
            event.remove(engine, "before_cursor_execute", record)
    assert sum("attempt_item" in s for s in statements) == 1


# --- edit, retire, restore ----------------------------------------------------------------


def edit_form(question_id, version=1, **fields):
    data = {
        "version": str(version),
        "text": "Nội dung mới về thủ tục?",
        "option_a": "Đúng",
        "option_b": "Sai",
        "option_c": "",
        "option_d": "",
        "option_e": "",
        "option_f": "",
        "correct": "A",
        "topic": "0",
        "new_topic": "",
        "difficulty": "",
        "explanation": "",
        "source": "",
        "active": "y",
    }
    data.update(fields)
    return data


def post_edit(client, question_id, **fields):
    token = csrf_token(client, f"{BANK}/{question_id}/sua")
    data = edit_form(question_id, **fields) | {"csrf_token": token}
    return client.post(f"{BANK}/{question_id}/sua", data=data)


def test_edit_makes_a_new_version_and_taken_attempts_keep_theirs(app, client):
    with app.app_context():
        questions = make_questions(10)
        target_id, old_text = questions[3].id, questions[3].text
        old_options = list(questions[3].options)
    take_attempts(app, old_text, right=1, wrong=0, still_open=0)
    organizer(app, client)
    form = client.get(f"{BANK}/{target_id}/sua").get_data(as_text=True)
    assert old_text in form and 'name="version" type="hidden" value="1"' in form

    response = post_edit(
        client,
        target_id,
        text=" Hồ sơ thủ tục được tiếp nhận ở đâu? ",
        option_a="Bộ phận Một cửa",
        option_b="Nhà riêng",
        option_c="Chợ",
        correct="a, c",
        new_topic="Tiếp nhận hồ sơ",
        difficulty="2",
        source="Nghị định 61/2018/NĐ-CP",
        next=f"{BANK}/?q=ho+so",
    )
    assert response.headers["Location"] == f"{BANK}/?q=ho+so"
    with app.app_context():
        question = db.session.get(Question, target_id)
        assert question.version == 2
        assert question.text == "Hồ sơ thủ tục được tiếp nhận ở đâu?"
        assert question.options == ["Bộ phận Một cửa", "Nhà riêng", "Chợ"]
        assert question.correct == [0, 2]
        assert question.topic.name == "Tiếp nhận hồ sơ"
        assert question.difficulty == 2
        item = db.session.execute(
            select(AttemptItem).where(AttemptItem.question_id == target_id)
        ).scalar_one()
        assert item.text == old_text
        assert sorted(item.options) == sorted(old_options)
        assert item.question_version == 1 and item.is_correct is True
        attempt_id, topic_id = item.attempt_id, question.topic_id
        participant = db.session.get(Attempt, attempt_id).user.phone
    page = client.get(f"{BANK}/", query_string={"q": "ho so tiep nhan"}).get_data(as_text=True)
    assert "Đã lưu câu hỏi số" in page and "phiên bản 2" in page
    assert "Hồ sơ thủ tục được tiếp nhận ở đâu?" in page  # text_key/search_text recomputed
    # The participant's result still shows the question as it was drawn.
    viewer = app.test_client()
    login(viewer, participant)
    result = viewer.get(f"/bai-thi/{attempt_id}/ket-qua").get_data(as_text=True)
    assert old_text in result and "Hồ sơ thủ tục" not in result

    # Saving without any change keeps the version.
    post_edit(
        client,
        target_id,
        version=2,
        text="Hồ sơ thủ tục được tiếp nhận ở đâu?",
        option_a="Bộ phận Một cửa",
        option_b="Nhà riêng",
        option_c="Chợ",
        correct="A, C",
        topic=str(topic_id),
        difficulty="2",
        source="Nghị định 61/2018/NĐ-CP",
    )
    with app.app_context():
        assert db.session.get(Question, target_id).version == 2


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        # The import's own checks (contest/bank/typed_question.py), in the form's words.
        ({"text": "  "}, "Vui lòng nhập nội dung câu hỏi."),
        ({"option_b": ""}, "Câu hỏi chỉ có 1 phương án, cần ít nhất 2."),
        ({"correct": "đáp án một"}, "không phải chữ cái của phương án (A–F)"),
        ({"correct": "C"}, "Đáp án “C” trỏ tới phương án trống."),
        ({"correct": ""}, "Vui lòng chọn ít nhất một đáp án đúng."),
        ({"difficulty": "7"}, "Mức độ “7” không hợp lệ"),
        (
            {"text": "Câu hỏi số 2 về THỦ TỤC hành chính?"},
            "Câu hỏi đã có trong ngân hàng câu hỏi (câu hỏi số",
        ),
        ({"version": "0"}, "Câu hỏi vừa được người khác sửa"),
    ],
)
def test_edit_refuses_bad_input_with_a_message_per_field(app, client, fields, message):
    organizer(app, client)
    with app.app_context():
        question_id = make_questions(3)[0].id
    response = post_edit(client, question_id, **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        question = db.session.get(Question, question_id)
        assert question.version == 1 and question.text == "Câu hỏi số 1 về thủ tục hành chính?"


def test_retired_questions_are_never_drawn_and_can_be_restored(app, client):
    organizer(app, client)
    with app.app_context():
        ids = [q.id for q in make_questions(11)]
        round_ = make_round(question_count=10, attempts_allowed=None)
        round_id = round_.id
    retired = ids[5]
    token = csrf_token(client, f"{BANK}/")
    response = client.post(
        f"{BANK}/{retired}/ngung", data={"csrf_token": token, "next": f"{BANK}/?status=retired"}
    )
    assert response.headers["Location"] == f"{BANK}/?status=retired"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã ngừng dùng câu hỏi số" in html and "Khôi phục" in html
    with app.app_context():
        round_ = db.session.get(type(round_), round_id)
        for number in range(3):
            user = make_user(phone=f"09140000{number:02d}")
            attempt = attempt_service.start_attempt(
                user,
                round_,
                utcnow(),
                random.Random(number),
                grace=GRACE,
                pool_seconds=POOL_SECONDS,
            )
            drawn = {item.question_id for item in attempt.items}
            assert drawn == set(ids) - {retired}

    response = client.post(
        f"{BANK}/{retired}/khoi-phuc", data={"csrf_token": token, "next": "https://evil.example/"}
    )
    assert response.headers["Location"] == f"{BANK}/"
    with app.app_context():
        assert db.session.get(Question, retired).active is True


# --- hostile text -------------------------------------------------------------------------


def test_text_from_spreadsheets_is_shown_escaped(app, client):
    organizer(app, client)
    script = "<script>alert(1)</script>"
    bad = workbook([[1, "Câu có lỗi?", "X", "Y", "", "<img src=x onerror=alert(2)>"]])
    upload_id = uploaded_id(post_file(client, bad, "<b>tệp.xlsx"))
    html = client.get(f"{BANK}/nhap/{upload_id}").get_data(as_text=True)
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "<b>tệp" not in html and "&lt;b&gt;tệp.xlsx" in html

    hostile = [[1, f"Câu {script} hỏi?", "<i>A</i>", "B", "", "A", "<u>Chủ đề</u>", "", script]]
    upload_id = uploaded_id(post_file(client, workbook(hostile)))
    html = client.get(f"{BANK}/nhap/{upload_id}").get_data(as_text=True)
    assert "<u>" not in html and "&lt;u&gt;Chủ đề&lt;/u&gt;" in html
    run_import(client, upload_id)
    for page in (listing(client), listing(client, q="script")):
        assert script not in page and "<u>" not in page
        assert "Câu &lt;script&gt;alert(1)&lt;/script&gt; hỏi?" in page
    with app.app_context():
        question_id = db.session.execute(select(Question.id)).scalar_one()
    form = client.get(f"{BANK}/{question_id}/sua").get_data(as_text=True)
    assert script not in form and "<i>A</i>" not in form and "&lt;i&gt;A&lt;/i&gt;" in form


def test_page_numbers_at_the_integers_limits_are_answered(app, client):
    organizer(app, client)
    with app.app_context():
        make_questions(3)
    for page in ("0", "-1", "abc", "9" * 30, str(2**63), str(2**31)):
        response = client.get(f"{BANK}/", query_string={"page": page})
        assert response.status_code == 200, page
