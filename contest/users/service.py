"""Accounts as organizers manage them: staff creation, temporary passwords, roles, disabling.

Plain functions on plain values, each owning its transaction (one commit), so that the command
line and the organizers' web console (contest/people/) call the same code. Every change is
written to the audit log in the same transaction, with who did it (an `Actor`); no password,
token, full phone or full CCCD ever goes into the log. Messages are in Vietnamese, ready to
show.
"""

import secrets

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from contest.audit.service import COMMAND_LINE, Actor, record
from contest.auth.accounts import DuplicateAccount, check_unique, find_by_identifier
from contest.domain import passwords
from contest.domain.clock import utcnow
from contest.extensions import db
from contest.models import Agency, ParticipantGroup, Role, User
from contest.text import EMAIL_PATTERN, PHONE_PATTERN, nfc, normalize_phone

STAFF_ROLES = (Role.ORGANIZER, Role.JUDGE, Role.FOCAL_POINT)
ROLE_LABELS = {
    Role.PARTICIPANT: "Thí sinh",
    Role.ORGANIZER: "Ban Tổ chức",
    Role.JUDGE: "Ban Giám khảo",
    Role.FOCAL_POINT: "Đầu mối cơ quan, đơn vị",
}
# Why a staff account never wins a prize, as judges see it beside an entry.
STAFF_INELIGIBLE_REASON = "Tài khoản {role}: không được xét giải."

# Lower-case letters and digits without those read or typed for one another (0/o, 1/l/i):
# the password is read aloud over the phone or copied from a screen by hand.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
PASSWORD_GROUPS = 3
PASSWORD_GROUP_LENGTH = 4

NAME_MAX_LENGTH = 120
EMAIL_MAX_LENGTH = 254
REASON_MAX_LENGTH = 500

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
    account's owner logs in and replaces it. It passes the staff rule (14 characters with
    the dashes, never a common one): drawn again in the unlikely case it would not."""
    while True:
        password = "-".join(
            "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_GROUP_LENGTH))
            for _ in range(PASSWORD_GROUPS)
        )
        if passwords.problem(password, staff=True) is None:
            return password


def set_password(user_id: int, password: str, actor: Actor) -> User:
    """Set the account's password as typed by an operator (the command line), end its
    sessions, keep no temporary-password flag; refused (AccountError on "password") when the
    app's rule refuses it, staff accounts needing 12 characters. One commit."""
    user = _get_user(user_id)
    refused = passwords.problem(
        password, staff=user.is_staff, phone=user.phone, email=user.email, field="Mật khẩu"
    )
    if refused is not None:
        db.session.rollback()
        raise AccountError("password", refused)
    user.set_password(password)
    user.must_change_password = False
    _end_sessions(user)
    # The reset's action, so that the audit viewer names it: no temporary password this time.
    record(
        actor, "user.password_reset", "user", user.id, {"role": str(user.role), "temporary": False}
    )
    db.session.commit()
    return user


def mask_phone(phone: str | None) -> str | None:
    """ "0912345678" as "091****678": enough to tell two accounts apart in the log."""
    if not phone:
        return None
    if len(phone) <= 6:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 6) + phone[-3:]


def mask_email(email: str | None) -> str | None:
    """ "an.nguyen@example.vn" as "a***@example.vn"."""
    if not email:
        return None
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_national_id(national_id: str | None) -> str | None:
    """A CCCD with only its last three digits shown: "*********789"."""
    if not national_id:
        return None
    return "*" * max(len(national_id) - 3, 0) + national_id[-3:]


def parse_role(role: Role | str | None) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise AccountError("role", f"Vai trò «{role}» không hợp lệ.") from None


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


def clean_reason(value: str | None) -> str:
    reason = nfc(value)
    if not reason:
        raise AccountError("reason", "Vui lòng ghi lý do.")
    if len(reason) > REASON_MAX_LENGTH:
        raise AccountError("reason", f"Lý do dài quá {REASON_MAX_LENGTH} ký tự.")
    return reason


def _check_unique(values: dict) -> None:
    try:
        check_unique(values)
    except DuplicateAccount as error:
        message = DUPLICATE_MESSAGES.get(error.field, error.message)
        raise AccountError(error.field, message.format(value=values[error.field])) from error


def _agency_for(role: Role, agency_id: int | None) -> Agency | None:
    """The agency a focal point follows (required and existing); None for other roles."""
    if role != Role.FOCAL_POINT:
        return None
    agency = db.session.get(Agency, agency_id) if agency_id else None
    if agency is None:
        raise AccountError(
            "agency_id",
            "Đầu mối phải gắn với một cơ quan, đơn vị có trong danh sách: hãy chọn cơ quan, đơn vị.",
        )
    return agency


def find_agency(code: str) -> Agency:
    """The agency whose code is `code` (as the agency list spells it, case ignored)."""
    text = nfc(code)
    agency = (
        db.session.execute(select(Agency).where(func.lower(Agency.code) == text.lower()))
        .scalars()
        .first()
        if text
        else None
    )
    if agency is None:
        raise AccountError("agency", f"Không có cơ quan, đơn vị nào có mã «{text}».")
    return agency


def _make_ineligible(user: User, role: Role) -> None:
    user.prize_eligible = False
    user.ineligible_reason = STAFF_INELIGIBLE_REASON.format(role=ROLE_LABELS[role])


def create_staff(
    role: Role | str,
    full_name: str,
    phone: str,
    email: str | None = None,
    actor: Actor = COMMAND_LINE,
    agency_id: int | None = None,
) -> tuple[User, str]:
    """Create an organizer, judge or focal-point account with a temporary password it must
    change at the first log-in; return the account and the password, which is stored only as
    a hash. A focal point follows `agency_id`, which must exist.

    Staff rank, award or follow prizes, so they are in the civil-servant group and never win
    one. Raises AccountError, saving nothing, when a value is invalid or already used.
    """
    role = parse_role(role)
    if role not in STAFF_ROLES:
        raise AccountError(
            "role", "Chỉ tạo được tài khoản Ban Tổ chức, Ban Giám khảo hoặc đầu mối cơ quan."
        )
    values = {
        "full_name": clean_name(full_name),
        "phone": clean_phone(phone),
        "email": clean_email(email),
    }
    agency = _agency_for(role, agency_id)
    _check_unique(values)
    password = temporary_password()
    user = User(
        **values,
        role=role,
        participant_group=ParticipantGroup.CIVIL_SERVANT,
        agency_id=agency.id if agency else None,
        must_change_password=True,
    )
    _make_ineligible(user, role)
    user.set_password(password)
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:
        # Another account took the phone or email in the same instant: say which.
        db.session.rollback()
        _check_unique(values)
        raise
    record(
        actor,
        "user.created",
        "user",
        user.id,
        {
            "role": str(role),
            "phone": mask_phone(user.phone),
            "email": mask_email(user.email),
            "agency": agency.code if agency else None,
        },
    )
    try:
        db.session.commit()
    except IntegrityError:
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


def _get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise AccountError("user", f"Không có tài khoản mã {user_id}.")
    return user


def _end_sessions(user: User) -> None:
    """Bump the session version in the caller's transaction: every cookie issued before
    (a copy included) stops loading the account once it commits."""
    user.session_version = User.session_version + 1


def _refuse_if_last_organizer(user: User, message: str) -> None:
    """Refuse when `user` is the only enabled organizer, so that an install cannot lock
    itself out. Locks the organizers' rows (PostgreSQL), so that two demotions or disablings
    at once cannot both see the other organizer still there; SQLite lets one writer at a time
    commit."""
    if user.role != Role.ORGANIZER or user.disabled_at is not None:
        return
    organizers = db.session.execute(
        select(User.id)
        .where(User.role == Role.ORGANIZER, User.disabled_at.is_(None))
        .with_for_update()
    ).all()
    if len(organizers) <= 1:
        db.session.rollback()
        raise AccountError("role", message)


LAST_ORGANIZER_ROLE = (
    "Đây là tài khoản Ban Tổ chức cuối cùng: không thể đổi vai trò. "
    "Hãy tạo hoặc chỉ định một tài khoản Ban Tổ chức khác trước."
)
LAST_ORGANIZER_DISABLE = (
    "Đây là tài khoản Ban Tổ chức cuối cùng đang hoạt động: không thể khóa. "
    "Hãy tạo hoặc chỉ định một tài khoản Ban Tổ chức khác trước."
)


def reset_password(user_id: int, actor: Actor) -> str:
    """Give the account a new temporary password, to be changed at the next log-in, and end
    its sessions; return the password (stored only as a hash). One commit."""
    user = _get_user(user_id)
    password = temporary_password()
    user.set_password(password)
    user.must_change_password = True
    _end_sessions(user)
    record(actor, "user.password_reset", "user", user.id, {"role": str(user.role)})
    db.session.commit()
    return password


def set_role(user_id: int, role: Role | str, actor: Actor, agency_id: int | None = None) -> bool:
    """Make the account a participant, organizer, judge or focal point (of `agency_id`,
    required) and end its sessions, so that an open session keeps no rights the account lost;
    return False when nothing changes (same role, and for a focal point the same agency).

    Refuses to demote the last enabled organizer, so that an install cannot lock itself out.
    Making an account staff makes it ineligible for prizes; making it a participant again
    leaves that as it was. One commit.
    """
    role = parse_role(role)
    user = _get_user(user_id)
    agency = _agency_for(role, agency_id)
    if user.role == role and (agency is None or agency.id == user.agency_id):
        db.session.rollback()
        return False
    before = {"role": str(user.role), "agency_id": user.agency_id}
    if user.role != role:
        _refuse_if_last_organizer(user, LAST_ORGANIZER_ROLE)
    user.role = role
    if agency is not None:
        user.agency_id = agency.id
    if role in STAFF_ROLES:
        _make_ineligible(user, role)
    _end_sessions(user)
    record(
        actor,
        "user.role_changed",
        "user",
        user.id,
        {"before": before, "after": {"role": str(role), "agency_id": user.agency_id}},
    )
    db.session.commit()
    return True


def disable_account(user_id: int, reason: str, actor: Actor) -> bool:
    """Disable the account (it can no longer log in) and end its sessions; return False when
    it was already disabled. Refuses to disable oneself or the last enabled organizer. The
    reason goes into the audit log. One commit."""
    reason = clean_reason(reason)
    user = _get_user(user_id)
    if user.disabled_at is not None:
        db.session.rollback()
        return False
    if actor.user_id is not None and actor.user_id == user.id:
        db.session.rollback()
        raise AccountError("user", "Bạn không thể tự khóa tài khoản của chính mình.")
    _refuse_if_last_organizer(user, LAST_ORGANIZER_DISABLE)
    user.disabled_at = utcnow()
    _end_sessions(user)
    record(actor, "user.disabled", "user", user.id, {"reason": reason})
    db.session.commit()
    return True


def enable_account(user_id: int, actor: Actor, reason: str | None = None) -> bool:
    """Let a disabled account log in again; return False when it was not disabled."""
    user = _get_user(user_id)
    if user.disabled_at is None:
        db.session.rollback()
        return False
    user.disabled_at = None
    details = {"reason": nfc(reason)[:REASON_MAX_LENGTH]} if nfc(reason) else {}
    record(actor, "user.enabled", "user", user.id, details)
    db.session.commit()
    return True


def list_accounts(role: Role | str | None = None) -> list[User]:
    """Accounts of one role, or staff (organizers, judges, focal points) when no role is
    given, by id."""
    roles = (Role(role),) if role else STAFF_ROLES
    return list(
        db.session.execute(select(User).where(User.role.in_(roles)).order_by(User.id)).scalars()
    )
