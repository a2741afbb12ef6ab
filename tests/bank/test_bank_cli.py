"""`flask --app contest questions import/export`: the output scripts rely on."""

import json

from openpyxl import Workbook
from sqlalchemy import func, select

from contest.bank.spreadsheets import bank_as_parsed
from contest.extensions import db
from contest.models import Question

HEADER = ["STT", "Câu hỏi", "Phương án A", "Phương án B", "Phương án C", "Đáp án đúng", "Chủ đề"]


def workbook(path, rows):
    book = Workbook()
    sheet = book.active
    sheet.title = "Câu hỏi"
    sheet.append(["NGÂN HÀNG CÂU HỎI"])
    sheet.append([])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


GOOD = [
    [
        1,
        "Thủ tục hành chính là gì?",
        "Trình tự, cách thức",
        "Một văn bản",
        "Một cuộc họp",
        "A",
        "Chung",
    ],
    [2, "Bộ phận Một cửa đặt ở đâu?", "Ở nhà", "Tại trụ sở cơ quan", "Trên mạng", "b.", "Một cửa"],
]


def run(runner, *args):
    result = runner.invoke(args=["questions", *args])
    return result.exit_code, result.output


def bank_size(app):
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(Question)).scalar_one()


def test_import_valid_file_saves_everything(app, runner, tmp_path):
    code, output = run(runner, "import", str(workbook(tmp_path / "ok.xlsx", GOOD)), "--json")
    assert code == 0
    report = json.loads(output)
    assert report == {"file": "ok.xlsx", "valid": 2, "saved": 2, "errors": [], "warnings": []}
    assert bank_size(app) == 2


def test_dry_run_saves_nothing(app, runner, tmp_path):
    code, output = run(
        runner, "import", str(workbook(tmp_path / "ok.xlsx", GOOD)), "--dry-run", "--json"
    )
    assert code == 0
    assert json.loads(output)["saved"] == 0
    assert bank_size(app) == 0


def test_file_with_an_error_saves_nothing_and_lists_every_error(app, runner, tmp_path):
    rows = [*GOOD, [3, "", "X", "Y", "", "A", ""], [4, "Câu thứ tư?", "X", "Y", "", "C", ""]]
    code, output = run(runner, "import", str(workbook(tmp_path / "bad.xlsx", rows)), "--json")
    assert code == 1
    report = json.loads(output)
    assert report["saved"] == 0
    assert [(e["row"], e["column"], e["kind"]) for e in report["errors"]] == [
        (6, "Câu hỏi", "empty_question"),
        (7, "Đáp án đúng", "answer_points_to_empty_option"),
    ]
    assert bank_size(app) == 0


def test_a_second_import_reports_duplicates_of_the_bank(app, runner, tmp_path):
    path = str(workbook(tmp_path / "ok.xlsx", GOOD))
    run(runner, "import", path)
    code, output = run(runner, "import", path, "--json")
    assert code == 1
    assert {e["kind"] for e in json.loads(output)["errors"]} == {"duplicate"}
    assert bank_size(app) == 2


def test_export_then_import_into_an_empty_bank_gives_the_same_bank(app, runner, tmp_path):
    demo = runner.invoke(args=["demo", "load"])
    assert demo.exit_code == 0
    with app.app_context():
        before = [
            (q.text, q.options, q.correct, q.topic, q.difficulty, q.explanation, q.source)
            for q in bank_as_parsed()
        ]
    code, _ = run(runner, "export", str(tmp_path / "bank.xlsx"))
    assert code == 0
    with app.app_context():
        db.session.execute(db.delete(Question))
        db.session.commit()
    code, output = run(runner, "import", str(tmp_path / "bank.xlsx"), "--json")
    assert code == 0, output
    with app.app_context():
        after = [
            (q.text, q.options, q.correct, q.topic, q.difficulty, q.explanation, q.source)
            for q in bank_as_parsed()
        ]
    assert after == before
    assert len(after) >= 60


def test_aiken_text_file(app, runner, tmp_path):
    path = tmp_path / "bank.txt"
    path.write_text(
        "Nghị định 63/2010/NĐ-CP quy định về nội dung nào?\n"
        "A. Kiểm soát thủ tục hành chính\nB. Thuế thu nhập\nANSWER: A\n",
        encoding="utf-8",
    )
    code, output = run(runner, "import", str(path), "--json")
    assert code == 0, output
    assert bank_size(app) == 1
