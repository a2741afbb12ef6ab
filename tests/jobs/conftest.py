"""A round with entries, the staff who export it, and the job settings of these tests: a
threshold of 5 rows and the files in the test's own folder. Jobs run at once (Huey's immediate
mode, as every TESTING app) unless a test asks for a real queue (`queued`)."""

from dataclasses import dataclass

import pytest

from contest.extensions import db
from contest.jobs import queue as job_queue
from contest.models import Job
from tests.factories import login, make_agency, make_round, make_user
from tests.jobs.filling import fill_round

THRESHOLD = 5
PHONES = {
    "judge": "0912000003",
    "other_judge": "0912000006",
    "organizer": "0912000004",
    "participant": "0912000001",
}


@dataclass
class Site:
    app: object
    round_id: int
    agency_ids: tuple[int, int]
    user_ids: dict

    @property
    def queue(self):
        return job_queue.of(self.app)

    def client(self, who: str):
        client = self.app.test_client()
        if who != "anonymous":
            assert login(client, PHONES[who]).status_code == 302
        return client

    def export_url(self, kind: str = "ranking", **args) -> str:
        query = "&".join(f"{key}={value}" for key, value in args.items())
        return f"/giam-khao/vong/{self.round_id}/xuat/{kind}.xlsx" + (f"?{query}" if query else "")

    def fill(self, count: int, start: int = 0) -> None:
        with self.app.app_context():
            from contest.models import Round

            fill_round(db.session.get(Round, self.round_id), count, self.agency_ids, start)

    def job(self, job_id: int) -> Job:
        with self.app.app_context():
            job = db.session.get(Job, job_id)
            db.session.expunge(job)
            return job

    def jobs(self) -> list[Job]:
        with self.app.app_context():
            found = db.session.query(Job).order_by(Job.id).all()
            db.session.expunge_all()
            return found


def drain(queue) -> int:
    """Run every message waiting on a real (non-immediate) queue, here; returns how many."""
    huey, count = queue.huey, 0
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
        count += 1
    return count


@pytest.fixture
def site(app, tmp_path) -> Site:
    app.config.update(JOBS_EXPORT_DIR=str(tmp_path / "exports"), JOBS_EXPORT_THRESHOLD=THRESHOLD)
    with app.app_context():
        round_ = make_round(question_count=5)
        province = make_agency(code="TINH", name="Ủy ban nhân dân tỉnh")
        district = make_agency(code="HUYEN", name="Ủy ban nhân dân huyện", parent=province)
        roles = {"judge": "judge", "other_judge": "judge", "organizer": "organizer"}
        users = {
            who: make_user(phone=phone, role=roles.get(who, "participant"), full_name=who).id
            for who, phone in PHONES.items()
        }
        return Site(app, round_.id, (province.id, district.id), users)


@pytest.fixture
def queued(site, tmp_path) -> Site:
    """A real Huey queue on SQLite in the test's folder, with no consumer: messages wait until
    the test runs them (`drain`)."""
    site.app.config.update(JOBS_IMMEDIATE=False, JOBS_QUEUE_URL=f"sqlite:///{tmp_path}/queue.db")
    return site
