"""Small factories for test data. Each takes the settings a test cares about as keywords."""

import re
from datetime import datetime, timedelta

from contest.bank.service import text_key
from contest.domain.clock import utcnow
from contest.extensions import db
from contest.models import Agency, Contest, Question, Round, Topic, User
from contest.text import fold

PASSWORD = "mat-khau-8"
# The network grace the app is configured with by default (ATTEMPT_GRACE_SECONDS).
GRACE = timedelta(seconds=10)
# How long a worker draws from its copy of the question pool by default (QUESTION_POOL_SECONDS).
POOL_SECONDS = 30


def make_agency(code="SNV", name="Sở Nội vụ", parent=None, headcount=80) -> Agency:
    agency = Agency(code=code, name=name, parent=parent, kind="Sở, ban, ngành", headcount=headcount)
    db.session.add(agency)
    db.session.commit()
    return agency


def make_user(phone="0912000001", role="participant", group="nhan_dan", **fields) -> User:
    user = User(
        full_name=fields.pop("full_name", "Trần Thị Bình"),
        phone=phone,
        email=fields.pop("email", f"{phone}@example.vn"),
        role=role,
        participant_group=group,
        **fields,
    )
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.commit()
    return user


def make_questions(
    count=30, topic_names=("Chủ đề 1",), options=4, multiple_every=0
) -> list[Question]:
    topics = [Topic(name=name) for name in topic_names]
    db.session.add_all(topics)
    questions = []
    for i in range(count):
        correct = [i % options]
        if multiple_every and i % multiple_every == 0:
            correct = sorted({0, (i % (options - 1)) + 1})
        text = f"Câu hỏi số {i + 1} về thủ tục hành chính?"
        questions.append(
            Question(
                topic=topics[i % len(topics)],
                text=text,
                text_key=text_key(text),
                search_text=fold(text),
                options=[f"Phương án {chr(65 + j)} của câu {i + 1}" for j in range(options)],
                correct=correct,
                difficulty=1 + i % 3,
            )
        )
    db.session.add_all(questions)
    db.session.commit()
    return questions


def make_contest(status="open", eligible_groups=None) -> Contest:
    contest = Contest(
        slug=f"cuoc-thi-{utcnow().timestamp()}",
        title="Cuộc thi tìm hiểu kiểm soát thủ tục hành chính",
        rules_intro="Thể lệ thử nghiệm.",
        status=status,
        eligible_groups=eligible_groups or [],
    )
    db.session.add(contest)
    db.session.commit()
    return contest


def make_round(contest=None, *, opens_at=None, closes_at=None, **settings) -> Round:
    contest = contest or make_contest()
    now = utcnow()
    round_ = Round(
        contest=contest,
        number=settings.pop("number", len(contest.rounds) + 1),
        title=settings.pop("title", "Tuần thi thứ nhất"),
        opens_at=opens_at or now - timedelta(days=1),
        closes_at=closes_at or now + timedelta(days=6),
        question_count=settings.pop("question_count", 10),
        time_limit_seconds=settings.pop("time_limit", 600),
        attempts_allowed=settings.pop("attempts_allowed", 2),
        **settings,
    )
    db.session.add(round_)
    db.session.commit()
    return round_


def csrf_token(client, path="/") -> str:
    """The CSRF token the pages embed, as a browser would read it."""
    # Followed: the home page leads to the only contest listed.
    html = client.get(path, follow_redirects=True).get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def login(client, user_or_phone, password=PASSWORD):
    phone = getattr(user_or_phone, "phone", user_or_phone)
    token = csrf_token(client, "/dang-nhap")
    return client.post(
        "/dang-nhap", data={"identifier": phone, "password": password, "csrf_token": token}
    )


def shift(moment: datetime, **delta) -> datetime:
    return moment + timedelta(**delta)


def make_entry(round_, user, correct, prediction=None, seconds=300, minute=0, total=20, number=1):
    """A finished attempt folded into the participant's entry, as closing an attempt does."""
    from contest.models import Attempt
    from contest.results.entries import record_entry

    started = round_.opens_at + timedelta(hours=1, minutes=minute)
    attempt = Attempt(
        round_id=round_.id,
        user_id=user.id,
        number=number,
        started_at=started,
        deadline=started + timedelta(minutes=20),
        submitted_at=started + timedelta(seconds=seconds),
        status="submitted",
        question_count=total,
        correct_count=correct,
        duration_ms=seconds * 1000,
        prediction=prediction,
    )
    db.session.add(attempt)
    db.session.flush()
    record_entry(attempt)
    db.session.commit()
    return attempt
