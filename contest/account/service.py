"""The person's own account: profile corrections, password change, password reset.

Plain arguments in, one transaction each (committed here); views stay thin. Messages raised
are in Vietnamese, ready to show.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from contest.account import tokens
from contest.auth.accounts import check_unique, clean_profile, find_by_identifier
from contest.auth.sessions import end_sessions
from contest.domain import passwords
from contest.domain.clock import utcnow
from contest.extensions import db
from contest.models import Agency, Attempt, AttemptStatus, ProfileChange, RoundEntry, User
from contest.models.user import GENDER_LABELS, GROUP_LABELS
from contest.text import nfc, normalize_phone

# The profile fields a person corrects themself, with the names the history shows.
FIELD_LABELS = {
    "full_name": "Họ và tên",
    "date_of_birth": "Ngày sinh",
    "gender": "Giới tính",
    "email": "Email",
    "national_id": "Số CCCD",
    "address": "Địa chỉ",
    "participant_group": "Đối tượng dự thi",
    "agency_id": "Cơ quan, đơn vị",
}


class WrongPassword(Exception):
    message = "Mật khẩu hiện tại không đúng."


class SamePassword(Exception):
    message = "Mật khẩu mới phải khác mật khẩu hiện tại."


class WeakPassword(Exception):
    """The new password breaks the app's rule (contest/domain/passwords.py); `message` says
    which, naming the field."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidResetLink(Exception):
    message = (
        "Liên kết đặt lại mật khẩu không hợp lệ, đã hết hạn (sau 30 phút) hoặc đã được dùng. "
        "Vui lòng yêu cầu một liên kết mới."
    )


def has_entries(user_id: int) -> bool:
    """Whether the person has taken part: an entry in a round, or a finished attempt."""
    entered = exists().where(RoundEntry.user_id == user_id)
    finished = exists().where(Attempt.user_id == user_id, Attempt.status != AttemptStatus.OPEN)
    return bool(db.session.execute(select(or_(entered, finished))).scalar())


def _as_text(field: str, value) -> str | None:
    """A value as the history shows it: dates dd/mm/yyyy, the agency's name, labels."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if field == "agency_id":
        agency = db.session.get(Agency, value)
        return agency.name if agency else str(value)
    if field == "participant_group":
        return GROUP_LABELS.get(value, value)
    if field == "gender":
        return GENDER_LABELS.get(value, value)
    return str(value)


def update_profile(user_id: int, values: dict, changed_by_id: int) -> list[str]:
    """Store the corrected profile fields (the phone is kept); return the fields that changed.

    Once the person has entries, every changed field is recorded in `ProfileChange`, old and
    new value as text: names and groups go on prize lists, and judges must see what changed.
    Raises DuplicateAccount when another account holds the email or the national ID.
    """
    user = db.session.get(User, user_id)
    cleaned = clean_profile({**values, "phone": user.phone})
    check_unique(cleaned, except_user_id=user_id)
    changes = {
        field: cleaned[field] for field in FIELD_LABELS if getattr(user, field) != cleaned[field]
    }
    if not changes:
        db.session.rollback()
        return []
    if has_entries(user_id):
        now = utcnow()
        db.session.add_all(
            ProfileChange(
                user_id=user_id,
                field=field,
                old_value=_as_text(field, getattr(user, field)),
                new_value=_as_text(field, new),
                changed_at=now,
                changed_by_id=changed_by_id,
            )
            for field, new in changes.items()
        )
    for field, new in changes.items():
        setattr(user, field, new)
    try:
        db.session.commit()
    except IntegrityError:
        # Another account took the same email or CCCD in the same instant.
        db.session.rollback()
        check_unique(cleaned, except_user_id=user_id)
        raise
    return list(changes)


def _set_password(user: User, new_password: str) -> int:
    """New password, no temporary one any more, and every session ends; commits. Returns the
    new session version. Raises WeakPassword, changing nothing, when the rule refuses it: a
    staff account's minimum is longer than the form's."""
    refused = passwords.problem(
        new_password, staff=user.is_staff, phone=user.phone, email=user.email, field="Mật khẩu mới"
    )
    if refused is not None:
        db.session.rollback()
        raise WeakPassword(refused)
    user.set_password(new_password)
    user.must_change_password = False
    db.session.flush()
    # Same transaction: end_sessions' UPDATE follows the flushed password and commits both.
    return end_sessions(user.id)


def change_password(user_id: int, current_password: str, new_password: str) -> int:
    """Replace the password (a temporary one included) after checking the current one; every
    other session and remember-me cookie stops working. Returns the new session version."""
    user = db.session.get(User, user_id)
    if not user.check_password(current_password):
        db.session.rollback()
        raise WrongPassword()
    if current_password == new_password:
        db.session.rollback()
        raise SamePassword()
    return _set_password(user, new_password)


def reset_account(identifier: str) -> User | None:
    """The account a "forgot password" request is for, when a reset mail can reach it."""
    user = find_by_identifier(identifier)
    return user if user is not None and user.email else None


def reset_token(secret_keys: list[str], user: User) -> str:
    return tokens.make_token(secret_keys, user.id, user.password_hash)


def reset_target(secret_keys: list[str], token: str) -> User:
    """The account a reset link is valid for; raises InvalidResetLink."""
    parsed = tokens.read_token(secret_keys, token)
    if parsed is None:
        raise InvalidResetLink()
    user_id, fingerprint = parsed
    user = db.session.get(User, user_id)
    if user is None or not tokens.same_fingerprint(user.password_hash, fingerprint):
        raise InvalidResetLink()  # the password changed since: the link was used, or is old
    return user


def reset_password(secret_keys: list[str], token: str, new_password: str) -> int:
    """Set a new password through a reset link, which then stops working; every session
    ends. Returns the account's id. Raises InvalidResetLink."""
    user = reset_target(secret_keys, token)
    user_id = user.id
    _set_password(user, new_password)
    return user_id


@dataclass(frozen=True)
class ChangeRow:
    """One line of the judges' history of profile corrections."""

    changed_at: datetime
    user_id: int
    full_name: str
    phone: str | None
    field: str
    old_value: str | None
    new_value: str | None
    changed_by: str | None
    by_self: bool

    @property
    def label(self) -> str:
        return FIELD_LABELS.get(self.field, self.field)


def profile_changes(search: str | None, offset: int, limit: int) -> tuple[list[ChangeRow], int]:
    """Recorded profile corrections, newest first, optionally of people whose name or phone
    contains `search`; and how many there are in all."""
    person, editor = aliased(User), aliased(User)
    query = select(
        ProfileChange.changed_at,
        ProfileChange.user_id,
        person.full_name,
        person.phone,
        ProfileChange.field,
        ProfileChange.old_value,
        ProfileChange.new_value,
        editor.full_name,
        ProfileChange.changed_by_id == ProfileChange.user_id,
    ).join(person, ProfileChange.user_id == person.id)
    query = query.outerjoin(editor, ProfileChange.changed_by_id == editor.id)
    text = nfc(search)
    if text:
        matches = [person.full_name.icontains(text, autoescape=True)]
        phone = normalize_phone(text)
        if phone.isdigit():
            matches.append(person.phone.contains(phone, autoescape=True))
        query = query.where(or_(*matches))
    total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = db.session.execute(
        query.order_by(ProfileChange.changed_at.desc(), ProfileChange.id.desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return [ChangeRow(*row) for row in rows], total
