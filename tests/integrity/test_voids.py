"""Voided entries are ranked nowhere: a round ranked by hand, with a tie, where voiding the
winner moves the others up and changes the prizes; restoring puts it back. Voids survive the
freeze and the counted attempt chosen again; the entries export marks them, the ranking export
leaves them out; the first publication after a void needs a reason."""

import io
from datetime import timedelta

import openpyxl
import pytest
from sqlalchemy import select

from contest.audit.service import Actor
from contest.domain.clock import utcnow
from contest.extensions import db
from contest.integrity import service as integrity
from contest.models import AuditEvent, Round, RoundEntry, User
from contest.results import round_stats
from contest.results import service as results
from contest.results.contest_prizes import decide
from contest.results.exports.round_exports import HEADER_ROW, export_round
from contest.results.ranking import Scope, iter_ranking, participant_rank
from tests.factories import make_agency, make_contest, make_entry, make_round, make_user

GRACE = timedelta(seconds=10)
ONE_EACH = {"nhat": 1, "nhi": 1, "ba": 1, "kk": 0}
JUDGE = Actor(user_id=None, address="127.0.0.1")


def closed_round(contest=None, **settings) -> Round:
    now = utcnow()
    settings.setdefault("prize_counts", ONE_EACH)
    return make_round(
        contest,
        opens_at=now - timedelta(days=8),
        closes_at=now - timedelta(days=1),
        attempts_allowed=3,
        **settings,
    )


def ranked_round(app) -> tuple[int, dict[str, int]]:
    """A 20, B 19, C 19 (a full tie with B), D 18, E 17: ranks 1, 2, 2, 4, 5; one prize of
    each level gives Nhất A, Nhì B and C (tied), and no Ba (the tie took the third place)."""
    with app.app_context():
        round_ = closed_round()
        ids = {}
        for i, (name, correct) in enumerate(zip("ABCDE", (20, 19, 19, 18, 17), strict=True)):
            user = make_user(phone=f"091800000{i}", full_name=f"Người {name}")
            make_entry(round_, user, correct, seconds=300)
            ids[name] = user.id
        return round_.id, ids


def ranks(round_id: int, ids: dict[str, int]) -> list[tuple[int, str]]:
    names = {v: k for k, v in ids.items()}
    round_ = db.session.get(Round, round_id)
    return [(row.rank, names[row.user_id]) for row in iter_ranking(Scope(round_))]


def prizes(round_id: int, ids: dict[str, int]) -> dict[str, str]:
    names = {v: k for k, v in ids.items()}
    round_ = db.session.get(Round, round_id)
    return {names[u]: level for u, level in results.compute_prizes(round_).items()}


def entry(round_id: int, user_id: int) -> RoundEntry:
    return db.session.execute(
        select(RoundEntry).where(RoundEntry.round_id == round_id, RoundEntry.user_id == user_id)
    ).scalar_one()


def events(action: str) -> list[AuditEvent]:
    return list(db.session.execute(select(AuditEvent).where(AuditEvent.action == action)).scalars())


def test_voiding_the_winner_moves_the_others_up_and_restoring_puts_it_back(app):
    round_id, ids = ranked_round(app)
    with app.app_context():
        assert ranks(round_id, ids) == [(1, "A"), (2, "B"), (2, "C"), (4, "D"), (5, "E")]
        assert prizes(round_id, ids) == {"A": "nhat", "B": "nhi", "C": "nhi"}

        integrity.void_entry(round_id, ids["A"], "  Trùng tài khoản  với người B ", JUDGE)
        # B and C tie for first: both Nhất, two places taken; D is third: Ba.
        assert ranks(round_id, ids) == [(1, "B"), (1, "C"), (3, "D"), (4, "E")]
        assert prizes(round_id, ids) == {"B": "nhat", "C": "nhat", "D": "ba"}
        round_ = db.session.get(Round, round_id)
        assert participant_rank(round_, ids["A"]) is None
        assert participant_rank(round_, ids["D"]) == (3, 3, 4)
        assert sum(round_stats.score_bands(round_).values()) == 4
        voided = entry(round_id, ids["A"])
        assert voided.void_reason == "Trùng tài khoản với người B"
        assert voided.voided_at is not None
        [event] = events("entry_voided")
        assert (event.object_type, event.object_id) == ("round_entry", voided.id)
        assert event.details == {
            "round": round_id,
            "user": ids["A"],
            "reason": "Trùng tài khoản với người B",
        }
        assert event.address == "127.0.0.1"

        integrity.restore_entry(round_id, ids["A"], JUDGE)
        assert ranks(round_id, ids) == [(1, "A"), (2, "B"), (2, "C"), (4, "D"), (5, "E")]
        assert prizes(round_id, ids) == {"A": "nhat", "B": "nhi", "C": "nhi"}
        restored = entry(round_id, ids["A"])
        assert (restored.voided_at, restored.void_reason, restored.voided_by_id) == (None,) * 3
        [event] = events("entry_restored")
        assert event.details["round"] == round_id and event.details["user"] == ids["A"]


def test_voided_entries_count_in_no_agency_table_and_no_contest_prize(app):
    with app.app_context():
        agency = make_agency()
        round_ = closed_round()
        a = make_user(phone="0918000001", full_name="Người A", agency_id=agency.id)
        b = make_user(phone="0918000002", full_name="Người B", agency_id=agency.id)
        make_entry(round_, a, 20)
        make_entry(round_, b, 10)
        integrity.void_entry(round_.id, a.id, "Gian lận", JUDGE)
        figures = round_stats.agency_figures(round_)[agency.id]
        assert (figures.participants, figures.perfect, figures.score_sum) == (1, 0, 10)
        [decision] = decide(round_.contest_id)
        assert decision.settled == {b.id: "nhat"}


def test_void_person_voids_every_entry_of_the_person(app):
    with app.app_context():
        contest = make_contest()
        first, second = closed_round(contest), closed_round(contest, title="Tuần thi thứ hai")
        a = make_user(phone="0918000001", full_name="Người A")
        b = make_user(phone="0918000002", full_name="Người B")
        for round_ in (first, second):
            make_entry(round_, a, 20)
            make_entry(round_, b, 10)
        assert integrity.void_person(a.id, "Tài khoản thứ hai của người B", JUDGE) == 2
        assert entry(first.id, a.id).voided_at and entry(second.id, a.id).voided_at
        assert entry(first.id, b.id).voided_at is None
        assert [row.user_id for row in iter_ranking(Scope(second))] == [b.id]
        voided = events("entry_voided")
        assert sorted(e.details["round"] for e in voided) == sorted([first.id, second.id])
        # Nothing left to void: refused, and nothing more is written.
        with pytest.raises(integrity.IntegrityRefused) as refusal:
            integrity.void_person(a.id, "Lần nữa", JUDGE)
        assert refusal.value.status == 409
        assert len(events("entry_voided")) == 2


def test_a_void_survives_a_new_attempt_the_freeze_and_the_counted_attempt_chosen_again(app):
    """A's second attempt predicted the actual exactly: the freeze chooses it again, the entry
    is updated in place and stays voided."""
    with app.app_context():
        round_ = closed_round(prediction_enabled=True, prediction_prompt="Bao nhiêu người?")
        a = make_user(phone="0918000001", full_name="Người A")
        b = make_user(phone="0918000002", full_name="Người B")
        c = make_user(phone="0918000003", full_name="Người C")
        make_entry(round_, a, 9, prediction=500, seconds=200, number=1)
        integrity.void_entry(round_.id, a.id, "Gian lận", JUDGE)
        make_entry(round_, a, 9, prediction=2, seconds=400, minute=30, number=2)
        make_entry(round_, b, 9, prediction=4, seconds=300)
        make_entry(round_, c, 7, prediction=2, seconds=100)
        assert entry(round_.id, a.id).voided_at is not None
        # The actual is the number of participants: the voided one is not counted.
        assert results.freeze_actual(round_, utcnow(), GRACE) == 2
        after = entry(round_.id, a.id)
        assert (after.attempts_count, after.prediction, after.prediction_error) == (2, 2, 0)
        assert after.voided_at is not None and after.void_reason == "Gian lận"
        assert [row.user_id for row in iter_ranking(Scope(round_))] == [b.id, c.id]


def export(round_id: int, kind: str, **options):
    out = io.BytesIO()
    options.setdefault("for_judges", True)
    export_round(db.session.get(Round, round_id), kind, out, **options)
    out.seek(0)
    sheet = openpyxl.load_workbook(out).active
    headers = [cell.value for cell in sheet[HEADER_ROW]]
    rows = list(sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    return [dict(zip(headers, row, strict=True)) for row in rows]


def test_the_entries_export_marks_the_void_and_the_ranking_export_omits_it(app):
    round_id, ids = ranked_round(app)
    with app.app_context():
        integrity.void_entry(round_id, ids["A"], "Trùng tài khoản", JUDGE)
        entries = {row["Mã người dự thi"]: row for row in export(round_id, "entries")}
        assert len(entries) == 5
        assert entries[ids["A"]]["Đã huỷ kết quả"] == "Có"
        assert entries[ids["A"]]["Lý do huỷ kết quả"] == "Trùng tài khoản"
        assert entries[ids["B"]]["Đã huỷ kết quả"] == "Không"
        assert entries[ids["B"]]["Lý do huỷ kết quả"] is None
        public = {r["Mã người dự thi"]: r for r in export(round_id, "entries", for_judges=False)}
        assert public[ids["A"]]["Đã huỷ kết quả"] == "Có"
        assert public[ids["A"]]["Lý do huỷ kết quả"] is None
        ranking = export(round_id, "ranking")
        assert [(r["Hạng"], r["Mã người dự thi"]) for r in ranking] == [
            (1, ids["B"]),
            (1, ids["C"]),
            (3, ids["D"]),
            (4, ids["E"]),
        ]
        winners = {r["Mã người dự thi"]: r["Giải"] for r in export(round_id, "prizes")}
        assert ids["A"] not in winners and set(winners) == {ids["B"], ids["C"], ids["D"]}


def test_publishing_after_a_void_needs_a_reason_even_the_first_time(app):
    round_id, ids = ranked_round(app)
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        results.mark_reviewed(round_)
        integrity.void_entry(round_id, ids["A"], "Trùng tài khoản", JUDGE)
        with pytest.raises(results.ResultsRefused, match="huỷ kết quả.*lý do"):
            results.publish(round_, utcnow(), GRACE, None, "  ")
        publication = results.publish(round_, utcnow(), GRACE, None, "Huỷ bài thi trùng")
        assert publication.entry_count == 4
        assert publication.reason == "Huỷ bài thi trùng"
        assert results.verify(publication)
        published = export(round_id, "ranking")
        assert ids["A"] not in {r["Mã người dự thi"] for r in published}
        # Restored afterwards: republishing needs a reason, as every second publication does.
        integrity.restore_entry(round_id, ids["A"], JUDGE)
        with pytest.raises(results.ResultsRefused, match="lý do"):
            results.publish(round_, utcnow(), GRACE, None, None)
        again = results.publish(round_, utcnow(), GRACE, None, "Khôi phục bài thi")
        assert again.entry_count == 5


def test_without_a_void_the_first_publication_needs_no_reason(app):
    round_id, _ids = ranked_round(app)
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        results.mark_reviewed(round_)
        assert results.publish(round_, utcnow(), GRACE, None, None).version == 1


def test_refusals(app):
    round_id, ids = ranked_round(app)
    with app.app_context():
        for reason in (None, "", "   ", "x" * 501):
            with pytest.raises(integrity.IntegrityRefused) as refusal:
                integrity.void_entry(round_id, ids["A"], reason, JUDGE)
            assert refusal.value.status == 400
            assert "lý do huỷ kết quả" in refusal.value.message.lower()
        with pytest.raises(integrity.IntegrityRefused) as refusal:
            integrity.void_entry(round_id, 2**31 - 1, "Trùng", JUDGE)
        assert refusal.value.status == 404
        with pytest.raises(integrity.IntegrityRefused) as refusal:
            integrity.restore_entry(round_id, ids["A"], JUDGE)
        assert refusal.value.status == 409
        integrity.void_entry(round_id, ids["A"], "x" * 500, JUDGE)
        with pytest.raises(integrity.IntegrityRefused) as refusal:
            integrity.void_entry(round_id, ids["A"], "Lần nữa", JUDGE)
        assert refusal.value.status == 409
        assert len(events("entry_voided")) == 1
        assert db.session.get(User, ids["A"]) is not None


def test_a_practice_round_is_ranked_nowhere(app):
    with app.app_context():
        contest = make_contest()
        practice = closed_round(contest, is_practice=True, title="Thi thử")
        real = closed_round(contest, title="Tuần thi thứ nhất")
        a = make_user(phone="0918000001", full_name="Người A")
        make_entry(practice, a, 20)
        make_entry(real, a, 10)
        assert list(iter_ranking(Scope(practice))) == []
        assert results.compute_prizes(practice) == {}
        assert participant_rank(practice, a.id) is None
        assert sum(round_stats.score_bands(practice).values()) == 0
        assert [d.round.id for d in decide(contest.id)] == [real.id]
        assert export(practice.id, "ranking") == []
