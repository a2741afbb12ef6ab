"""Register, log in, log out."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from wtforms.fields.choices import SelectChoice

from contest.auth import accounts, sessions, throttles
from contest.auth.forms import LoginForm, RegistrationForm
from contest.web.redirects import safe_next

bp = Blueprint("auth", __name__)

REGISTER_FIELDS = (
    "full_name",
    "date_of_birth",
    "gender",
    "phone",
    "email",
    "national_id",
    "address",
    "participant_group",
    "agency_id",
)


@bp.route("/dang-ky", methods=["GET", "POST"])
def register():
    """Registration form for participants."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegistrationForm()
    form.agency_id.choices = [
        SelectChoice(0, "— Chọn cơ quan, đơn vị —"),
        *(SelectChoice(value, label) for value, label in accounts.agency_choices()),
    ]
    if form.validate_on_submit():
        refusal = throttles.admit_registration(form.phone.data)
        if refusal is not None:
            return throttles.refused_page(refusal, "auth/register.html", form=form)
        values = {name: getattr(form, name).data for name in REGISTER_FIELDS}
        try:
            user = accounts.register_participant(values, form.password.data)
        except accounts.DuplicateAccount as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            login_user(user)
            flash("Đăng ký thành công. Chúc bạn thi tốt!", "success")
            return redirect(url_for("main.home"))
    return render_template("auth/register.html", form=form)


@bp.route("/dang-nhap", methods=["GET", "POST"])
def login():
    """Log in with email or phone and password.

    The throttles are checked before the password is verified, and only failures are counted
    (contest/auth/throttles.py); an unknown account is answered as a wrong password, in the
    same time."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        refusal = throttles.login_refusal(form.identifier.data)
        if refusal is not None:
            return throttles.refused_page(refusal, "auth/login.html", form=form)
        user = accounts.authenticate(form.identifier.data, form.password.data)
        if user is not None and accounts.is_disabled(user):
            # Said only once the password is right: nobody learns of the account otherwise.
            form.identifier.errors.append(accounts.DISABLED_MESSAGE)
            return render_template("auth/login.html", form=form), 403
        if user is not None:
            if user.is_staff:
                accounts.record_login(user, request.remote_addr)
            # Staff accounts rank and award prizes: their sessions end with the browser.
            login_user(user, remember=form.remember.data and not user.is_staff)
            return redirect(safe_next(request.args.get("next")))
        throttles.login_failed(form.identifier.data)
        form.password.errors.append("Email/số điện thoại hoặc mật khẩu không đúng.")
    return render_template("auth/login.html", form=form)


@bp.route("/dang-xuat", methods=["POST"])
@login_required
def logout():
    """Log out (a POST, so that a link elsewhere cannot log anyone out).

    Ends every session of the account, a copied cookie included: the session version the
    cookies carry is bumped, so none of them loads the account again."""
    sessions.end_sessions(current_user.id)
    logout_user()
    flash("Bạn đã đăng xuất.", "info")
    return redirect(url_for("main.home"))
