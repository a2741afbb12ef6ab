"""The audit log for organizers: newest first, filtered, paged, and exported to Excel."""

import os
import tempfile

from flask import Blueprint, render_template, request, send_file, url_for
from werkzeug.routing import BuildError

from contest.audit import service as audit
from contest.audit.export import export_log
from contest.domain.clock import to_vietnam
from contest.domain.vn_dates import parse_vn_date
from contest.paging import clamp_page
from contest.web.actor import current_actor
from contest.web.bounded import query_int
from contest.web.guards import require_role
from contest.web.timekeeping import app_now

bp = Blueprint("audit", __name__)
require_role(bp, lambda user: user.is_organizer)
PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def text_arg(name: str, limit: int) -> str:
    return (request.args.get(name) or "").strip()[:limit]


def date_arg(name: str, errors: dict[str, str]):
    """A dd/mm/yyyy date from the query string; a bad one is reported and ignored."""
    text = text_arg(name, 40)
    if not text:
        return None
    try:
        return parse_vn_date(text)
    except ValueError as error:
        errors[name] = str(error)
        return None


def read_filters() -> tuple[audit.AuditFilters, dict[str, str], dict[str, object]]:
    """The filters, the messages of those refused, and the query values to keep in links."""
    errors: dict[str, str] = {}
    since, until = date_arg("tu_ngay", errors), date_arg("den_ngay", errors)
    if since and until and since > until:
        errors["den_ngay"] = "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."
        until = None
    filters = audit.AuditFilters(
        action=text_arg("hanh_dong", 60) or None,
        actor=text_arg("nguoi", 120),
        object_type=text_arg("doi_tuong", 40) or None,
        object_id=query_int("ma"),
        since=since,
        until=until,
    )
    args = {
        "hanh_dong": filters.action,
        "nguoi": filters.actor or None,
        "doi_tuong": filters.object_type,
        "ma": filters.object_id,
        "tu_ngay": text_arg("tu_ngay", 40) or None,
        "den_ngay": text_arg("den_ngay", 40) or None,
    }
    return filters, errors, {name: value for name, value in args.items() if value is not None}


def object_url(line: audit.AuditLine) -> str | None:
    """The page of the line's object, when there is one and the object still exists."""
    event = line.event
    page = audit.OBJECT_PAGES.get(event.object_type or "")
    if page is None or event.object_id is None or event.action in audit.REMOVING_ACTIONS:
        return None
    endpoint, argument = page
    try:
        return url_for(endpoint, **{argument: event.object_id})
    except (BuildError, ValueError):
        return None


@bp.route("/")
def index():
    """The log, newest first, 50 lines a page."""
    filters, errors, args = read_filters()
    page = audit.search(filters, clamp_page(query_int("trang", 1)), PAGE_SIZE)
    actions = dict(audit.ACTION_LABELS)
    if filters.action and filters.action not in actions:
        actions[filters.action] = filters.action
    return render_template(
        "audit/index.html",
        page=page,
        filters=filters,
        errors=errors,
        args=args,
        actions=sorted(actions.items(), key=lambda item: item[1]),
        object_types=audit.OBJECT_LABELS,
        object_url=object_url,
    )


@bp.route("/xuat.xlsx")
def export():
    """The filtered lines as an Excel file; the download is itself a line of the log."""
    filters, _errors, _args = read_filters()
    now = app_now()
    # A temporary file, not memory: the log grows for as long as the site runs.
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115
    handle.close()
    try:
        count = export_log(filters, handle.name, now)
        audit.record_export(current_actor(), "audit_log", count, filters=filters.as_details())
    except BaseException:
        os.unlink(handle.name)
        raise
    response = send_file(
        handle.name,
        mimetype=XLSX,
        as_attachment=True,
        download_name=f"nhat-ky-thao-tac-{to_vietnam(now):%Y%m%d-%H%M}.xlsx",
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.call_on_close(lambda: os.unlink(handle.name))
    return response
