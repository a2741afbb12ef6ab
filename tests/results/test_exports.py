"""Excel exports of a round, opened again with openpyxl, on rounds whose results were worked
out by hand (the same round as tests/results/test_results.py), and with hostile text."""

import csv
import io
import shutil
import subprocess
from datetime import date, datetime, timedelta

import openpyxl
import pytest
from sqlalchemy import delete, select

from contest.extensions import db
from contest.models import Attempt, AttemptItem, Round, RoundEntry, User
from contest.results import round_stats
from contest.results import service as results
from contest.results.exports import cells
from contest.results.exports.round_exports import HEADER_ROW, export_round
from tests.factories import make_agency, make_entry, make_questions, make_round

GRACE = timedelta(seconds=10)
OPENS = datetime(2025, 11, 16, 1, 0)  # 08:00 in Vietnam
NOW = datetime(2025, 11, 24, 7, 5, 9)  # 14:05:09 in Vietnam
FIRST = HEADER_ROW + 1
HOSTILE = {
    '=HYPERLINK("http://x")': '=HYPERLINK("http://x")',
    "+1": "+1",
    "-2": "-2",
    "@SUM(A1)": "@SUM(A1)",
    "\tTab": "\tTab",
    "Chuông\x07 reo": "Chuông reo",
    "<script>": "<script>",
}

# name, group, agency, eligible, correct, prediction, seconds, minute (prediction actual: 8)
SPECS = [
    ("An", "can_bo", "XA", True, 20, 8, 300, 5),
    ("Bình", "can_bo", "HUYEN", True, 20, 10, 200, 4),
    ("Cường", "can_bo", "XA", True, 20, 6, 200, 3),
    ("Dung", "can_bo", "HUYEN", False, 20, 8, 100, 1),
    ("Em", "nhan_dan", None, True, 20, None, 50, 0),
    ("Giang", "nhan_dan", None, True, 19, 8, 100, 2),
    ("Hà", "nhan_dan", None, True, 19, 8, 100, 2),
    ("Khoa", "can_bo", "XA", True, 0, 8, 30, 9),
]
RANKING = [
    (1, "Dung"),
    (2, "An"),
    (3, "Cường"),
    (4, "Bình"),
    (5, "Em"),
    (6, "Giang"),
    (6, "Hà"),
    (8, "Khoa"),
]
PRIZES = [
    ("Cán bộ, công chức, viên chức", "Giải Nhất", 2, "An"),
    ("Cán bộ, công chức, viên chức", "Giải Nhì", 3, "Cường"),
    ("Cán bộ, công chức, viên chức", "Giải Ba", 4, "Bình"),
    ("Cán bộ, công chức, viên chức", "Giải Khuyến khích", 5, "Khoa"),
    ("Nhân dân", "Giải Nhất", 1, "Em"),
    ("Nhân dân", "Giải Nhì", 2, "Giang"),
    ("Nhân dân", "Giải Nhì", 2, "Hà"),
]


@pytest.fixture
def closed_round(app):
    """Eight people in a closed round of 20 questions; the prediction's actual value is 8."""
    with app.app_context():
        round_ = make_round(
            opens_at=OPENS,
            closes_at=OPENS + timedelta(days=7),
            prediction_enabled=True,
            prediction_prompt="Bao nhiêu người?",
            prize_counts={"nhat": 1, "nhi": 1, "ba": 1, "kk": 1},
        )
        district = make_agency("HUYEN", "UBND huyện A")
        agencies = {"HUYEN": district, "XA": make_agency("XA", "UBND xã B", parent=district)}
        make_agency("SO", "Sở không biên chế", headcount=None)
        for i, (name, group, agency, eligible, correct, prediction, seconds, minute) in enumerate(
            SPECS
        ):
            user = person(
                f"09120000{i:02d}",
                name,
                group,
                agency_id=agencies[agency].id if agency else None,
                prize_eligible=eligible,
                date_of_birth=date(1990, 1, 1 + i),
                national_id=f"0010900000{i:02d}",
            )
            make_entry(round_, user, correct, prediction, seconds, minute)
        yield round_.id


def person(phone: str, full_name: str, group="nhan_dan", **fields) -> User:
    """A participant who never logs in: no password hashing, which is slow on purpose."""
    user = User(
        phone=phone,
        full_name=full_name,
        participant_group=group,
        password_hash="!",
        email=f"{phone}@example.vn",
        **fields,
    )
    db.session.add(user)
    db.session.commit()
    return user


def people() -> dict[str, User]:
    return {u.full_name: u for u in db.session.execute(select(User)).scalars()}


def export(round_id, kind, **options) -> openpyxl.worksheet.worksheet.Worksheet:
    options.setdefault("for_judges", True)
    out = io.BytesIO()
    export_round(db.session.get(Round, round_id), kind, out, now=NOW, **options)
    out.seek(0)
    return openpyxl.load_workbook(out).active


def data(sheet) -> list[tuple]:
    return list(sheet.iter_rows(min_row=FIRST, values_only=True))


def column(sheet, header: str) -> list:
    headers = [cell.value for cell in sheet[HEADER_ROW]]
    index = headers.index(header)
    return [row[index] for row in data(sheet)]


def headers(sheet) -> list:
    return [cell.value for cell in sheet[HEADER_ROW]]


def ranked(sheet) -> list[tuple]:
    return list(zip(column(sheet, "Hạng"), column(sheet, "Họ và tên"), strict=True))


def freeze(round_id) -> Round:
    round_ = db.session.get(Round, round_id)
    assert results.freeze_actual(round_, NOW, GRACE) == 8
    return round_


def publish(round_id):
    round_ = db.session.get(Round, round_id)
    results.mark_reviewed(round_)
    return results.publish(round_, NOW, GRACE, None, None)


def test_draft_ranking_by_hand(app, closed_round):
    with app.app_context():
        freeze(closed_round)
        sheet = export(closed_round, "ranking")
        titles = [sheet.cell(row, 1).value for row in range(1, HEADER_ROW)]
        assert titles[0] == "Cuộc thi tìm hiểu kiểm soát thủ tục hành chính"
        assert titles[1] == "Bảng xếp hạng cá nhân — Vòng 1: Tuần thi thứ nhất"
        assert "đối tượng: tất cả" in titles[2] and "số điện thoại, CCCD đầy đủ" in titles[2]
        assert titles[3] == "Xuất lúc 14:05:09 ngày 24/11/2025 (giờ Việt Nam, UTC+7)"
        assert titles[4].startswith("Bản nháp – chưa công bố")
        assert "số liệu thực tế đã chốt là 8" in titles[5]
        assert titles[6].startswith("Tiêu chí xếp hạng: 1. nhiều câu trả lời đúng hơn")
        assert titles[7] is None and sheet.cell(1, 1).font.b
        assert sheet.cell(HEADER_ROW, 1).value == "Hạng" and sheet.cell(HEADER_ROW, 1).font.b
        assert sheet.freeze_panes == f"A{FIRST}"
        assert sheet.auto_filter.ref == f"A{HEADER_ROW}:T{HEADER_ROW + 8}"
        assert sheet.column_dimensions["C"].width == 26
        assert ranked(sheet) == RANKING
        assert column(sheet, "Sai số dự đoán") == [0, 0, 2, 2, None, 0, 0, 0]
        assert column(sheet, "Dự đoán")[:5] == [8, 8, 6, 10, None]
        assert column(sheet, "Giải") == [
            None, "Giải Nhất", "Giải Nhì", "Giải Ba", "Giải Nhất", "Giải Nhì", "Giải Nhì",
            "Giải Khuyến khích",
        ]  # fmt: skip
        assert column(sheet, "Được xét giải")[:2] == ["Không", "Có"]
        assert column(sheet, "Hạng trong nhóm đối tượng") == [1, 2, 3, 4, 1, 2, 2, 5]
        first = data(sheet)[0]
        assert first[1:8] == (
            people()["Dung"].id,
            "Dung",
            datetime(1990, 1, 4),
            "HUYEN",
            "UBND huyện A",
            None,
            "Cán bộ, công chức, viên chức",
        )
        assert column(sheet, "Mã cơ quan cấp trên")[1:3] == ["HUYEN", "HUYEN"]  # An, Cường
        # Dung: started 09:01 in Vietnam, handed in 100 s later.
        assert column(sheet, "Nộp bài lúc (giờ Việt Nam)")[0] == datetime(2025, 11, 16, 9, 2, 40)
        assert column(sheet, "Thời gian làm bài (phút:giây.mili giây)")[0] == timedelta(seconds=100)
        assert column(sheet, "Lượt thi thứ") == [1] * 8
        assert column(sheet, "Số điện thoại")[0] == "0912000003"
        assert column(sheet, "Số CCCD")[0] == "001090000003"
        assert_formats(sheet)


def assert_formats(sheet, public=False):
    row = {cell.column_letter: cell for cell in sheet[FIRST]}
    headers = {cell.value: cell.column_letter for cell in sheet[HEADER_ROW]}
    if not public:
        assert row[headers["Ngày sinh"]].number_format == "dd/mm/yyyy"
    assert row[headers["Nộp bài lúc (giờ Việt Nam)"]].number_format == "dd/mm/yyyy hh:mm:ss.000"
    assert row[headers["Thời gian làm bài (phút:giây.mili giây)"]].number_format == "[mm]:ss.000"


def test_published_ranking_is_the_snapshot_with_its_sha256(app, closed_round):
    with app.app_context():
        publication = publish(closed_round)
        # Later changes to live data do not change what the export of the publication shows.
        db.session.execute(delete(RoundEntry))
        db.session.commit()
        sheet = export(closed_round, "ranking", for_judges=False)
        assert sheet.cell(5, 1).value.startswith(
            f"Mã kiểm tra SHA-256 của bảng kết quả đã công bố: {publication.sha256} (công bố lần 1"
        )
        assert "bản công khai" in sheet.cell(3, 1).value
        assert ranked(sheet) == RANKING
        assert column(sheet, "Sai số dự đoán") == [0, 0, 2, 2, None, 0, 0, 0]
        assert column(sheet, "Số điện thoại")[0] == "*******003"
        assert column(sheet, "Số CCCD")[0] == "001******003"
        assert column(sheet, "Năm sinh") == [1990] * 8 and "Ngày sinh" not in headers(sheet)
        assert column(sheet, "Lượt thi thứ") == [1] * 8
        assert column(sheet, "Số thứ tự niêm phong") == list(range(1, 9))
        assert_formats(sheet, public=True)


@pytest.mark.parametrize("published", [False, True])
def test_filters_keep_ranks(app, closed_round, published):
    with app.app_context():
        publish(closed_round) if published else freeze(closed_round)
        by_group = export(closed_round, "ranking", group="nhan_dan")
        assert "đối tượng: Nhân dân" in by_group.cell(3, 1).value
        # Published, a line keeps its sealed rank; its group's rank is its own column.
        first = 5 if published else 1
        assert ranked(by_group) == [(first, "Em"), (first + 1, "Giang"), (first + 1, "Hà")]
        assert column(by_group, "Hạng trong nhóm đối tượng") == [1, 2, 2]
        by_agency = export(closed_round, "ranking", agency_ids=[people()["An"].agency_id])
        assert "cơ quan, đơn vị: UBND xã B" in by_agency.cell(3, 1).value
        assert ranked(by_agency) == [(2, "An"), (3, "Cường"), (8, "Khoa")]
        last = "V" if published else "T"  # published: its place and receipt code too
        assert by_agency.auto_filter.ref == f"A{HEADER_ROW}:{last}{HEADER_ROW + 3}"


@pytest.mark.parametrize("published", [False, True])
def test_prize_list_by_group_then_level(app, closed_round, published):
    with app.app_context():
        publish(closed_round) if published else freeze(closed_round)
        sheet = export(closed_round, "prizes")
        assert sheet.cell(2, 1).value.startswith("Danh sách đạt giải")
        shown = ("Đối tượng", "Giải", "Hạng trong nhóm đối tượng", "Họ và tên")
        assert list(zip(*(column(sheet, name) for name in shown), strict=True)) == PRIZES
        only = export(closed_round, "prizes", group="nhan_dan", agency_ids=[])
        assert data(only) == []
        last = "V" if published else "S"
        assert only.auto_filter.ref == f"A{HEADER_ROW}:{last}{HEADER_ROW + 1}"
        commune = export(closed_round, "prizes", agency_ids=[people()["An"].agency_id])
        assert column(commune, "Họ và tên") == ["An", "Cường", "Khoa"]


def test_agencies_rolled_up_and_ranked(app, closed_round):
    with app.app_context():
        freeze(closed_round)
        sheet = export(closed_round, "agencies")
        assert "xếp hạng theo tỷ lệ tham gia" in sheet.cell(2, 1).value
        rows = data(sheet)
        # Commune: An, Cường, Khoa (40 correct, 2 perfect) of 80; district adds Bình, Dung.
        assert rows[0] == (1, "XA", "UBND xã B", "UBND huyện A", "HUYEN", "Sở, ban, ngành", 80,
                           3, 3, 3, 0.0375, pytest.approx(40 / 3), 2)  # fmt: skip
        assert rows[1] == (2, "HUYEN", "UBND huyện A", None, None, "Sở, ban, ngành", 160, 5, 2,
                           5, 0.03125, 16, 4)  # fmt: skip
        assert rows[2][:8] == (
            None, "SO", "Sở không biên chế", None, None, "Sở, ban, ngành", None, 0
        )  # fmt: skip
        assert sheet.cell(FIRST, 11).number_format == "0.00%"
        # The same figures as the judges' agency page.
        round_ = db.session.get(Round, closed_round)
        page = {line.agency.code: line for line in round_stats.agency_table(round_)}
        for row in rows:
            total = page[row[1]].total
            assert (row[0], row[7], row[9], row[12]) == (
                page[row[1]].rank,
                total.participants,
                total.entries,
                total.perfect,
            )
        citizens = data(export(closed_round, "agencies", group="nhan_dan"))
        assert [row[7] for row in citizens] == [0, 0, 0]


def test_entries_every_finished_attempt(app, closed_round):
    with app.app_context():
        an = people()["An"]
        round_ = db.session.get(Round, closed_round)
        make_entry(round_, an, 15, 9, 400, 30, number=2)  # worse: the first attempt counts
        sheet = export(closed_round, "entries", for_judges=False)
        assert "chưa chốt số liệu thực tế" in sheet.cell(6, 1).value
        rows = data(sheet)
        assert len(rows) == 9
        an_rows = [row for row in rows if row[1] == an.id]
        assert [(r[9], r[13], r[16], r[17], r[18]) for r in an_rows] == [
            (1, 20, 8, "Có", "Tốt nhất: nhiều câu trả lời đúng hơn"),
            (2, 15, 9, "Không", None),
        ]
        first = an_rows[0]
        assert first[2:9] == ("An", 1990, "XA", "UBND xã B", "HUYEN", "Cán bộ, công chức, viên chức", "Có")  # fmt: skip
        assert first[10:13] == (
            datetime(2025, 11, 16, 9, 5),
            datetime(2025, 11, 16, 9, 10),
            "Đã nộp bài",
        )
        assert (first[14], first[15]) == (20, 300_000)
        assert (first[19], first[20]) == ("*******000", "001******000")
        attempt_ids = (
            db.session.execute(select(Attempt.id).order_by(Attempt.user_id, Attempt.number))
            .scalars()
            .all()
        )
        assert [row[0] for row in rows] == attempt_ids
        assert len(data(export(closed_round, "entries", group="nhan_dan"))) == 3


def test_questions_hardest_first(app, closed_round):
    with app.app_context():
        questions = make_questions(3)
        attempts = db.session.execute(select(Attempt).order_by(Attempt.id)).scalars().all()
        # Question 1 drawn 3 times, right once; question 2 drawn twice, always right.
        draws = [(0, 0, True), (1, 0, False), (2, 0, False), (0, 1, True), (1, 1, True)]
        for attempt_index, question_index, right in draws:
            question = questions[question_index]
            db.session.add(
                AttemptItem(
                    attempt_id=attempts[attempt_index].id,
                    position=question_index + 1,
                    question_id=question.id,
                    question_version=1,
                    text=question.text,
                    options=question.options,
                    option_order=[0, 1, 2, 3],
                    correct=question.correct,
                    chosen=[0],
                    is_correct=right,
                )
            )
        db.session.commit()
        sheet = export(closed_round, "questions")
        rows = data(sheet)
        assert [row[0] for row in rows] == [questions[0].id, questions[1].id]
        assert rows[0][1] == questions[0].text
        assert [row[3:] for row in rows] == [(3, 1, 1 / 3), (2, 2, 1)]
        page = round_stats.question_stats(db.session.get(Round, closed_round))
        assert [(q.question_id, q.drawn, q.correct) for q in page] == [r[:1] + r[3:5] for r in rows]
        # The attempts above are An's, Bình's and Cường's: no citizen drew a question.
        assert data(export(closed_round, "questions", group="nhan_dan")) == []


@pytest.fixture
def hostile_round(app):
    with app.app_context():
        round_ = make_round(
            opens_at=OPENS, closes_at=OPENS + timedelta(days=7), title="=1+1 vòng\x07 thử"
        )
        round_.contest.title = "@Cuộc thi"
        agency = make_agency("=A1", "+Sở\x0b Nội vụ")
        for i, name in enumerate(HOSTILE):
            user = person(f"09130000{i:02d}", name, agency_id=agency.id)
            make_entry(round_, user, 20 - i, None, 100, i)
        yield round_.id


@pytest.mark.parametrize("kind", ["ranking", "entries", "prizes", "agencies"])
def test_hostile_text_stays_text(app, hostile_round, kind):
    with app.app_context():
        sheet = export(hostile_round, kind)
        cells_read = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
        assert all(cell.data_type != "f" for cell in cells_read)
        texts = {cell.value: cell for cell in cells_read if isinstance(cell.value, str)}
        assert texts["@Cuộc thi"].quotePrefix
        assert sheet.cell(2, 1).value.endswith("Vòng 1: =1+1 vòng thử")
        assert "+Sở Nội vụ" in texts and texts["+Sở Nội vụ"].quotePrefix
        if kind == "agencies":
            assert texts["=A1"].data_type == "s" and texts["=A1"].quotePrefix
            return
        names = [value for value in texts if value in HOSTILE.values()]
        assert sorted(names) == sorted(HOSTILE.values())
        for risky in ('=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tTab"):
            assert texts[risky].data_type == "s" and texts[risky].quotePrefix
        assert not texts["<script>"].quotePrefix


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_shows_hostile_text_as_text(app, hostile_round, tmp_path):
    if app.config["BACKEND"] != "sqlite":
        pytest.skip("the file is the same on every database: opened once")
    with app.app_context():
        path = tmp_path / "xep-hang.xlsx"
        export_round(
            db.session.get(Round, hostile_round), "ranking", path, for_judges=True, now=NOW
        )
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true",
         "--outdir", str(tmp_path), str(path)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    with open(tmp_path / "xep-hang.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][0] == "@Cuộc thi" and rows[1][0].endswith("=1+1 vòng thử")
    shown_names = [row[2] for row in rows[HEADER_ROW:]]
    assert sorted(shown_names) == sorted(HOSTILE.values())
    assert rows[HEADER_ROW][13] == "01:40.000"  # duration as minutes:seconds
    assert rows[HEADER_ROW][14].startswith("16/11/2025 ")  # day first


def test_cli_writes_the_file(app, runner, closed_round, tmp_path):
    out = tmp_path / "giai.xlsx"
    args = ["results", "export", "--round", str(closed_round), "--kind", "ranking"]
    result = runner.invoke(args=[*args, "--out", str(out), "--group", "can_bo", "--public"])
    assert result.exit_code == 0, result.output
    assert "5 dòng" in result.output
    sheet = openpyxl.load_workbook(out).active
    assert column(sheet, "Số điện thoại")[0] == "*******003"
    result = runner.invoke(args=[*args, "--out", str(out), "--agency", "HUYEN"])
    assert result.exit_code == 0 and "5 dòng" in result.output
    assert column(openpyxl.load_workbook(out).active, "Số điện thoại")[0] == "0912000003"
    assert runner.invoke(args=["results", "export", "--round", "999", "--kind", "ranking", "--out", str(out)]).exit_code == 1  # fmt: skip


def test_masks_and_clean_text():
    assert cells.mask_phone("0912345678") == "0912***678"
    assert cells.mask_phone(None) is None and cells.mask_phone("123") == "***"
    assert cells.mask_national_id("001090000123") == "001******123"
    assert cells.mask_national_id("12345") == "*****"
    assert cells.clean_text("a\x07b\r\nc\rd\te") == "ab\nc\nd\te"
    assert cells.clean_text("_x0041_") == "_x005F_x0041_"  # Excel would show "A" otherwise
    assert cells.clean_text(12) == "12"
    assert cells.clean_text("x" * 40000) == "x" * 32767
    assert cells.safe_text("Nguyễn Văn A", None) == "Nguyễn Văn A"
    assert cells.safe_text(None, None) is None
    assert all(cells.needs_guard(text) for text in ("=1", "+1", "-1", "@A", "\t1", "\r1", "#N/A"))
