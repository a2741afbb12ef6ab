"""Registering participants, finding accounts by email or phone, and checking passwords."""

import secrets
from functools import cache

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from contest.audit.service import Actor, record
from contest.collation import in_vietnamese
from contest.domain.clock import utcnow
from contest.extensions import db
from contest.models import Agency, Role, User
from contest.text import nfc, normalize_phone


class DuplicateAccount(Exception):
    """Another account already uses this phone, email or national ID; `field` names which."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


UNIQUE_FIELDS = {
    "phone": "Số điện thoại này đã được dùng để đăng ký. Vui lòng đăng nhập.",
    "email": "Email này đã được dùng để đăng ký. Vui lòng đăng nhập.",
    "national_id": "Số CCCD này đã được dùng để đăng ký. Mỗi người chỉ đăng ký một tài khoản.",
}


def check_unique(values: dict, except_user_id: int | None = None) -> None:
    """Raise DuplicateAccount when another account already holds one of these values."""
    for field, message in UNIQUE_FIELDS.items():
        value = values.get(field)
        if not value:
            continue
        query = select(User.id).where(getattr(User, field) == value)
        if except_user_id is not None:
            query = query.where(User.id != except_user_id)
        if db.session.execute(query).first():
            raise DuplicateAccount(field, message)


def optional_text(value: str | None) -> str | None:
    """A typed optional value as stored: NFC and trimmed, and blank as NULL, never ""."""
    return nfc(value) or None


def clean_profile(values: dict) -> dict:
    """The profile fields as stored, whoever calls: blank optional fields become NULL."""
    email = optional_text(values.get("email"))
    return {
        "full_name": nfc(values["full_name"]),
        "date_of_birth": values["date_of_birth"],
        "gender": optional_text(values.get("gender")),
        "phone": optional_text(normalize_phone(values.get("phone"))),
        "email": email.lower() if email else None,
        "national_id": optional_text(values.get("national_id")),
        "address": optional_text(values.get("address")),
        "participant_group": values["participant_group"],
        "agency_id": values.get("agency_id") or None,
    }


def register_participant(values: dict, password: str) -> User:
    """Create a participant account; the caller has validated each field's format."""
    values = clean_profile(values)
    check_unique(values)
    user = User(**values, role=Role.PARTICIPANT, consent_at=utcnow())
    user.set_password(password)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError as error:
        # Two people registered the same phone in the same instant: the index let one through.
        db.session.rollback()
        check_unique(values)
        raise error
    return user


def find_by_identifier(identifier: str) -> User | None:
    """The account whose email or phone is `identifier`."""
    email = nfc(identifier).lower()
    phone = normalize_phone(identifier)
    return (
        db.session.execute(select(User).where(or_(User.email == email, User.phone == phone)))
        .scalars()
        .first()
    )


@cache
def dummy_password_hash() -> str:
    """The hash of a random password, made once per process as `User.set_password` makes real
    ones (werkzeug's default method), for log-ins to unknown accounts to be checked against.
    Made on first use rather than at import, so that command-line runs never pay for it."""
    return generate_password_hash(secrets.token_urlsafe(16))


def authenticate(identifier: str, password: str) -> User | None:
    """The account `identifier` names, when `password` is its password; else None.

    An unknown email or phone costs as long as a wrong password: the password is checked
    against a dummy hash, so the time taken tells nobody whether the account exists."""
    user = find_by_identifier(identifier)
    password_hash = user.password_hash if user is not None else dummy_password_hash()
    if check_password_hash(password_hash, password) and user is not None:
        return user
    return None


DISABLED_MESSAGE = (
    "Tài khoản này đã bị khóa nên không đăng nhập được. "
    "Nếu bạn cho rằng có nhầm lẫn, vui lòng liên hệ Ban Tổ chức."
)


def is_disabled(user: User) -> bool:
    """Whether an organizer disabled the account: it may not log in (a new password, set by
    a reset link or otherwise, does not change that)."""
    return user.disabled_at is not None


def record_login(user: User, address: str | None) -> None:
    """Write a staff account's log-in (organizer, judge, focal point) to the audit log, from
    the request's address. One commit."""
    record(Actor(user.id, address), "login", "user", user.id, {"role": str(user.role)})
    db.session.commit()


def agency_choices() -> list[tuple[int, str]]:
    """Agencies in hierarchy order, children indented under their parent, for the picker."""
    agencies = (
        db.session.execute(select(Agency).order_by(in_vietnamese(Agency.name), Agency.id))
        .scalars()
        .all()
    )
    children: dict[int | None, list[Agency]] = {}
    for agency in agencies:
        children.setdefault(agency.parent_id, []).append(agency)
    choices: list[tuple[int, str]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for agency in children.get(parent_id, []):
            choices.append((agency.id, "\u00a0\u00a0\u00a0" * depth + agency.name))
            walk(agency.id, depth + 1)

    walk(None, 0)
    return choices
