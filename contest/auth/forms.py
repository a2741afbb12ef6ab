"""Registration and login forms, with Vietnamese messages for every invalid field."""

from datetime import date, datetime

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)
from wtforms.widgets import TextInput

from contest.domain import passwords
from contest.models.user import GENDER_LABELS, GROUP_LABELS, ParticipantGroup
from contest.text import (
    EMAIL_PATTERN,
    NATIONAL_ID_PATTERN,
    PHONE_PATTERN,
    nfc,
    normalize_phone,
)

REQUIRED = "Vui lòng nhập {}."


# Day first, as Vietnamese write dates; eight digits with no separator as a phone's number pad
# types them (the iPhone's has no "/"); year first as a date picker sends it.
DATE_PATTERNS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d%m%Y", "%Y-%m-%d")


def parse_vietnamese_date(raw: str) -> date | None:
    """15/03/1990, 15-03-1990, 15.03.1990, 15031990 or 1990-03-15 as a date; else None."""
    raw = raw.strip()
    if raw.isdigit() and len(raw) != 8:
        return None  # strptime would read "1531990" as some date: only ddmmyyyy is meant
    for pattern in DATE_PATTERNS:
        try:
            return datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    return None


class VietnameseDateField(DateField):
    """A date typed the Vietnamese way (30/09/2001 or 30092001), or as a date picker sends it.

    Shown as a text box: a phone set to English would otherwise show mm/dd/yyyy.
    """

    widget = TextInput()

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        self.data = parse_vietnamese_date(valuelist[0])
        if self.data is None:
            raise ValueError(
                "Ngày sinh không hợp lệ; hãy nhập ngày/tháng/năm, ví dụ 30/09/2001 hoặc 30092001."
            )


def _strip(value):
    return nfc(value) if isinstance(value, str) else value


def _blank_to_none(value):
    """An optional field left blank is NULL, never "": a filter, because `Optional()` stops the
    validators (inline ones too) on an empty field, so they cannot do it."""
    return value or None


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


class ProfileFields(FlaskForm):
    """What a participant tells about themself: registration and the profile page share it."""

    full_name = StringField(
        "Họ và tên",
        filters=[_strip],
        render_kw={"autocomplete": "name"},
        validators=[DataRequired(REQUIRED.format("họ và tên")), Length(max=120)],
    )
    date_of_birth = VietnameseDateField(
        "Ngày sinh",
        format="%d/%m/%Y",
        render_kw={"placeholder": "30/09/2001", "inputmode": "numeric", "autocomplete": "bday"},
        validators=[InputRequired("Vui lòng nhập ngày sinh (ngày/tháng/năm).")],
    )
    gender = SelectField(
        "Giới tính",
        choices=[SelectChoice("", "— Chọn —")]
        + [SelectChoice(value, label) for value, label in GENDER_LABELS.items()],
        validators=[DataRequired("Vui lòng chọn giới tính.")],
    )
    phone = StringField(
        "Số điện thoại",
        filters=[normalize_phone],
        render_kw={"inputmode": "numeric", "autocomplete": "tel"},
        validators=[DataRequired(REQUIRED.format("số điện thoại"))],
    )
    email = StringField(
        "Thư điện tử (email)",
        filters=[_strip, _blank_to_none],
        render_kw={"inputmode": "email", "autocomplete": "email"},
        validators=[Optional(), Length(max=254)],
    )
    national_id = StringField(
        "Số CCCD (không bắt buộc)",
        filters=[_strip, _blank_to_none],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
        validators=[Optional()],
    )
    address = StringField(
        "Địa chỉ",
        filters=[_strip, _blank_to_none],
        render_kw={"autocomplete": "street-address"},
        validators=[Optional(), Length(max=255)],
    )
    participant_group = RadioField(
        "Đối tượng dự thi",
        choices=[SelectChoice(group.value, label) for group, label in GROUP_LABELS.items()],
        validators=[DataRequired("Vui lòng chọn đối tượng dự thi.")],
    )
    agency_id = SelectField("Cơ quan, đơn vị công tác", coerce=int, validate_choice=False)

    def validate_date_of_birth(self, field):
        if field.data is None:
            return  # the field already reported an unreadable date
        today = date.today()
        if field.data > today:
            raise ValidationError("Ngày sinh không được ở tương lai.")
        minimum = current_app.config["MIN_PARTICIPANT_AGE"]
        if age_on(field.data, today) < minimum:
            raise ValidationError(f"Người dự thi phải từ đủ {minimum} tuổi trở lên.")

    def validate_phone(self, field):
        if not PHONE_PATTERN.match(field.data or ""):
            raise ValidationError("Số điện thoại gồm 10 chữ số, bắt đầu bằng 0 (ví dụ 0912345678).")

    def validate_email(self, field):
        field.data = (field.data or "").lower() or None
        if field.data and not EMAIL_PATTERN.match(field.data):
            raise ValidationError("Địa chỉ email không hợp lệ (ví dụ ten@example.com).")

    def validate_national_id(self, field):
        if field.data and not NATIONAL_ID_PATTERN.match(field.data):
            raise ValidationError("Số CCCD gồm đúng 12 chữ số.")

    def validate_agency_id(self, field):
        valid = {choice.value for choice in self.agency_id.choices}
        if field.data and field.data not in valid:
            raise ValidationError("Cơ quan, đơn vị không có trong danh sách.")
        if self.participant_group.data == ParticipantGroup.CIVIL_SERVANT and not field.data:
            raise ValidationError(
                "Cán bộ, công chức, viên chức vui lòng chọn cơ quan, đơn vị công tác."
            )


class AcceptedPassword:
    """The app's password rule (contest/domain/passwords.py) as a participant's: length, the
    list of common passwords, and the form's own phone and email when it has them. A staff
    account's longer minimum is checked by the service that stores the password, which knows
    the account."""

    def __call__(self, form, field) -> None:
        phone = getattr(getattr(form, "phone", None), "data", None)
        email = getattr(getattr(form, "email", None), "data", None)
        message = passwords.problem(
            field.data, staff=False, phone=phone, email=email, field=str(field.label.text)
        )
        if message is not None:
            raise ValidationError(message)


def new_password_field(label: str = "Mật khẩu") -> PasswordField:
    return PasswordField(
        label,
        render_kw={"autocomplete": "new-password"},
        validators=[DataRequired(REQUIRED.format("mật khẩu")), AcceptedPassword()],
    )


def confirm_password_field(of: str = "password") -> PasswordField:
    return PasswordField(
        "Nhập lại mật khẩu",
        render_kw={"autocomplete": "new-password"},
        validators=[EqualTo(of, message="Hai mật khẩu không khớp nhau.")],
    )


class RegistrationForm(ProfileFields):
    password = new_password_field()
    confirm = confirm_password_field()
    consent = BooleanField(
        "Tôi đồng ý",
        validators=[DataRequired("Bạn cần đồng ý với việc xử lý dữ liệu cá nhân để đăng ký.")],
    )
    submit = SubmitField("Đăng ký")


class LoginForm(FlaskForm):
    identifier = StringField(
        "Email hoặc số điện thoại",
        filters=[_strip],
        render_kw={"autocomplete": "username"},
        validators=[DataRequired("Vui lòng nhập email hoặc số điện thoại.")],
    )
    password = PasswordField(
        "Mật khẩu",
        render_kw={"autocomplete": "current-password"},
        validators=[DataRequired(REQUIRED.format("mật khẩu"))],
    )
    remember = BooleanField("Ghi nhớ đăng nhập trên thiết bị này")
    submit = SubmitField("Đăng nhập")
