"""`flask --app contest contests …`: the same service as the console, audited as the CLI."""

from datetime import date

from sqlalchemy import select

from contest.extensions import db
from contest.models import AuditEvent, Contest


def run(runner, *args):
    result = runner.invoke(args=["contests", *args])
    return result.exit_code, result.output


def contest(app, slug) -> Contest:
    with app.app_context():
        found = db.session.execute(select(Contest).where(Contest.slug == slug)).scalar_one()
        db.session.expunge(found)
        return found


def test_create_list_open_close_archive(app, runner):
    code, output = run(runner, "list")
    assert (code, output.strip()) == (0, "Chưa có cuộc thi nào.")

    code, output = run(
        runner,
        "create",
        "--title",
        "Cuộc thi Chuyển đổi số 2026",
        "--organizer",
        "Sở Thông tin và Truyền thông",
        "--starts-on",
        "01/12/2026",
        "--ends-on",
        "31/12/2026",
    )
    assert code == 0, output
    assert (
        "Đã tạo cuộc thi #1 «Cuộc thi Chuyển đổi số 2026» (cuoc-thi-chuyen-doi-so-2026)" in output
    )
    created = contest(app, "cuoc-thi-chuyen-doi-so-2026")
    assert (created.status, created.starts_on) == ("draft", date(2026, 12, 1))

    code, output = run(runner, "create", "--title", "Cải cách hành chính", "--slug", "cchc")
    assert code == 0, output
    code, output = run(runner, "list")
    lines = output.splitlines()
    assert lines[0].split() == [
        "ID",
        "ĐỊA",
        "CHỈ",
        "TRẠNG",
        "THÁI",
        "THỜI",
        "GIAN",
        "TÊN",
        "CUỘC",
        "THI",
    ]
    assert lines[1].startswith("2 ") and "cchc" in lines[1] and "Bản nháp" in lines[1]
    assert "01/12/2026–31/12/2026" in lines[2]
    assert lines[-1] == "2 cuộc thi."

    code, output = run(runner, "open", "cchc")
    assert code == 0 and "Đang mở" in output
    code, output = run(runner, "close", "2")
    assert code == 0 and "Đã đóng" in output
    code, output = run(runner, "archive", "cchc")
    assert code == 0 and "Đã lưu trữ" in output
    assert contest(app, "cchc").status == "archived"

    with app.app_context():
        line = (
            db.session.execute(
                select(AuditEvent).where(AuditEvent.action == "contest.status_changed")
            )
            .scalars()
            .first()
        )
        assert (line.actor_id, line.address) == (None, "cli")


def test_refusals_are_printed_in_vietnamese_with_a_failing_exit(app, runner):
    code, output = run(runner, "create", "--title", "Cải cách", "--slug", "Có dấu")
    assert code == 1 and "chữ thường không dấu" in output
    code, output = run(runner, "create", "--title", "Cải cách", "--starts-on", "31/02/2026")
    assert code == 2 and "không có ngày 31" in output
    code, output = run(
        runner,
        "create",
        "--title",
        "Cải cách",
        "--starts-on",
        "02/12/2026",
        "--ends-on",
        "01/12/2026",
    )
    assert code == 1 and "Ngày kết thúc phải bằng hoặc sau ngày bắt đầu" in output

    run(runner, "create", "--title", "Cải cách", "--slug", "cchc")
    code, output = run(runner, "create", "--title", "Cải cách lần hai", "--slug", "cchc")
    assert code == 1 and "đã được cuộc thi «Cải cách» dùng" in output
    code, output = run(runner, "close", "cchc")
    assert code == 1 and "từ «Bản nháp» sang «Đã đóng»" in output
    code, output = run(runner, "open", "khong-co")
    assert code == 1 and "Không tìm thấy cuộc thi «khong-co»" in output
