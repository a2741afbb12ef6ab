"""People: participants, organizers and judges."""

from datetime import date, datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from contest.auth.tokens import session_token
from contest.domain.clock import utcnow
from contest.extensions import db
from contest.models.agency import Agency
from contest.text import fold


class Role(StrEnum):
    PARTICIPANT = "participant"
    ORGANIZER = "organizer"
    JUDGE = "judge"
    # An agency's focal point (đầu mối): follows, read-only, its agency's subtree.
    FOCAL_POINT = "focal_point"


class ParticipantGroup(StrEnum):
    """The two groups contests rank and reward separately."""

    CIVIL_SERVANT = "can_bo"
    CITIZEN = "nhan_dan"


GROUP_LABELS = {
    ParticipantGroup.CIVIL_SERVANT: "Cán bộ, công chức, viên chức, người lao động, lực lượng vũ trang",
    ParticipantGroup.CITIZEN: "Nhân dân (học sinh, sinh viên, người lao động doanh nghiệp, …)",
}

GENDER_LABELS = {"nam": "Nam", "nu": "Nữ", "khac": "Khác"}


class AccountRoles:
    """What an account may see, from its role; shared by `User` and the session's account."""

    id: int
    role: str
    session_version: int

    @property
    def is_staff(self) -> bool:
        """Organizers, judges and focal points: no remember-me cookie, sessions end with the
        browser."""
        return self.role in (Role.ORGANIZER, Role.JUDGE, Role.FOCAL_POINT)

    def get_id(self) -> str:
        """What flask-login keeps in the session and the remember-me cookie: the id and the
        account's session version, so that bumping the version ends every copy of both."""
        return session_token(self.id, self.session_version)

    @property
    def is_organizer(self) -> bool:
        return self.role == Role.ORGANIZER

    @property
    def is_judge(self) -> bool:
        return self.role in (Role.JUDGE, Role.ORGANIZER)

    @property
    def is_focal_point(self) -> bool:
        return self.role == Role.FOCAL_POINT


# Optional columns that are unique when given: "" would make the second blank one collide.
OPTIONAL_UNIQUE_FIELDS = ("phone", "email", "national_id")


class User(AccountRoles, UserMixin, db.Model):
    __table_args__ = (
        CheckConstraint(
            "role IN ('participant', 'organizer', 'judge', 'focal_point')", name="role"
        ),
        CheckConstraint("participant_group IN ('can_bo', 'nhan_dan')", name="participant_group"),
        *(
            CheckConstraint(f"{field} IS NULL OR trim({field}) <> ''", name=f"{field}_not_blank")
            for field in OPTIONAL_UNIQUE_FIELDS
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(120))
    # The name folded (lower case, no diacritics, single spaces): organizers search by it.
    name_key: Mapped[str] = mapped_column(String(120), default="", server_default="", index=True)
    date_of_birth: Mapped[date | None]
    gender: Mapped[str | None] = mapped_column(String(10))
    phone: Mapped[str | None] = mapped_column(String(15), unique=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    national_id: Mapped[str | None] = mapped_column(String(12), unique=True)
    address: Mapped[str | None] = mapped_column(String(255))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    participant_group: Mapped[str] = mapped_column(String(20), default=ParticipantGroup.CITIZEN)
    role: Mapped[str] = mapped_column(String(20), default=Role.PARTICIPANT)
    password_hash: Mapped[str] = mapped_column(String(255))
    consent_at: Mapped[datetime | None]
    # Members of the organizing board, drafting team, judges and secretariat never win prizes.
    prize_eligible: Mapped[bool] = mapped_column(default=True)
    # Why an organizer marked the person not eligible (shown to judges beside the entry).
    ineligible_reason: Mapped[str | None] = mapped_column(Text)
    # A disabled account cannot log in; disabling also ends its sessions.
    disabled_at: Mapped[datetime | None]
    # Personal data erased on request or at the end of retention: the row stays, pseudonymous,
    # so that published rankings remain reproducible.
    erased_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Bumped on log-out, password change and disabling: every session cookie and remember-me
    # cookie carries the version it was issued with (`get_id`) and is refused once it differs.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # A temporary password (set by an organizer or the command line) must be changed first.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())

    agency: Mapped[Agency | None] = relationship()

    @validates("full_name")
    def _keep_name_key(self, _key: str, value: str) -> str:
        self.name_key = fold(value)[:120]
        return value

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"
