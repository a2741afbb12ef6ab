"""Typed SQLAlchemy 2 models, one module per part of the domain."""

from contest.models.agency import Agency
from contest.models.attempt import Attempt, AttemptItem, AttemptStatus
from contest.models.audit import AuditEvent
from contest.models.bank_upload import BankUpload
from contest.models.contest import (
    Announcement,
    Contest,
    ContestAccess,
    ContestStatus,
    PredictionTarget,
    RevealAnswers,
    Round,
)
from contest.models.job import Job, JobStatus
from contest.models.profile_change import ProfileChange
from contest.models.question import Question, Topic
from contest.models.results import ResultPublication, RoundEntry, SnapshotRow
from contest.models.roster import RosterMember
from contest.models.user import ParticipantGroup, Role, User

__all__ = [
    "Announcement",
    "AuditEvent",
    "ContestAccess",
    "Agency",
    "Attempt",
    "AttemptItem",
    "AttemptStatus",
    "BankUpload",
    "Contest",
    "ContestStatus",
    "Job",
    "JobStatus",
    "ParticipantGroup",
    "PredictionTarget",
    "ProfileChange",
    "Question",
    "RevealAnswers",
    "ResultPublication",
    "Role",
    "RosterMember",
    "RoundEntry",
    "SnapshotRow",
    "Round",
    "Topic",
    "User",
]
