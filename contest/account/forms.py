"""Forms of the account pages: the registration fields' own checks and messages, reused."""

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from contest.auth.forms import (
    REQUIRED,
    ProfileFields,
    confirm_password_field,
    new_password_field,
)
from contest.text import nfc

# What the profile page edits: the registration fields but the phone, the login identifier.
PROFILE_FIELDS = (
    "full_name",
    "date_of_birth",
    "gender",
    "email",
    "national_id",
    "address",
    "participant_group",
    "agency_id",
)


class ProfileForm(ProfileFields):
    # Shown but not editable: it is how the person logs in and how organizers find them.
    phone = None
    submit = SubmitField("Lưu thay đổi")


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Mật khẩu hiện tại",
        render_kw={"autocomplete": "current-password"},
        validators=[DataRequired(REQUIRED.format("mật khẩu hiện tại"))],
    )
    password = new_password_field("Mật khẩu mới")
    confirm = confirm_password_field()
    submit = SubmitField("Đổi mật khẩu")


class ForgotPasswordForm(FlaskForm):
    identifier = StringField(
        "Email hoặc số điện thoại đã đăng ký",
        filters=[lambda value: nfc(value) if isinstance(value, str) else value],
        render_kw={"autocomplete": "username"},
        validators=[
            DataRequired("Vui lòng nhập email hoặc số điện thoại."),
            Length(max=254, message="Email hoặc số điện thoại quá dài."),
        ],
    )
    submit = SubmitField("Gửi hướng dẫn")


class ResetPasswordForm(FlaskForm):
    password = new_password_field("Mật khẩu mới")
    confirm = confirm_password_field()
    submit = SubmitField("Đặt mật khẩu mới")
