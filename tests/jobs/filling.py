"""Many entries in one round, fast: users, attempts and round entries by bulk INSERT (no
password hashing, no ORM objects), with scores, times, groups and agencies that vary."""

from datetime import timedelta

from sqlalchemy import insert

from contest.extensions import db
from contest.models import Attempt, RoundEntry, User

FIRST_ID = 100_000
GROUPS = ("can_bo", "nhan_dan")


def fill_round(round_, count: int, agency_ids=(None,), start: int = 0) -> None:
    """`count` participants (numbered from `start`) with one submitted attempt each; participant i answers i % 21 of
    20 questions right (so some are perfect) in 60 s + 7·i ms, its group and agency cycling."""
    started = round_.opens_at + timedelta(hours=1)
    users, attempts, entries = [], [], []
    for i in range(start, start + count):
        key = FIRST_ID + i
        group, agency = GROUPS[i % len(GROUPS)], agency_ids[i % len(agency_ids)]
        correct, duration = i % 21, 60_000 + 7 * i
        submitted = started + timedelta(milliseconds=duration)
        users.append(
            dict(id=key, full_name=f"Người thi số {i}", name_key=f"nguoi thi so {i}",
                 phone=f"09{key:08d}", email=None, password_hash="-", role="participant",
                 participant_group=group, agency_id=agency)
        )  # fmt: skip
        attempts.append(
            dict(id=key, round_id=round_.id, user_id=key, number=1, started_at=started,
                 deadline=started + timedelta(minutes=20), submitted_at=submitted,
                 status="submitted", question_count=20, correct_count=correct,
                 duration_ms=duration)
        )  # fmt: skip
        entries.append(
            dict(round_id=round_.id, user_id=key, attempt_id=key, participant_group=group,
                 agency_id=agency, correct_count=correct, question_count=20,
                 duration_ms=duration, submitted_at=submitted, attempts_count=1,
                 perfect_count=int(correct == 20), counted_reason="only")
        )  # fmt: skip
    for model, rows in ((User, users), (Attempt, attempts), (RoundEntry, entries)):
        for start in range(0, len(rows), 1000):
            db.session.execute(insert(model), rows[start : start + 1000])
    db.session.commit()
