"""An upload is parsed once: the result page and the marked workbook read what the dry run
found, kept with the upload; the import parses again (to save the questions) and keeps its
new findings when the bank changed meanwhile. And the import's limits come from the settings:
a question may hold 10,000 characters, an option 2,000."""

import io

import pytest
from openpyxl import load_workbook

from contest.bank import spreadsheets, uploads
from contest.extensions import db
from contest.models import BankUpload, Question
from tests.bank.test_bank_web import (
    BANK,
    GOOD,
    WITH_ERRORS,
    count,
    organizer,
    post_file,
    run_import,
    uploaded_id,
    workbook,
)


@pytest.fixture
def parses(monkeypatch):
    """How many times a bank file is parsed (every path goes through parse_bank_file)."""
    calls = []
    real = spreadsheets.parse_bank_file

    def counting(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(spreadsheets, "parse_bank_file", counting)
    return calls


def test_the_result_page_reads_the_kept_findings_without_parsing(app, client, parses):
    organizer(app, client)
    upload_id = uploaded_id(post_file(client, workbook(WITH_ERRORS), "loi.xlsx"))
    assert parses == ["loi.xlsx"]
    for _ in range(3):
        response = client.get(f"{BANK}/nhap/{upload_id}")
        assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert parses == ["loi.xlsx"]  # three views, no parse
    assert (
        "<strong>2</strong> câu hỏi hợp lệ" in html and '<strong class="bad">2</strong> lỗi' in html
    )
    with app.app_context():
        kept = db.session.get(BankUpload, upload_id).report
    assert kept["valid"] == 2
    assert [(e["row"], e["kind"]) for e in kept["errors"]] == [
        (6, "empty_question"),
        (7, "answer_points_to_empty_option"),
    ]
    # The marked workbook is made from the kept findings too.
    marked = client.get(f"{BANK}/nhap/{upload_id}/loi.xlsx")
    assert marked.status_code == 200 and parses == ["loi.xlsx"]
    sheet = load_workbook(io.BytesIO(marked.data)).active
    errors = [row[-1] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert errors[0] is None and errors[1] is None
    assert "trống" in errors[2] and "“C”" in errors[3]


def test_counts_per_topic_and_difficulty_are_kept(app, client, parses):
    organizer(app, client)
    upload_id = uploaded_id(post_file(client, workbook(GOOD)))
    html = client.get(f"{BANK}/nhap/{upload_id}").get_data(as_text=True)
    assert parses == ["ngan-hang.xlsx"]
    assert "Nhập 3 câu hỏi" in html
    topics = html.split("<th>Chủ đề</th>")[1].split("</table>")[0]
    assert topics.index("Một cửa") < topics.index("Chung")  # 2 before 1
    assert ">2</td>" in topics and ">1</td>" in topics
    levels = html.split("<th>Mức độ</th>")[1].split("</table>")[0]
    assert "Dễ" in levels and "Khó" in levels


def test_an_upload_from_before_is_parsed_once_and_its_findings_kept(app, client, parses):
    organizer(app, client)
    upload_id = uploaded_id(post_file(client, workbook(GOOD)))
    with app.app_context():
        db.session.get(BankUpload, upload_id).report = None  # as uploads before the column
        db.session.commit()
    for _ in range(2):
        assert client.get(f"{BANK}/nhap/{upload_id}").status_code == 200
    assert parses == ["ngan-hang.xlsx", "ngan-hang.xlsx"]  # the upload, then one view
    with app.app_context():
        assert db.session.get(BankUpload, upload_id).report["valid"] == 3


def test_an_import_refused_because_the_bank_changed_keeps_its_new_findings(app, client, parses):
    organizer(app, client)
    first = uploaded_id(post_file(client, workbook(GOOD), "mot.xlsx"))
    second = uploaded_id(post_file(client, workbook(GOOD[:2]), "hai.xlsx"))
    assert run_import(client, first).status_code == 302
    assert count(app, Question) == 3
    # The second file was fine when uploaded; by now its questions are in the bank.
    assert "Nhập 2 câu hỏi" in client.get(f"{BANK}/nhap/{second}").get_data(as_text=True)
    response = run_import(client, second)
    assert response.headers["Location"].endswith(f"/nhap/{second}")
    assert count(app, Question) == 3
    html = client.get(f"{BANK}/nhap/{second}").get_data(as_text=True)
    assert "<strong>0</strong> câu hỏi hợp lệ" in html and "đã có trong ngân hàng" in html
    assert "Nhập 2 câu hỏi" not in html
    assert parses == ["mot.xlsx", "hai.xlsx", "mot.xlsx", "hai.xlsx"]


# --- limits ---------------------------------------------------------------------------------


def one_question(text: str, option: str = "Có") -> bytes:
    return workbook([[1, text, option, "Không", "", "A", "Chung", "Dễ"]])


def test_a_question_of_10000_characters_and_an_option_of_2000_are_imported(app, client):
    organizer(app, client)
    text, option = "Tình huống: " + "x" * 9_988, "y" * 2_000
    assert len(text) == 10_000
    upload_id = uploaded_id(post_file(client, one_question(text, option)))
    assert client.get(f"{BANK}/nhap/{upload_id}").status_code == 200
    assert run_import(client, upload_id).status_code == 302
    with app.app_context():
        question = db.session.execute(db.select(Question)).scalar_one()
        assert question.text == text and question.options[0] == option


def test_one_character_more_is_refused_with_the_limit_said(app, client):
    organizer(app, client)
    upload_id = uploaded_id(post_file(client, one_question("x" * 10_001, "y" * 2_001)))
    response = client.get(f"{BANK}/nhap/{upload_id}")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Câu hỏi dài 10.001 ký tự, vượt giới hạn 10.000 ký tự của một câu hỏi." in html
    assert "Phương án dài 2.001 ký tự, vượt giới hạn 2.000 ký tự của một phương án." in html


def test_the_limits_are_settings(app, client):
    organizer(app, client)
    app.config.update(BANK_MAX_QUESTION_LENGTH=30, BANK_MAX_OPTION_LENGTH=5)
    upload_id = uploaded_id(post_file(client, one_question("Câu hỏi " + "x" * 23)))
    html = client.get(f"{BANK}/nhap/{upload_id}").get_data(as_text=True)
    assert "Câu hỏi dài 31 ký tự, vượt giới hạn 30 ký tự của một câu hỏi." in html
    assert "Phương án dài" not in html  # "Có", "Không": within 5
    assert spreadsheets.bank_limits(app.config).max_option_length == 5
    assert spreadsheets.bank_limits({}) == uploads.DEFAULT_LIMITS
