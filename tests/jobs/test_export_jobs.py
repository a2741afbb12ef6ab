"""Judges' large exports as background jobs, on SQLite and PostgreSQL: the threshold switch,
one job for the same export asked twice, progress, expiry, a lease that runs out, bounded
retries, parameters checked again by the worker, and who may open and download what."""

import io
import os
import time
from datetime import timedelta

import openpyxl
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from contest.domain.clock import utcnow
from contest.extensions import db
from contest.jobs import service
from contest.jobs.exports import EXPORT
from contest.jobs.service import Finished, LeaseLost
from contest.models import AuditEvent, Job, Round
from contest.results.exports import round_exports
from contest.results.exports.round_exports import HEADER_ROW, XLSX_MIMETYPE
from tests.factories import make_round
from tests.jobs.conftest import THRESHOLD, drain


def data_rows(body: bytes) -> tuple[tuple, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    rows = list(book.active.iter_rows(min_row=HEADER_ROW, values_only=True))
    book.close()
    return rows[0], rows[1:]


def fetched(client, path: str):
    """The response with its body read and its file closed (send_file keeps one open)."""
    response = client.get(path)
    response.get_data()
    response.close()
    return response


def job_id_of(response) -> int:
    assert response.status_code == 302, response.status_code
    location = response.headers["Location"]
    assert location.startswith("/giam-khao/viec/"), location
    return int(location.rsplit("/", 1)[1])


def set_job(site, job_id: int, **values) -> None:
    with site.app.app_context():
        db.session.execute(update(Job).where(Job.id == job_id).values(**values))
        db.session.commit()


def test_small_exports_stay_direct_and_large_ones_become_jobs(site):
    judge = site.client("judge")
    site.fill(THRESHOLD)  # exactly the threshold: still direct
    direct = fetched(judge, site.export_url())
    assert direct.status_code == 200 and direct.mimetype == XLSX_MIMETYPE
    assert len(data_rows(direct.data)[1]) == THRESHOLD
    assert site.jobs() == []

    site.fill(1, start=THRESHOLD)  # one more row than the threshold
    job_id = job_id_of(judge.get(site.export_url()))
    job = site.job(job_id)
    # Immediate mode: the job ran inside the request; the page says so and offers the file.
    assert (job.status, job.rows_done, job.rows_total, job.tries) == ("done", 6, 6, 1)
    page = judge.get(f"/giam-khao/viec/{job_id}").get_data(as_text=True)
    assert "Đã xuất xong 6 dòng." in page and f"/giam-khao/viec/{job_id}/tai-ve" in page
    download = fetched(judge, f"/giam-khao/viec/{job_id}/tai-ve")
    assert download.status_code == 200 and download.mimetype == XLSX_MIMETYPE
    assert download.headers["Cache-Control"] == "private, no-store"
    assert "xep-hang-vong-1-" in download.headers["Content-Disposition"]
    header, rows = data_rows(download.data)
    names = [row[header.index("Họ và tên")] for row in rows]
    # Participant i has i % 21 right answers: the one added last (5) is the best.
    assert names == [f"Người thi số {i}" for i in (5, 4, 3, 2, 1, 0)]
    assert rows[0][header.index("Số câu đúng")] == 5

    # The agency statistics stay direct whatever the round's size; the entries list does not.
    assert fetched(judge, site.export_url("agencies")).status_code == 200
    entries_job = job_id_of(judge.get(site.export_url("entries")))
    assert site.job(entries_job).status == "done" and site.job(entries_job).rows_done == 6
    assert len(site.jobs()) == 2


def test_the_same_export_asked_twice_goes_to_the_same_job(queued):
    site = queued
    site.fill(12)
    judge, other = site.client("judge"), site.client("other_judge")
    first = job_id_of(judge.get(site.export_url(doi_tuong="can_bo")))
    again = judge.get(site.export_url(doi_tuong="can_bo"), follow_redirects=True)
    assert again.request.path == f"/giam-khao/viec/{first}"
    assert "đang được xuất theo yêu cầu trước của bạn" in again.get_data(as_text=True)
    public_copy = job_id_of(judge.get(site.export_url(doi_tuong="can_bo", cong_khai=1)))
    everyone = job_id_of(judge.get(site.export_url()))
    theirs = job_id_of(other.get(site.export_url(doi_tuong="can_bo")))
    assert len({first, public_copy, everyone, theirs}) == 4
    assert site.queue.answers() == 4  # one message per job, none for the repeated request
    assert [job.status for job in site.jobs()] == ["queued"] * 4

    assert drain(site.queue) == 4
    done = {job.id: job for job in site.jobs()}
    assert {job.status for job in done.values()} == {"done"}
    # 12 people, alternately can_bo (even i) and nhan_dan: 6 in the group, 12 in all.
    assert (done[first].rows_done, done[everyone].rows_done, done[theirs].rows_done) == (6, 12, 6)
    # Once the first is done, asking again makes a new job.
    assert job_id_of(judge.get(site.export_url(doi_tuong="can_bo"))) not in done


def test_two_active_jobs_for_one_export_are_refused_by_the_database(queued):
    with queued.app.app_context():
        judge = queued.user_ids["judge"]
        job, created = service.create_job(EXPORT, {"round_id": 1}, judge, 10, utcnow(), 60)
        same, created_again = service.create_job(EXPORT, {"round_id": 1}, judge, 10, utcnow(), 60)
        assert created and not created_again and same.id == job.id
        db.session.add(
            Job(kind=EXPORT, parameters={}, dedup_key=job.dedup_key, requested_by_id=judge,
                status="running", rows_done=0, tries=1, created_at=utcnow())
        )  # fmt: skip
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
        else:
            raise AssertionError("a second active job for the same export was stored")


def test_progress_is_reported_every_n_rows(site, monkeypatch):
    site.fill(7)
    monkeypatch.setattr(round_exports, "PROGRESS_ROWS", 2)
    seen = []
    real = service.report_rows

    def watched(engine, job_id, token, rows):
        real(engine, job_id, token, rows)
        with engine.connect() as connection:
            stored = connection.execute(select(Job.rows_done).where(Job.id == job_id)).scalar()
        seen.append((rows, stored))

    monkeypatch.setattr(service, "report_rows", watched)
    job_id = job_id_of(site.client("judge").get(site.export_url()))
    assert seen == [(2, 2), (4, 4), (6, 6)]
    assert site.job(job_id).rows_done == 7


def test_a_running_job_shows_its_progress(queued):
    site = queued
    site.fill(6)
    judge = site.client("judge")
    job_id = job_id_of(judge.get(site.export_url()))
    with site.app.app_context():
        assert service.claim(job_id, utcnow(), 60) is not None
    set_job(site, job_id, rows_done=12_000, rows_total=250_000)
    status = judge.get(f"/giam-khao/viec/{job_id}/trang-thai")
    assert status.headers["Cache-Control"] == "private, no-store"
    assert status.json["text"] == "Đang xuất… 12.000 / 250.000 dòng"
    assert (status.json["status"], status.json["finished"], status.json["download_url"]) == (
        "running",
        False,
        None,
    )
    page = judge.get(f"/giam-khao/viec/{job_id}").get_data(as_text=True)
    assert "Đang xuất… 12.000 / 250.000 dòng" in page
    assert 'value="12000"' in page and 'max="250000"' in page
    # The page refreshes itself through a static script (no inline script under the CSP) and
    # keeps a plain link for browsers without script.
    assert "job-status.js" in page and "<script>" not in page
    assert f'href="/giam-khao/viec/{job_id}">Cập nhật trạng thái' in page
    assert judge.get(f"/giam-khao/viec/{job_id}/tai-ve").status_code == 409
    listing = judge.get("/giam-khao/viec/").get_data(as_text=True)
    assert f"#{job_id}" in listing and "Đang xuất… 12.000 / 250.000 dòng" in listing


def test_finished_files_expire(site, tmp_path):
    site.fill(6)
    judge = site.client("judge")
    old = job_id_of(judge.get(site.export_url()))
    kept = job_id_of(judge.get(site.export_url("entries")))
    exports = tmp_path / "exports"
    old_file, kept_file = exports / site.job(old).file_name, exports / site.job(kept).file_name
    assert old_file.is_file() and kept_file.is_file()
    # A killed worker's partial file (no job owns it) and a fresh one (it may be finishing).
    stray, fresh = exports / f"{old}-deadbeef.xlsx.part", exports / f"{old}-cafe.xlsx.part"
    stray.write_bytes(b"half")
    fresh.write_bytes(b"half")
    hour_ago = time.time() - 3600
    os.utime(stray, (hour_ago, hour_ago))
    finished = site.job(old).finished_at
    assert site.job(old).expires_at == finished + timedelta(hours=24)
    set_job(site, old, expires_at=utcnow() - timedelta(seconds=1))

    assert site.queue.sweep() == []
    assert (site.job(old).status, site.job(old).file_name) == ("expired", None)
    assert not old_file.exists() and not stray.exists()
    assert kept_file.is_file() and fresh.exists() and site.job(kept).status == "done"
    response = judge.get(f"/giam-khao/viec/{old}/tai-ve")
    assert response.status_code == 410
    assert "Tệp đã hết hạn và đã được xóa" in response.get_data(as_text=True)


def test_a_job_whose_lease_ran_out_is_queued_again_and_done_once(queued, tmp_path):
    site = queued
    site.fill(9)
    job_id = job_id_of(site.client("judge").get(site.export_url()))
    with site.app.app_context():
        # A worker took the job and was killed: its message is gone, its lease runs out.
        dead = service.claim(job_id, utcnow(), 60)
    site.queue.huey.flush()
    set_job(site, job_id, lease_until=utcnow() - timedelta(seconds=1))

    assert site.queue.sweep() == [job_id]
    job = site.job(job_id)
    assert (job.status, job.claim, job.tries) == ("queued", None, 1)
    site.queue.send(job_id)  # delivered twice (a second sweep on another host, say)
    assert drain(site.queue) == 2
    job = site.job(job_id)
    assert (job.status, job.tries, job.rows_done) == ("done", 2, 9)
    assert sorted(path.name for path in (tmp_path / "exports").iterdir()) == [job.file_name]
    with site.app.app_context():
        # The dead worker, were it only slow, can neither report nor finish.
        try:
            service.report_rows(db.engine, job_id, dead, 5)
        except LeaseLost:
            pass
        else:
            raise AssertionError("a lost claim reported progress")
        assert not service.finish(job_id, dead, Finished("x.xlsx", "x.xlsx", 1), utcnow(), 24)
    assert site.job(job_id).file_name == job.file_name
    assert site.queue.sweep() == []  # nothing more to do


def test_retries_are_bounded(queued):
    site = queued
    site.app.config["JOBS_MAX_TRIES"] = 2
    site.fill(6)
    judge = site.client("judge")
    job_id = job_id_of(judge.get(site.export_url()))
    site.queue.huey.flush()
    past = utcnow() - timedelta(seconds=1)
    set_job(site, job_id, status="running", claim="a" * 32, tries=1, lease_until=past)
    assert site.queue.sweep() == [job_id]  # the first try died: one more
    site.queue.huey.flush()
    set_job(site, job_id, status="running", claim="b" * 32, tries=2, lease_until=past)
    assert site.queue.sweep() == []  # the second died too: no more
    job = site.job(job_id)
    assert job.status == "failed" and job.error == service.gave_up_message(2)
    status = judge.get(f"/giam-khao/viec/{job_id}/trang-thai").json
    assert status["finished"] and status["text"] == job.error
    assert "bị dừng giữa chừng hoặc gặp lỗi 2 lần" in status["text"]
    page = judge.get(f"/giam-khao/viec/{job_id}").get_data(as_text=True)
    assert job.error in page
    assert f'href="/giam-khao/vong/{site.round_id}/xuat/ranking.xlsx">Xuất lại' in page


def test_the_worker_checks_the_parameters_again(site):
    with site.app.app_context():
        gone = make_round(question_count=5)
        judge = site.user_ids["judge"]
        params = {"round_id": gone.id, "kind": "ranking", "for_judges": True}
        deleted, _ = service.create_job(EXPORT, params, judge, 99, utcnow(), 60)
        db.session.execute(delete(Round).where(Round.id == gone.id))
        db.session.commit()
        strange, _ = service.create_job(
            EXPORT, {**params, "round_id": site.round_id, "kind": "x"}, judge, 9, utcnow(), 60
        )
        broken, _ = service.create_job(EXPORT, {"kind": "ranking"}, judge, 9, utcnow(), 60)
        ids = deleted.id, strange.id, broken.id
    for job_id in ids:
        site.queue.send(job_id)
    messages = [(site.job(i).status, site.job(i).error) for i in ids]
    assert messages == [
        ("failed", "Vòng thi không còn (đã bị xóa) nên không xuất được tệp."),
        ("failed", "Loại tệp xuất không còn được hỗ trợ."),
        ("failed", "Yêu cầu xuất tệp không hợp lệ."),
    ]
    judge_client = site.client("judge")
    for job_id, (_status, error) in zip(ids, messages, strict=True):
        page = judge_client.get(f"/giam-khao/viec/{job_id}")
        assert page.status_code == 200 and error in page.get_data(as_text=True)


def test_only_the_requester_and_organizers_open_and_download(site):
    site.fill(6)
    judge = site.client("judge")
    job_id = job_id_of(judge.get(site.export_url(co_quan=site.agency_ids[0])))
    paths = [f"/giam-khao/viec/{job_id}", f"/giam-khao/viec/{job_id}/trang-thai"]
    paths.append(f"/giam-khao/viec/{job_id}/tai-ve")
    for who, expected in (("other_judge", 403), ("participant", 403), ("organizer", 200)):
        client = site.client(who)
        assert [fetched(client, path).status_code for path in paths] == [expected] * 3, who
    anonymous = site.client("anonymous").get(paths[0])
    assert anonymous.status_code == 302 and "/dang-nhap" in anonymous.headers["Location"]
    assert f"#{job_id}" not in site.client("other_judge").get("/giam-khao/viec/").get_data(
        as_text=True
    )
    everyone = site.client("organizer").get("/giam-khao/viec/").get_data(as_text=True)
    assert f"#{job_id}" in everyone and "Người yêu cầu" in everyone
    assert fetched(judge, paths[2]).status_code == 200

    with site.app.app_context():
        events = db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "export_downloaded")
        ).scalars()
        downloads = [(e.actor_id, e.object_id, e.details) for e in events]
    # The province and everything below it: all 6 rows (3 each); audited at each download
    # (the organizer's and the judge's), not when the job was made.
    details = {
        "kind": "ranking",
        "rows": 6,
        "copy": "judges",
        "filters": {"agency_id": site.agency_ids[0]},
        "job": job_id,
    }
    assert downloads == [
        (site.user_ids["organizer"], site.round_id, details),
        (site.user_ids["judge"], site.round_id, details),
    ]


def test_the_queue_answers(queued):
    assert queued.queue.answers() == 0
    queued.fill(6)
    job_id_of(queued.client("judge").get(queued.export_url()))
    assert queued.queue.answers() == 1


def test_the_lease_is_renewed_while_the_export_runs(site, monkeypatch):
    """A 1 s lease and an export of about 2 s: the worker's heartbeat keeps the lease ahead of
    the clock all along, so no sweep could take the job from a live worker."""
    site.app.config.update(JOBS_LEASE_SECONDS=1, JOBS_SLOW_EXPORT_SECONDS=0.5)
    site.fill(8)
    monkeypatch.setattr(round_exports, "PROGRESS_ROWS", 2)
    leases = []
    real = service.report_rows

    def watched(engine, job_id, token, rows):
        real(engine, job_id, token, rows)
        with engine.connect() as connection:
            leases.append(
                (
                    utcnow(),
                    connection.execute(select(Job.lease_until).where(Job.id == job_id)).scalar(),
                )
            )

    monkeypatch.setattr(service, "report_rows", watched)
    job_id = job_id_of(site.client("judge").get(site.export_url()))
    assert site.job(job_id).status == "done" and len(leases) == 4
    assert all(until > now for now, until in leases)
    # Renewed, not only set at the start: the last lease ends well after the first.
    assert leases[-1][1] - leases[0][1] >= timedelta(seconds=1)
