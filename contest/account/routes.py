"""The person's own account: profile, password change, and a forgotten password by e-mail.

Also the guard that keeps an account with a temporary password on the change-password page
until it has chosen its own (registered for the whole app by this blueprint).
"""

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from wtforms.fields.choices import SelectChoice

from contest.account import mail, service
from contest.account.forms import (
    PROFILE_FIELDS,
    ChangePasswordForm,
    ForgotPasswordForm,
    ProfileForm,
    ResetPasswordForm,
)
from contest.account.tokens import RESET_MAX_AGE
from contest.auth import accounts, throttles
from contest.domain.passwords import min_length
from contest.extensions import db
from contest.models import User

bp = Blueprint("account", __name__)
bp.record_once(lambda state: mail.init_app(state.app))

MUST_CHANGE_MESSAGE = "Bạn cần đổi mật khẩu tạm thời trước khi tiếp tục."
# What an account with a temporary password may still reach. The answer save is the hottest
# route and must not load the account: the endpoint is checked before `current_user`.
MUST_CHANGE_EXEMPT = frozenset({"account.change_password", "auth.logout", "static", "quiz.save"})


@bp.before_app_request
def require_password_change():
    endpoint = request.endpoint
    if endpoint is None or endpoint in MUST_CHANGE_EXEMPT:
        return None
    if not (current_user.is_authenticated and current_user.must_change_password):
        return None
    if MUST_CHANGE_MESSAGE not in (message for _, message in session.get("_flashes", ())):
        flash(MUST_CHANGE_MESSAGE, "info")
    return redirect(url_for("account.change_password"))


def agency_select_choices() -> list[SelectChoice]:
    return [
        SelectChoice(0, "— Chọn cơ quan, đơn vị —"),
        *(SelectChoice(value, label) for value, label in accounts.agency_choices()),
    ]


@bp.route("/ho-so", methods=["GET", "POST"])
@login_required
def profile():
    """See and correct one's own profile, with the registration's checks; not the phone."""
    user = db.session.get(User, current_user.id)
    form = ProfileForm(obj=user)
    form.agency_id.choices = agency_select_choices()
    if not form.is_submitted():
        form.agency_id.data = user.agency_id or 0
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in PROFILE_FIELDS}
        try:
            changed = service.update_profile(user.id, values, changed_by_id=user.id)
        except accounts.DuplicateAccount as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            if changed:
                flash("Đã lưu thay đổi hồ sơ.", "success")
            else:
                flash("Không có thay đổi nào.", "info")
            return redirect(url_for("account.profile"))
    return render_template(
        "account/profile.html",
        form=form,
        user=user,
        contact=current_app.config["ORGANIZER_CONTACT"],
    )


def had_remember_cookie() -> bool:
    name = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    return name in request.cookies


@bp.route("/doi-mat-khau", methods=["GET", "POST"])
@login_required
def change_password():
    """Change the password (a temporary one too); every other device is logged out."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            service.change_password(current_user.id, form.current_password.data, form.password.data)
        except service.WrongPassword as error:
            form.current_password.errors.append(error.message)
        except (service.SamePassword, service.WeakPassword) as error:
            form.password.errors.append(error.message)
        else:
            # This browser stays logged in, with a session (and, if it had one, a remember-me
            # cookie) carrying the new version; copies of the old cookies load nobody.
            user = db.session.get(User, current_user.id, populate_existing=True)
            login_user(user, remember=had_remember_cookie() and not user.is_staff)
            flash("Đã đổi mật khẩu. Các thiết bị khác đã được đăng xuất.", "success")
            return redirect(url_for("account.profile"))
    return render_template(
        "account/change_password.html",
        form=form,
        temporary=current_user.must_change_password,
        min_length=min_length(current_user.is_staff),
    )


def secret_keys() -> list[str]:
    """Every key a reset link may be signed with, the current one last (as itsdangerous wants)."""
    return [*(current_app.config.get("SECRET_KEY_FALLBACKS") or ()), current_app.secret_key]


@bp.route("/quen-mat-khau", methods=["GET", "POST"])
def forgot_password():
    """Ask for a reset link by e-mail. The answer is the same whether or not the account
    exists or has an email: the page tells nobody which accounts there are.

    The mail is sent before the page answers, so a real account's answer takes longer; that
    tells nothing registration does not already say ("this phone is already registered")."""
    form = ForgotPasswordForm()
    page = {
        "form": form,
        "sent": False,
        "mail_configured": mail.mail_configured(),
        "contact": current_app.config["ORGANIZER_CONTACT"],
        "minutes": RESET_MAX_AGE // 60,
    }
    if page["mail_configured"] and form.validate_on_submit():
        refusal = throttles.admit_reset_request(form.identifier.data)
        if refusal is not None:
            return throttles.refused_page(refusal, "account/forgot_password.html", **page)
        user = service.reset_account(form.identifier.data)
        if user is not None:
            token = service.reset_token(secret_keys(), user)
            link = mail.absolute_url("account.reset_password", token=token)
            mail.send_reset_mail(user.email, user.full_name, link, RESET_MAX_AGE // 60)
        page["sent"] = True
    return render_template("account/forgot_password.html", **page)


def private(body, status: int | None = None):
    """A page reached through a reset link: never cached, and the link (in the address) is
    never sent on as a Referer."""
    response = make_response(body) if status is None else make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/dat-lai-mat-khau/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Set a new password through the link of a reset mail; the link then stops working."""
    form = ResetPasswordForm()
    try:
        if form.validate_on_submit():
            try:
                service.reset_password(secret_keys(), token, form.password.data)
            except service.WeakPassword as error:
                form.password.errors.append(error.message)
                return private(render_template("account/reset_password.html", form=form))
            if current_user.is_authenticated:
                logout_user()
            flash("Đã đặt mật khẩu mới. Vui lòng đăng nhập bằng mật khẩu mới.", "success")
            return private(redirect(url_for("auth.login")))
        service.reset_target(secret_keys(), token)  # the form only for a link that works
    except service.InvalidResetLink as error:
        return private(render_template("account/reset_invalid.html", message=error.message), 400)
    return private(render_template("account/reset_password.html", form=form))
