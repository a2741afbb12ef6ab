"""Forms of the people console. They only carry what was typed: every rule about the values
(which roles, which agencies, the last organizer) is `contest.users.service`'s, whose
Vietnamese messages are shown beside the fields."""

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from contest.models import Role
from contest.users.service import (
    EMAIL_MAX_LENGTH,
    NAME_MAX_LENGTH,
    REASON_MAX_LENGTH,
    ROLE_LABELS,
    STAFF_ROLES,
)
from contest.web.bounded import MAX_ID


def optional_id(value) -> int | None:
    """A posted id as a whole number in range, else None (the service says what is missing)."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def role_choices(roles) -> list[SelectChoice]:
    return [SelectChoice(str(role), ROLE_LABELS[role]) for role in roles]


def agency_field() -> SelectField:
    # Choices are the agency list, set by the view; an unknown id is the service's to refuse.
    return SelectField(
        "Cơ quan, đơn vị (bắt buộc với đầu mối)", coerce=optional_id, validate_choice=False
    )


class StaffForm(FlaskForm):
    role = SelectField("Vai trò", choices=role_choices(STAFF_ROLES), validate_choice=False)
    full_name = StringField(
        "Họ và tên",
        validators=[Length(max=NAME_MAX_LENGTH, message="Họ và tên dài quá {max} ký tự.")],
    )
    phone = StringField("Số điện thoại", render_kw={"inputmode": "tel", "autocomplete": "off"})
    email = StringField(
        "Email (không bắt buộc)",
        validators=[Length(max=EMAIL_MAX_LENGTH, message="Email dài quá {max} ký tự.")],
        render_kw={"autocomplete": "off"},
    )
    agency_id = agency_field()
    submit = SubmitField("Tạo tài khoản")


class RoleForm(FlaskForm):
    role = SelectField("Vai trò mới", choices=role_choices(Role), validate_choice=False)
    agency_id = agency_field()
    submit = SubmitField("Đổi vai trò")


class DisableForm(FlaskForm):
    reason = TextAreaField(
        "Lý do khóa",
        validators=[Length(max=REASON_MAX_LENGTH, message="Lý do dài quá {max} ký tự.")],
    )
    submit = SubmitField("Khóa tài khoản")


class EnableForm(FlaskForm):
    reason = TextAreaField(
        "Ghi chú (không bắt buộc)",
        validators=[Length(max=REASON_MAX_LENGTH, message="Ghi chú dài quá {max} ký tự.")],
    )
    submit = SubmitField("Mở khóa tài khoản")


class ResetPasswordForm(FlaskForm):
    submit = SubmitField("Đặt lại mật khẩu")
