"""The demo contest that `make run` loads into an empty database."""

import json
import os
import secrets
from datetime import date, datetime, time, timedelta
from importlib import resources
from pathlib import Path

from sqlalchemy import func, select

from contest.agencies.service import import_agencies
from contest.bank.service import existing_keys, save_questions
from contest.domain.clock import from_vietnam, to_vietnam
from contest.extensions import db
from contest.models import Agency, Contest, ContestStatus, ParticipantGroup, Role, Round, User
from contest.setup import rules_text
from question_bank import read_question_file

DEMO_TITLE = "Cuộc thi trực tuyến tìm hiểu hoạt động kiểm soát thủ tục hành chính"
QUESTIONS_FILE = "cau_hoi_kiem_soat_tthc.xlsx"
AGENCIES_FILE = "co_quan_don_vi.xlsx"
DEMO_ACCOUNTS = (
    ("organizer", "Ban Tổ chức (demo)", "btc@demo.thitructuyen.vn", "0900000001", Role.ORGANIZER),
    ("judge", "Ban Giám khảo (demo)", "bgk@demo.thitructuyen.vn", "0900000002", Role.JUDGE),
    (
        "participant",
        "Nguyễn Văn An",
        "thisinh@demo.thitructuyen.vn",
        "0900000003",
        Role.PARTICIPANT,
    ),
)


class DemoDataError(Exception):
    """The bundled demo files are invalid."""


def demo_file(name: str) -> bytes:
    return resources.files("contest.demo").joinpath("data", name).read_bytes()


def is_empty() -> bool:
    return db.session.execute(select(func.count()).select_from(Contest)).scalar_one() == 0


def load_demo(now: datetime, accounts_file: Path) -> bool:
    """Load everything when the database is empty; return False (changing nothing) otherwise."""
    if not is_empty():
        return False
    agencies = load_agencies(demo_file(AGENCIES_FILE))
    result = read_question_file(
        demo_file(QUESTIONS_FILE), QUESTIONS_FILE, existing_keys=existing_keys()
    )
    if not result.ok:
        raise DemoDataError("; ".join(issue.message for issue in result.errors))
    db.session.add(demo_contest(now))
    passwords = add_accounts(agencies)
    save_questions(result.questions)  # commits everything above in the same transaction
    write_accounts_file(accounts_file, passwords)
    return True


def load_agencies(data: bytes) -> dict[str, Agency]:
    """The demo agency list, through the organizers' import, in the caller's transaction."""
    report = import_agencies(data, AGENCIES_FILE, dry_run=False, commit=False)
    if not report.ok:
        raise DemoDataError("; ".join(issue.message for issue in report.result.errors))
    return report.agencies


def vietnam_morning(moment: datetime) -> datetime:
    """08:00 Vietnam time on the day of `moment` (Vietnam time), as UTC."""
    return from_vietnam(datetime.combine(to_vietnam(moment).date(), time(8, 0)))


def demo_contest(now: datetime) -> Contest:
    """Four weekly rounds, 08:00 Monday-style windows; the first one is open now."""
    first_opens = vietnam_morning(now) - timedelta(days=1)
    contest = Contest(
        slug="kiem-soat-tthc",
        title=DEMO_TITLE,
        organizer_name="Ủy ban nhân dân tỉnh (dữ liệu minh họa)",
        summary="Tìm hiểu hoạt động kiểm soát thủ tục hành chính, thi trắc nghiệm trực tuyến.",
        contact_phone="0239 3855 555",
        contact_email="bantochuc@example.gov.vn",
        rules_intro=rules_text.DEMO_RULES_INTRO,
        rules_participants=rules_text.DEMO_RULES_PARTICIPANTS,
        rules_prizes=rules_text.DEMO_RULES_PRIZES,
        rules_complaints=rules_text.DEMO_RULES_COMPLAINTS,
        participation_target=60,
        status=ContestStatus.OPEN,
        eligible_groups=[ParticipantGroup.CIVIL_SERVANT.value, ParticipantGroup.CITIZEN.value],
    )
    for week in range(4):
        opens = first_opens + timedelta(days=7 * week)
        contest.rounds.append(
            Round(
                number=week + 1,
                title=f"Tuần thi thứ {week + 1}",
                opens_at=opens,
                closes_at=opens + timedelta(days=7),
                question_count=20,
                time_limit_seconds=20 * 60,
                attempts_allowed=3,
                counted_attempt="best",
                shuffle_options=True,
                reveal_answers="after_close",
                prediction_enabled=True,
                prediction_prompt="Theo bạn, tuần thi này sẽ có bao nhiêu người tham gia dự thi?",
                prediction_target="participants",
            )
        )
    return contest


def add_accounts(agencies: dict[str, Agency]) -> dict[str, dict]:
    """Organizer, judge and a sample participant with fresh random passwords: none is known."""
    passwords = {}
    home_agency = agencies.get("SNV") or next(iter(agencies.values()))
    for key, name, email, phone, role in DEMO_ACCOUNTS:
        password = secrets.token_urlsafe(9)
        user = User(
            full_name=name,
            email=email,
            phone=phone,
            role=role,
            participant_group=ParticipantGroup.CIVIL_SERVANT,
            agency=home_agency,
            prize_eligible=role == Role.PARTICIPANT,
            # A complete profile, so that the profile page saves as it is.
            date_of_birth=date(1990, 3, 15),
            gender="nam",
        )
        user.set_password(password)
        db.session.add(user)
        passwords[key] = {"email": email, "phone": phone, "password": password, "role": role.value}
    return passwords


def write_accounts_file(path: Path, passwords: dict) -> None:
    """Kept in instance/ (never committed) so that `make run` can show them again."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(passwords, handle, ensure_ascii=False, indent=2)
