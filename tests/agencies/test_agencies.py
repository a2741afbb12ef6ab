"""Agency import: the CLI's JSON and exit codes, all or nothing, updates, and the organizer pages."""

import io
import json

from openpyxl import Workbook
from sqlalchemy import func, select

from contest.agencies.service import agency_tree, import_agencies
from contest.extensions import db
from contest.models import Agency
from tests.factories import csrf_token, login, make_agency, make_user

PAGE = "/to-chuc/co-quan"
HEADER = ["Mã", "Tên cơ quan, đơn vị", "Mã cơ quan cấp trên", "Loại", "Số biên chế"]
# Rows 4.. of the sheet (a title row and a blank row come first). VINH-HB names a later row.
GOOD = [
    ["NA", "UBND tỉnh Nghệ An", None, "UBND cấp tỉnh", 12],
    ["VINH-HB", "UBND phường Hưng Bình", "VINH", "UBND cấp xã", 28],
    ["VINH", "UBND thành phố Vinh", "NA", "UBND cấp huyện", "1.234"],
    ["SNV", "Sở Nội vụ", "NA", "Sở, ban, ngành", 76.0],
]


def workbook(rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Cơ quan, đơn vị"
    sheet.append(["DANH SÁCH CƠ QUAN, ĐƠN VỊ"])
    sheet.append([])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def save(tmp_path, rows, header=HEADER, name="co-quan.xlsx"):
    path = tmp_path / name
    path.write_bytes(workbook(rows, header))
    return str(path)


def run(runner, *args):
    result = runner.invoke(args=["agencies", "import", *args])
    return result.exit_code, result.output


def saved(app) -> dict[str, tuple]:
    """code → (name, parent code, kind, headcount)."""
    with app.app_context():
        agencies = db.session.execute(select(Agency)).scalars().all()
        return {
            a.code: (a.name, a.parent.code if a.parent else None, a.kind, a.headcount)
            for a in agencies
        }


def agency_count(app) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(Agency)).scalar_one()


# -- the command line ------------------------------------------------------------------


def test_import_valid_file_saves_every_agency_with_its_parent(app, runner, tmp_path):
    code, output = run(runner, save(tmp_path, GOOD), "--json")
    assert code == 0, output
    assert json.loads(output) == {
        "file": "co-quan.xlsx",
        "valid": 4,
        "saved": 4,
        "added": 4,
        "updated": 0,
        "unchanged": 0,
        "errors": [],
        "warnings": [],
    }
    assert saved(app) == {
        "NA": ("UBND tỉnh Nghệ An", None, "UBND cấp tỉnh", 12),
        "VINH-HB": ("UBND phường Hưng Bình", "VINH", "UBND cấp xã", 28),
        "VINH": ("UBND thành phố Vinh", "NA", "UBND cấp huyện", 1234),
        "SNV": ("Sở Nội vụ", "NA", "Sở, ban, ngành", 76),
    }


def test_dry_run_saves_nothing(app, runner, tmp_path):
    code, output = run(runner, save(tmp_path, GOOD), "--dry-run", "--json")
    assert code == 0
    report = json.loads(output)
    assert (report["valid"], report["added"], report["saved"]) == (4, 4, 0)
    assert agency_count(app) == 0


def test_text_output(app, runner, tmp_path):
    code, output = run(runner, save(tmp_path, GOOD))
    assert code == 0
    assert (
        "4 cơ quan, đơn vị hợp lệ (4 thêm mới, 0 cập nhật, 0 không đổi), 0 lỗi, 4 đã lưu" in output
    )


def test_a_file_with_errors_saves_nothing_and_lists_every_error(app, runner, tmp_path):
    rows = [
        *GOOD,
        ["STP", "Sở Tư pháp", "KHONGCO", None, 48],
        [None, "Sở Y tế", "NA"],
        ["snv", "Sở Nội vụ (trùng)", "NA", None, "12a"],
    ]
    code, output = run(runner, save(tmp_path, rows), "--json")
    assert code == 1
    report = json.loads(output)
    assert (report["valid"], report["saved"]) == (4, 0)
    assert [(e["row"], e["column"], e["kind"]) for e in report["errors"]] == [
        (8, "Mã cơ quan cấp trên", "unknown_parent"),
        (9, "Mã", "missing_code"),
        (10, "Mã", "duplicate_code"),
        (10, "Số biên chế", "bad_headcount"),
    ]
    assert report["errors"][0]["message"].startswith("Dòng 8, cột “Mã cơ quan cấp trên”: ")
    assert agency_count(app) == 0


def test_an_unreadable_file_is_a_clear_error(app, runner, tmp_path):
    path = tmp_path / "co-quan.xlsx"
    path.write_bytes(b"not a workbook")
    code, output = run(runner, str(path), "--json")
    assert code == 1
    assert [e["kind"] for e in json.loads(output)["errors"]] == ["not_a_spreadsheet"]


def test_reimport_updates_saved_codes_adds_new_ones_and_deletes_nothing(app, runner, tmp_path):
    run(runner, save(tmp_path, GOOD))
    corrected = [
        ["NA", "UBND tỉnh Nghệ An", None, "UBND cấp tỉnh", 12],  # unchanged
        ["vinh-hb", "UBND phường Hưng Bình (mới)", "VINH", "UBND cấp xã", 30],  # updated
        ["STP", "Sở Tư pháp", "NA", "Sở, ban, ngành", 48],  # added
        ["SNV", "Sở Nội vụ", "VINH", "Sở, ban, ngành", 76],  # moved under VINH
    ]
    code, output = run(runner, save(tmp_path, corrected, name="sua.xlsx"), "--json")
    assert code == 0, output
    report = json.loads(output)
    assert (report["added"], report["updated"], report["unchanged"], report["saved"]) == (
        1,
        2,
        1,
        3,
    )
    agencies = saved(app)
    assert len(agencies) == 5  # VINH is not in the second file and stays
    assert agencies["VINH-HB"] == ("UBND phường Hưng Bình (mới)", "VINH", "UBND cấp xã", 30)
    assert agencies["SNV"][1] == "VINH"
    assert agencies["STP"] == ("Sở Tư pháp", "NA", "Sở, ban, ngành", 48)
    assert agencies["VINH"] == ("UBND thành phố Vinh", "NA", "UBND cấp huyện", 1234)


def test_a_failed_reimport_changes_nothing(app, runner, tmp_path):
    run(runner, save(tmp_path, GOOD))
    before = saved(app)
    rows = [["NA", "Tên mới", None], ["SNV", "Sở Nội vụ", "KHONGCO"]]
    code, _ = run(runner, save(tmp_path, rows, name="hong.xlsx"))
    assert code == 1
    assert saved(app) == before


def test_parents_may_be_saved_agencies_and_columns_absent_are_kept(app, runner, tmp_path):
    with app.app_context():
        top = make_agency(code="NA", name="UBND tỉnh", headcount=10)
        make_agency(code="SNV", name="Sở Nội vụ", parent=top, headcount=80)
    header = ["Mã", "Tên", "Mã cấp trên"]
    rows = [["STP", "Sở Tư pháp", "na"], ["SNV", "Sở Nội vụ tỉnh Nghệ An", "NA"]]
    code, output = run(runner, save(tmp_path, rows, header), "--json")
    assert code == 0, output
    agencies = saved(app)
    assert agencies["STP"] == ("Sở Tư pháp", "NA", None, None)
    # No "Loại" or "Số biên chế" column: SNV keeps its kind and headcount.
    assert agencies["SNV"] == ("Sở Nội vụ tỉnh Nghệ An", "NA", "Sở, ban, ngành", 80)


def test_a_cycle_through_saved_agencies_is_refused(app, runner, tmp_path):
    with app.app_context():
        top = make_agency(code="NA", name="UBND tỉnh")
        make_agency(code="VINH", name="UBND thành phố Vinh", parent=top)
    code, output = run(runner, save(tmp_path, [["NA", "UBND tỉnh", "VINH"]]), "--json")
    assert code == 1
    assert [(e["row"], e["kind"]) for e in json.loads(output)["errors"]] == [(4, "parent_cycle")]
    assert saved(app)["NA"][1] is None


def test_the_service_can_leave_the_commit_to_its_caller(app):
    with app.app_context():
        report = import_agencies(workbook(GOOD), "x.xlsx", dry_run=False, commit=False)
        assert report.ok and set(report.agencies) == {"NA", "VINH-HB", "VINH", "SNV"}
        db.session.rollback()
        assert db.session.execute(select(func.count()).select_from(Agency)).scalar_one() == 0


def test_the_tree_lists_each_agency_under_its_parent_with_subtotals(app):
    with app.app_context():
        import_agencies(workbook(GOOD), "x.xlsx", dry_run=False)
        rows = [(r.agency.code, r.depth, r.children, r.total_headcount) for r in agency_tree()]
    assert rows == [
        ("NA", 0, 2, 12 + 1234 + 28 + 76),
        ("VINH", 1, 1, 1234 + 28),
        ("VINH-HB", 2, 0, 28),
        ("SNV", 1, 0, 76),
    ]


def test_the_demo_agencies_come_through_the_import(app):
    assert app.test_cli_runner().invoke(args=["demo", "load"]).exit_code == 0
    agencies = saved(app)
    assert agencies["VINH-HUNGBINH"][1] == "VINH"
    assert agencies["NA"][1] is None and agencies["SNV"][3] == 76


# -- the organizer pages --------------------------------------------------------------


def organizer(app, client):
    with app.app_context():
        make_user(phone="0912999999", role="organizer", full_name="Ban Tổ chức")
    login(client, "0912999999")


def post_file(client, data: bytes, check_only: bool, filename="co-quan.xlsx"):
    form = {"csrf_token": csrf_token(client, f"{PAGE}/nhap"), "file": (io.BytesIO(data), filename)}
    if check_only:
        form["check_only"] = "y"
    return client.post(f"{PAGE}/nhap", data=form, content_type="multipart/form-data")


def test_pages_are_for_organizers_only(app, client):
    for path in (f"{PAGE}/", f"{PAGE}/nhap"):
        response = client.get(path)
        assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]
    with app.app_context():
        make_user(phone="0912000009", role="participant")
        make_user(phone="0912000008", role="judge")
    for phone in ("0912000009", "0912000008"):
        other = app.test_client()
        login(other, phone)
        assert other.get(f"{PAGE}/").status_code == 403
        token = csrf_token(other, "/")
        assert other.post(f"{PAGE}/nhap", data={"csrf_token": token}).status_code == 403


def test_upload_page_starts_with_check_only_ticked(app, client):
    organizer(app, client)
    html = client.get(f"{PAGE}/nhap").get_data(as_text=True)
    assert "Chỉ kiểm tra, không lưu" in html
    assert '<input checked id="check_only" name="check_only" type="checkbox"' in html


def test_dry_run_in_the_browser_shows_counts_and_saves_nothing(app, client):
    organizer(app, client)
    response = post_file(client, workbook(GOOD), check_only=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Tệp hợp lệ" in html and "Chưa lưu gì" in html
    assert "UBND cấp huyện" in html and "Thêm mới" in html
    # The next upload saves: the box comes back unticked.
    assert '<input id="check_only" name="check_only" type="checkbox"' in html
    assert agency_count(app) == 0


def test_errors_in_the_browser_are_listed_by_row_and_column(app, client):
    organizer(app, client)
    rows = [*GOOD, ["STP", "Sở Tư pháp", "KHONGCO"]]
    response = post_file(client, workbook(rows), check_only=False)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "chưa lưu cơ quan, đơn vị nào" in html
    assert '<td class="num">8</td>' in html and "<td>Mã cơ quan cấp trên</td>" in html
    assert "Mã cấp trên “KHONGCO” không có trong tệp" in html
    assert agency_count(app) == 0


def test_import_in_the_browser_saves_and_shows_the_tree(app, client):
    organizer(app, client)
    response = post_file(client, workbook(GOOD), check_only=False)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{PAGE}/")
    assert agency_count(app) == 4
    html = client.get(f"{PAGE}/").get_data(as_text=True)
    assert "Đã nhập “co-quan.xlsx”: 4 cơ quan, đơn vị thêm mới" in html
    assert (
        html.index("UBND thành phố Vinh")
        < html.index("UBND phường Hưng Bình")
        < html.index("Sở Nội vụ")
    )
    assert 'class="depth-2"' in html  # VINH-HB, two levels down
    assert "1.234" in html and "1.350" in html  # headcount, and with VINH's communes


def test_missing_file_is_a_form_error(app, client):
    organizer(app, client)
    token = csrf_token(client, f"{PAGE}/nhap")
    response = client.post(f"{PAGE}/nhap", data={"csrf_token": token})
    assert response.status_code == 422
    assert "Vui lòng chọn tệp danh sách cơ quan, đơn vị" in response.get_data(as_text=True)
