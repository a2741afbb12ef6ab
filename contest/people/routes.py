"""The organizers' people console (blueprint "people", under /to-chuc/nguoi): search every
account, see one person (profile, entries, profile history, audit log) and act on the account:
a new temporary password, another role, disable or enable; and create staff accounts.

Every route is guarded for organizers on the blueprint. Temporary passwords are shown once, in
the answer to the POST that made them (never cached, never in a flash message kept in the
session cookie), and stored only as a hash.
"""

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from contest.account.service import FIELD_LABELS
from contest.audit.service import ACTION_LABELS, Actor
from contest.auth.accounts import agency_choices
from contest.extensions import db
from contest.models import Role, User
from contest.models.user import GENDER_LABELS, GROUP_LABELS
from contest.paging import clamp_page
from contest.people import service
from contest.people.forms import DisableForm, EnableForm, ResetPasswordForm, RoleForm, StaffForm
from contest.users import service as accounts
from contest.users.service import ROLE_LABELS, AccountError
from contest.web.bounded import query_int
from contest.web.guards import require_role

bp = Blueprint("people", __name__)
require_role(bp, lambda user: user.is_organizer)


def actor() -> Actor:
    return Actor(current_user.id, request.remote_addr)


@bp.context_processor
def labels():
    return {
        "role_labels": ROLE_LABELS,
        "group_labels": GROUP_LABELS,
        "gender_labels": GENDER_LABELS,
        "action_labels": ACTION_LABELS,
        "field_labels": FIELD_LABELS,
        "mask_phone": accounts.mask_phone,
        "mask_national_id": accounts.mask_national_id,
    }


def agency_select(blank: str = "— Chọn cơ quan, đơn vị —") -> list[SelectChoice]:
    return [
        SelectChoice(0, blank),
        *(SelectChoice(value, label) for value, label in agency_choices()),
    ]


def private(body, status: int = 200):
    """A page with a temporary password on it: never kept by a browser or a proxy."""
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


@bp.route("/")
def index():
    """Search people by name (diacritics or not), phone, email, CCCD, agency, group, role."""
    filters = service.clean_filter(
        request.args.get("q"),
        agency_id=query_int("co_quan"),
        group=request.args.get("doi_tuong"),
        role=request.args.get("vai_tro"),
        disabled=request.args.get("trang_thai"),
    )
    page = service.search_people(filters, clamp_page(query_int("trang", 1)))
    args = {
        "q": filters.text or None,
        "co_quan": filters.agency_id,
        "doi_tuong": filters.group,
        "vai_tro": filters.role,
        "trang_thai": {True: "1", False: "0"}.get(filters.disabled),
    }
    return render_template(
        "people/index.html",
        page=page,
        filters=filters,
        args={name: value for name, value in args.items() if value},
        agencies=agency_choices(),
    )


def person_view(user_id: int, status: int = 200, **extra):
    page = service.person_page(user_id)
    if page is None:
        abort(404)
    role_form = extra.pop("role_form", None)
    if role_form is None:
        role_form = RoleForm(formdata=None)
        role_form.role.data = str(page.user.role)
        role_form.agency_id.data = page.user.agency_id or 0
    role_form.agency_id.choices = agency_select()
    body = render_template(
        "people/person.html",
        person=page,
        user=page.user,
        role_form=role_form,
        disable_form=extra.pop("disable_form", None) or DisableForm(formdata=None),
        enable_form=EnableForm(formdata=None),
        reset_form=ResetPasswordForm(formdata=None),
        **extra,
    )
    return private(body, status)


@bp.route("/<int:user_id>")
def person(user_id: int):
    """One person: profile, eligibility, state, entries, profile history, audit log."""
    return person_view(user_id)


def refused(user_id: int, error: AccountError, **forms):
    return person_view(user_id, 422, error=error.message, **forms)


def existing(user_id: int) -> None:
    """404 (in Vietnamese) for an id no account has, before anything is done."""
    db.get_or_404(User, user_id)


@bp.route("/<int:user_id>/dat-lai-mat-khau", methods=["POST"])
def reset_password(user_id: int):
    """A new temporary password, shown once on the answer; the account's sessions end."""
    existing(user_id)
    if not ResetPasswordForm().validate_on_submit():
        abort(400)
    password = accounts.reset_password(user_id, actor())
    return person_view(user_id, temporary_password=password)


@bp.route("/<int:user_id>/vai-tro", methods=["POST"])
def change_role(user_id: int):
    """Another role (a focal point with its agency); the account's sessions end."""
    existing(user_id)
    form = RoleForm()
    form.agency_id.choices = agency_select()
    if not form.validate_on_submit():
        return person_view(user_id, 400, error="Yêu cầu không hợp lệ.", role_form=form)
    try:
        changed = accounts.set_role(user_id, form.role.data, actor(), agency_id=form.agency_id.data)
    except AccountError as error:
        return refused(user_id, error, role_form=form)
    if changed:
        flash(
            f"Đã đổi vai trò thành {ROLE_LABELS[Role(form.role.data)]}; "
            "các phiên đăng nhập của tài khoản đã kết thúc.",
            "success",
        )
    else:
        flash("Không có thay đổi nào.", "info")
    if user_id == current_user.id and changed:
        return redirect(url_for("auth.login"))
    return redirect(url_for("people.person", user_id=user_id))


@bp.route("/<int:user_id>/khoa", methods=["POST"])
def disable(user_id: int):
    """Disable the account, with a reason; it cannot log in and its sessions end."""
    existing(user_id)
    form = DisableForm()
    if not form.validate_on_submit():
        return person_view(user_id, 400, error="Yêu cầu không hợp lệ.", disable_form=form)
    try:
        changed = accounts.disable_account(user_id, form.reason.data, actor())
    except AccountError as error:
        return refused(user_id, error, disable_form=form)
    if changed:
        flash("Đã khóa tài khoản; các phiên đăng nhập của tài khoản đã kết thúc.", "success")
    else:
        flash("Tài khoản đã bị khóa từ trước.", "info")
    return redirect(url_for("people.person", user_id=user_id))


@bp.route("/<int:user_id>/mo-khoa", methods=["POST"])
def enable(user_id: int):
    """Let the account log in again."""
    existing(user_id)
    form = EnableForm()
    if not form.validate_on_submit():
        return person_view(user_id, 400, error="Yêu cầu không hợp lệ.")
    try:
        changed = accounts.enable_account(user_id, actor(), form.reason.data)
    except AccountError as error:
        return refused(user_id, error)
    flash("Đã mở khóa tài khoản." if changed else "Tài khoản không bị khóa.", "success")
    return redirect(url_for("people.person", user_id=user_id))


@bp.route("/can-bo/moi", methods=["GET", "POST"])
def create_staff():
    """A new organizer, judge or focal-point account, its temporary password shown once."""
    form = StaffForm()
    form.agency_id.choices = agency_select()
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            try:
                user, password = accounts.create_staff(
                    form.role.data,
                    form.full_name.data,
                    form.phone.data,
                    form.email.data,
                    actor(),
                    agency_id=form.agency_id.data,
                )
            except AccountError as error:
                status = 422
                target = getattr(form, error.field, None)
                if target is not None and error.field != "submit":
                    target.errors = [*target.errors, error.message]
                else:
                    flash(error.message, "error")
            else:
                return private(
                    render_template(
                        "people/staff_created.html", user=user, temporary_password=password
                    )
                )
    return render_template("people/create_staff.html", form=form), status
