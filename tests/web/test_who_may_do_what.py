"""Who may do what, read from the URL map: every route is requested by every kind of person,
with real ids from a seeded database, and the status is checked against the table below. A new
route without a row in the table fails the test, so nobody adds a page without deciding who
may see it.

Kinds of person: anonymous, the participant who owns the attempt, another participant, an
agency's focal point, a judge, an organizer. GET routes are asked by
everyone; POST routes only by those who must be refused, so that no action runs (a refused
request changes nothing), with a valid CSRF token so that the guard, not the token, answers.
"""

import io
import re
from datetime import timedelta

import pytest

from contest.audit.service import COMMAND_LINE
from contest.bank import uploads as bank_uploads
from contest.domain.clock import utcnow
from contest.extensions import db
from contest.jobs.service import create_job
from contest.models import Question
from contest.setup.announcements import add_announcement
from contest.setup.contest_editing import set_emblem
from question_bank import write_template_workbook
from tests.factories import (
    csrf_token,
    login,
    make_agency,
    make_questions,
    make_round,
    make_user,
)

PEOPLE = ("anonymous", "owner", "other", "focal", "judge", "organizer")
# Who is allowed; everyone else must be refused (anonymous: sent to log in or 401).
PUBLIC = set(PEOPLE)
LOGGED_IN = {"owner", "other", "focal", "judge", "organizer"}
OWNER = {"owner"}
JUDGES = {"judge", "organizer"}
ORGANIZERS = {"organizer"}
# An agency's focal point, and organizers who may see every agency's view.
FOCAL_POINTS = {"focal", "organizer"}
# Pages for people who are not logged in: the logged-in are sent on (a redirect, allowed).
GUESTS = set(PEOPLE)

TABLE = {
    "account.change_password": LOGGED_IN,
    "account.forgot_password": GUESTS,
    "account.profile": LOGGED_IN,
    "account.reset_password": GUESTS,
    "account_history.changes": JUDGES,
    "admin.add_round": ORGANIZERS,
    "admin.cancel_round": ORGANIZERS,
    "admin.close_round": ORGANIZERS,
    "admin.contest_settings": ORGANIZERS,
    "admin.dashboard": ORGANIZERS,
    "admin.live": ORGANIZERS,
    "admin.live_fragment": ORGANIZERS,
    "admin.move_round": ORGANIZERS,
    "admin.round_settings": ORGANIZERS,
    "admin.rounds": ORGANIZERS,
    "agencies.index": ORGANIZERS,
    "agencies.upload": ORGANIZERS,
    "auth.login": GUESTS,
    "auth.logout": LOGGED_IN,
    "auth.register": GUESTS,
    "bank.edit": ORGANIZERS,
    "bank.error_workbook": ORGANIZERS,
    "bank.export": ORGANIZERS,
    "bank.index": ORGANIZERS,
    "bank.new": ORGANIZERS,
    "bank.restore": ORGANIZERS,
    "bank.retire": ORGANIZERS,
    "bank.run_import": ORGANIZERS,
    "bank.template_workbook": ORGANIZERS,
    "bank.upload": ORGANIZERS,
    "bank.upload_result": ORGANIZERS,
    "contests.announcements": ORGANIZERS,
    "contests.change_status": ORGANIZERS,
    "contests.create": ORGANIZERS,
    "contests.delete_announcement": ORGANIZERS,
    "contests.edit": ORGANIZERS,
    "contests.edit_announcement": ORGANIZERS,
    "contests.index": ORGANIZERS,
    "contests.remove_emblem": ORGANIZERS,
    "contests.upload_emblem": ORGANIZERS,
    "contests_public.emblem": PUBLIC,
    "focal.agency": FOCAL_POINTS,
    "focal.export": FOCAL_POINTS,
    "focal.index": FOCAL_POINTS,
    "focal.roster_upload": ORGANIZERS,
    "integrity.clear_entry": JUDGES,
    "integrity.duplicates": JUDGES,
    "integrity.fair_play_queue": JUDGES,
    "integrity.restore_entry": JUDGES,
    "integrity.void_entry": JUDGES,
    "integrity.void_person": JUDGES,
    "audit.export": ORGANIZERS,
    "audit.index": ORGANIZERS,
    "eligibility.index": ORGANIZERS,
    "eligibility.mark": ORGANIZERS,
    "eligibility.person": ORGANIZERS,
    "eligibility.template_workbook": ORGANIZERS,
    "eligibility.unmark": ORGANIZERS,
    "eligibility.upload": ORGANIZERS,
    "judge.agencies": JUDGES,
    "judge.change_status": ORGANIZERS,
    "judge.contest_prizes": JUDGES,
    "judge.dashboard": JUDGES,
    "judge.export": JUDGES,
    "judge.questions": JUDGES,
    "judge.ranking": JUDGES,
    "judge.republish_preview": ORGANIZERS,
    # A judge's background export: its requester and organizers (another judge: 403).
    "jobs.download": JUDGES,
    "jobs.index": JUDGES,
    "jobs.show": JUDGES,
    "jobs.status": JUDGES,
    "main.contest_home": PUBLIC,
    "main.health": PUBLIC,
    "main.home": PUBLIC,
    "main.old_results": PUBLIC,
    "main.old_rules": PUBLIC,
    "main.published_results": PUBLIC,
    "main.rules": PUBLIC,
    "main.verify": PUBLIC,
    "people.change_role": ORGANIZERS,
    "people.create_staff": ORGANIZERS,
    "people.disable": ORGANIZERS,
    "people.enable": ORGANIZERS,
    "people.index": ORGANIZERS,
    "people.person": ORGANIZERS,
    "people.reset_password": ORGANIZERS,
    "privacy.erase": ORGANIZERS,
    "privacy.export": ORGANIZERS,
    "privacy_public.notice": PUBLIC,
    "regrade.index": JUDGES,
    "regrade.question": JUDGES,
    "quiz.access_code": LOGGED_IN,
    "quiz.before_start": LOGGED_IN,
    "quiz.mine": LOGGED_IN,
    "quiz.result": OWNER,
    "quiz.save": OWNER,
    "quiz.saved_state": OWNER,
    "quiz.start": LOGGED_IN,
    "quiz.submit": OWNER,
    "quiz.take": OWNER,
    "quiz.worker": PUBLIC,
    "static": PUBLIC,
}
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
PHONES = {
    "owner": "0912000001",
    "other": "0912000002",
    "focal": "0912000005",
    "judge": "0912000003",
    "organizer": "0912000004",
}


def seed(app) -> dict:
    with app.app_context():
        make_questions(12)
        round_ = make_round(question_count=5)
        agency = make_agency()
        roles = {"judge": "judge", "organizer": "organizer", "focal": "focal_point"}
        users = {who: make_user(phone=phone, role=roles.get(who, "participant"), agency_id=agency.id)
                 for who, phone in PHONES.items()}  # fmt: skip
        out = io.BytesIO()
        write_template_workbook(out)
        upload = bank_uploads.store_upload(out.getvalue(), "mau.xlsx", users["organizer"].id)
        set_emblem(round_.contest_id, PNG, COMMAND_LINE)
        job, _created = create_job(
            "export", {"round_id": round_.id, "kind": "ranking"}, users["judge"].id, 10,
            utcnow(), 600,
        )  # fmt: skip
        announcement = add_announcement(
            round_.contest_id, "Thông báo", utcnow() - timedelta(hours=1), None, COMMAND_LINE
        )
        return {
            "round_id": round_.id,
            "contest_id": round_.contest_id,
            "slug": round_.contest.slug,
            "question_id": db.session.query(Question.id).first()[0],
            "user_id": users["other"].id,
            "agency_id": agency.id,
            "upload_id": upload.id,
            "announcement_id": announcement.id,
            "job_id": job.id,
            "kind": "ranking",
            "status": "closed",
            "direction": "len",
            "filename": "style.css",
            "token": "x" * 20,
        }


def path_of(rule, values: dict) -> str:
    path = rule.rule
    for name in rule.arguments:
        path = re.sub(rf"<(?:\w+:)?{name}>", str(values[name]), path)
    return path


def refused(who: str, allowed: set, response) -> bool:
    """Anonymous: sent to log in (401 for JSON). Logged in: 403, or for someone else's
    attempt 404 (its existence is not confirmed)."""
    if who == "anonymous":
        location = response.headers.get("Location", "")
        return response.status_code == 401 or (
            response.status_code == 302 and "/dang-nhap" in location
        )
    return response.status_code == 403 or (allowed is OWNER and response.status_code == 404)


@pytest.fixture
def site(app):
    values = seed(app)
    clients = {}
    for who in PEOPLE:
        client = app.test_client()
        if who != "anonymous":
            assert login(client, PHONES[who]).status_code == 302
        clients[who] = client
    owner = clients["owner"]
    started = owner.post(
        f"/vong/{values['round_id']}/bat-dau", data={"csrf_token": csrf_token(owner)}
    )
    values["attempt_id"] = int(re.search(r"/bai-thi/(\d+)", started.headers["Location"]).group(1))
    return values, clients


def test_every_route_has_a_row():
    from contest import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - TABLE.keys() == set(), "routes without a row in TABLE"
    assert TABLE.keys() - endpoints == set(), "rows for routes that no longer exist"


def test_who_may_do_what(app, site):
    values, clients = site
    wrong = []
    for rule in app.url_map.iter_rules():
        allowed = TABLE[rule.endpoint]
        path = path_of(rule, values)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for who in PEOPLE:
                if method == "POST" and who in allowed:
                    continue  # would run the action: guards are what this test checks
                client = clients[who]
                headers = {"X-CSRFToken": csrf_token(client)} if method == "POST" else {}
                # A well-formed save body: the refusal must come from whose attempt it is.
                body = {"position": 1, "chosen": [0]} if method == "POST" else None
                with client.open(path, method=method, headers=headers, json=body) as response:
                    status = response.status_code
                    if status >= 500:
                        wrong.append((who, method, path, status))
                    elif who in allowed and refused(who, allowed, response):
                        wrong.append((who, method, path, status, "refused but allowed"))
                    elif who not in allowed and not refused(who, allowed, response):
                        wrong.append((who, method, path, status, "allowed but must be refused"))
    assert wrong == [], "\n".join(map(str, wrong))
