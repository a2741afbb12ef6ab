"""Accounts as organizers manage them: staff creation, temporary passwords, roles.

Plain functions on plain values, each owning its transaction (one commit), so that the command
line and, later, an organizer's web console call the same code. Messages are in Vietnamese,
ready to show.
"""

import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from contest.auth.accounts import DuplicateAccount, check_unique, find_by_identifier
from contest.extensions import db
from contest.models import ParticipantGroup, Role, User
from contest.text import EMAIL_PATTERN, PHONE_PATTERN, nfc, normalize_phone

STAFF_ROLES = (Role.ORGANIZER, Role.JUDGE)
ROLE_LABELS = {
    Role.PARTICIPANT: "Thí sinh",
    Role.ORGANIZER: "Ban Tổ chức",
    Role.JUDGE: "Ban Giám khảo",
}

# Lower-case letters and digits without those read or typed for one another (0/o, 1/l/i):
# the password is read aloud over the phone or copied from a screen by hand.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
PASSWORD_GROUPS = 3
PASSWORD_GROUP_LENGTH = 4

NAME_MAX_LENGTH = 120
EMAIL_MAX_LENGTH = 254

DUPLICATE_MESSAGES = {
    "phone": "Số điện thoại {value} đã được dùng cho một tài khoản khác.",
    "email": "Email {value} đã được dùng cho một tài khoản khác.",
}


class AccountError(Exception):
    """A request the service refuses; `field` names the value at fault, `message` says why."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def temporary_password() -> str:
    """A fresh random password such as "k7qm-x3bd-h9wr": 12 characters from 31 (about 59
    bits) in groups of four, easy to read aloud and to type; it is only good until the
    account's owner logs in and replaces it."""
    return "-".join(
        "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_GROUP_LENGTH))
        for _ in range(PASSWORD_GROUPS)
    )


def clean_name(value: str | None) -> str:
    name = nfc(value)
    if not name:
        raise AccountError("full_name", "Họ và tên không được để trống.")
    if len(name) > NAME_MAX_LENGTH:
        raise AccountError(
            "full_name", f"Họ và tên dài quá {NAME_MAX_LENGTH} ký tự ({len(name)} ký tự)."
        )
    return name


def clean_phone(value: str | None) -> str:
    phone = normalize_phone(nfc(value))
    if not phone:
        raise AccountError("phone", "Số điện thoại không được để trống.")
    if not PHONE_PATTERN.match(phone):
        raise AccountError(
            "phone",
            f"Số điện thoại «{nfc(value)}» không hợp lệ: cần 10 chữ số, bắt đầu bằng 0 (hoặc +84).",
        )
    return phone


def clean_email(value: str | None) -> str | None:
    """Lower case NFC; blank is NULL, never ""."""
    email = nfc(value).lower() or None
    if email is None:
        return None
    if len(email) > EMAIL_MAX_LENGTH or not EMAIL_PATTERN.match(email):
        raise AccountError("email", f"Email «{email}» không hợp lệ.")
    return email


def _check_unique(values: dict) -> None:
    try:
        check_unique(values)
    except DuplicateAccount as error:
        message = DUPLICATE_MESSAGES.get(error.field, error.message)
        raise AccountError(error.field, message.format(value=values[error.field])) from error


def create_staff(
    role: Role | str, full_name: str, phone: str, email: str | None = None
) -> tuple[User, str]:
    """Create an organizer or judge account with a temporary password it must change at the
    first log-in; return the account and the password, which is stored only as a hash.

    Staff rank and award prizes, so they are in the civil-servant group and never win one.
    Raises AccountError, saving nothing, when a value is invalid or already used.
    """
    role = Role(role)
    if role not in STAFF_ROLES:
        raise AccountError("role", "Chỉ tạo được tài khoản Ban Tổ chức hoặc Ban Giám khảo.")
    values = {
        "full_name": clean_name(full_name),
        "phone": clean_phone(phone),
        "email": clean_email(email),
    }
    _check_unique(values)
    password = temporary_password()
    user = User(
        **values,
        role=role,
        participant_group=ParticipantGroup.CIVIL_SERVANT,
        prize_eligible=False,
        must_change_password=True,
    )
    user.set_password(password)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        # Another account took the phone or email in the same instant: say which.
        db.session.rollback()
        _check_unique(values)
        raise
    return user, password


def find_account(identifier: str) -> User:
    """The account whose email or phone is `identifier`, found as log-in finds it."""
    user = find_by_identifier(identifier or "")
    if user is None:
        raise AccountError(
            "identifier",
            f"Không có tài khoản nào có email hoặc số điện thoại «{nfc(identifier)}».",
        )
    return user


def _end_sessions(user: User) -> None:
    """Bump the session version in the caller's transaction: every cookie issued before
    (a copy included) stops loading the account once it commits."""
    user.session_version = User.session_version + 1


def reset_password(user_id: int) -> str:
    """Give the account a new temporary password, to be changed at the next log-in, and end
    its sessions; return the password (stored only as a hash). One commit."""
    user = db.session.get(User, user_id)
    if user is None:
        raise AccountError("user", f"Không có tài khoản mã {user_id}.")
    password = temporary_password()
    user.set_password(password)
    user.must_change_password = True
    _end_sessions(user)
    db.session.commit()
    return password


def set_role(user_id: int, role: Role | str) -> bool:
    """Make the account a participant, organizer or judge and end its sessions, so that an
    open session keeps no rights the account lost; return False when it already had the role
    (nothing changes).

    Refuses to demote the last organizer, so that an install cannot lock itself out. Making
    an account staff makes it ineligible for prizes; making it a participant again leaves
    that as it was. One commit.
    """
    role = Role(role)
    user = db.session.get(User, user_id)
    if user is None:
        raise AccountError("user", f"Không có tài khoản mã {user_id}.")
    if user.role == role:
        return False
    if user.role == Role.ORGANIZER:
        # Locks the organizers' rows (PostgreSQL), so that two demotions at once cannot both
        # see the other organizer still there; SQLite lets one writer at a time commit.
        organizers = db.session.execute(
            select(User.id).where(User.role == Role.ORGANIZER).with_for_update()
        ).all()
        if len(organizers) <= 1:
            db.session.rollback()
            raise AccountError(
                "role",
                "Đây là tài khoản Ban Tổ chức cuối cùng: không thể đổi vai trò. "
                "Hãy tạo hoặc chỉ định một tài khoản Ban Tổ chức khác trước.",
            )
    user.role = role
    if role in STAFF_ROLES:
        user.prize_eligible = False
    _end_sessions(user)
    db.session.commit()
    return True


def list_accounts(role: Role | str | None = None) -> list[User]:
    """Accounts of one role, or organizers and judges (staff) when no role is given, by id."""
    roles = (Role(role),) if role else STAFF_ROLES
    return list(
        db.session.execute(select(User).where(User.role.in_(roles)).order_by(User.id)).scalars()
    )
