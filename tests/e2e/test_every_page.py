"""Every HTML page of the URL map, visited in Chromium by each kind of person who may see it
(participant, focal point, judge, organizer, and nobody logged in), with real ids from the
seeded database: no page breaks the Content-Security-Policy (the `new_context` fixture fails
on a violation), logs a console error or a script error, or answers 5xx. A new GET page is
visited without being listed here."""

import io
import re

import pytest
from sqlalchemy import select

from contest.bank import uploads as bank_uploads
from contest.domain.clock import utcnow
from contest.extensions import db
from contest.jobs.service import create_job
from contest.models import Attempt, Contest, Question, Round, User
from question_bank import write_template_workbook
from tests.e2e import support
from tests.factories import make_user

pytestmark = pytest.mark.e2e

FOCAL_PHONE = "0912000991"
PARTICIPANT_PHONE = support.JUDGED_ENTRIES[0][0]
PEOPLE = {
    "anonymous": None,
    "participant": PARTICIPANT_PHONE,
    "focal": FOCAL_PHONE,
    "judge": support.JUDGE_PHONE,
    "organizer": support.ORGANIZER_PHONE,
}
# Not pages: a script, the health probe's JSON, a stylesheet or script file.
NOT_PAGES = {"static", "quiz.worker", "main.health"}
# At least this many pages each must have been seen: a seeding or login slip cannot pass empty.
AT_LEAST = {"anonymous": 6, "participant": 8, "focal": 3, "judge": 10, "organizer": 30}


def seeded_values(site) -> dict:
    """An id for every URL argument, from what conftest seeded plus a few rows made here."""
    with site.app.app_context():
        round_ = db.session.execute(
            select(Round).where(Round.title == support.JUDGED_ROUND_TITLE)
        ).scalar_one()
        contest = db.session.get(Contest, round_.contest_id)
        participant = db.session.execute(
            select(User).where(User.phone == PARTICIPANT_PHONE)
        ).scalar_one()
        attempt_id = db.session.execute(
            select(Attempt.id).where(Attempt.user_id == participant.id)
        ).scalar()
        organizer = db.session.execute(
            select(User).where(User.phone == support.ORGANIZER_PHONE)
        ).scalar_one()
        judge = db.session.execute(
            select(User).where(User.phone == support.JUDGE_PHONE)
        ).scalar_one()
        if db.session.execute(select(User.id).where(User.phone == FOCAL_PHONE)).scalar() is None:
            make_user(
                phone=FOCAL_PHONE,
                role="focal_point",
                group="can_bo",
                agency_id=site.agencies["STP"],
                full_name="Hồ Đầu Mối",
            )
        out = io.BytesIO()
        write_template_workbook(out)
        upload = bank_uploads.store_upload(out.getvalue(), "mau.xlsx", organizer.id)
        job, _created = create_job(
            "export", {"round_id": round_.id, "kind": "ranking"}, judge.id, 10, utcnow(), 600
        )
        return {
            "round_id": round_.id,
            "contest_id": contest.id,
            "slug": contest.slug,
            "question_id": db.session.execute(select(Question.id)).scalars().first(),
            "user_id": participant.id,
            "attempt_id": attempt_id,
            "agency_id": site.agencies["STP"],
            "upload_id": upload.id,
            "job_id": job.id,
            "kind": "ranking",
            "status": "closed",
            "direction": "len",
        }


def page_paths(app, values: dict) -> list[tuple[str, str]]:
    """(endpoint, path) of every GET route whose arguments have a value."""
    found = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in NOT_PAGES:
            continue
        if any(name not in values for name in rule.arguments):
            continue
        path = rule.rule
        for name in rule.arguments:
            path = re.sub(rf"<(?:\w+:)?{name}>", str(values[name]), path)
        found.append((rule.endpoint, path))
    return sorted(found)


def test_every_page_renders_without_csp_violation_console_error_or_5xx(new_context, site):
    values = seeded_values(site)
    paths = page_paths(site.app, values)
    assert len(paths) > 40
    problems, seen = [], {}
    for who, phone in PEOPLE.items():
        context = new_context(device=support.DESKTOP)
        page = context.new_page()
        errors: list[str] = []
        page.on(
            "console",
            lambda message, errors=errors, page=page: (
                errors.append(f"{page.url}: {message.text}") if message.type == "error" else None
            ),
        )
        page.on("pageerror", lambda error, errors=errors: errors.append(f"script error: {error}"))
        if phone is not None:
            support.log_in(page, phone)
        seen[who] = 0
        for endpoint, path in paths:
            # Asked first without a browser (the context's cookies): downloads and refusals
            # are not pages to render, and a 5xx fails whoever asked.
            answer = context.request.get(path, max_redirects=0)
            if answer.status >= 500:
                problems.append((who, endpoint, path, answer.status))
                continue
            if answer.status != 200 or "text/html" not in answer.headers.get("content-type", ""):
                continue
            if "<html" not in answer.text()[:300].lower():
                continue  # a fragment live.js fetches (no head: the browser asks a favicon)
            response = page.goto(path)
            if response is None or response.status >= 400:
                problems.append((who, endpoint, path, response and response.status))
            seen[who] += 1
        problems += [(who, error) for error in errors]
    assert problems == [], "\n".join(map(str, problems))
    for who, least in AT_LEAST.items():
        assert seen[who] >= least, (who, seen[who])
