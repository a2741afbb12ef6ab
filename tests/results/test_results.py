"""Rankings, prizes and publication on rounds whose expected results were computed by hand."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from contest.domain.clock import utcnow
from contest.extensions import db
from contest.models import Round, RoundEntry, SnapshotRow, User
from contest.results import service as results
from contest.results.ranking import Scope, iter_ranking, participant_rank, ranking_page
from tests.factories import make_agency, make_entry, make_round, make_user

GRACE = timedelta(seconds=10)


@pytest.fixture
def closed_round(app):
    """A closed round of 20 questions; prediction = number of participants (8)."""
    with app.app_context():
        now = utcnow()
        round_ = make_round(
            opens_at=now - timedelta(days=8),
            closes_at=now - timedelta(days=1),
            prediction_enabled=True,
            prediction_prompt="Bao nhiêu người?",
            prize_counts={"nhat": 1, "nhi": 1, "ba": 1, "kk": 1},
        )
        district = make_agency("HUYEN", "UBND huyện A")
        commune = make_agency("XA", "UBND xã B", parent=district)
        people = {}
        specs = [
            # name, group, agency, eligible, correct, prediction, seconds, minute
            ("An", "can_bo", commune, True, 20, 8, 300, 5),  # exact prediction
            ("Bình", "can_bo", district, True, 20, 10, 200, 4),  # error 2, fast
            ("Cường", "can_bo", commune, True, 20, 6, 200, 3),  # error 2, same time, earlier
            ("Dung", "can_bo", district, False, 20, 8, 100, 1),  # best of all but ineligible
            ("Em", "nhan_dan", None, True, 20, None, 50, 0),  # no prediction
            ("Giang", "nhan_dan", None, True, 19, 8, 100, 2),
            ("Hà", "nhan_dan", None, True, 19, 8, 100, 2),  # identical to Giang
            ("Khoa", "can_bo", commune, True, 0, 8, 30, 9),
        ]
        for i, (name, group, agency, eligible, correct, prediction, seconds, minute) in enumerate(
            specs
        ):
            user = make_user(
                phone=f"09120000{i:02d}",
                full_name=name,
                group=group,
                agency_id=agency.id if agency else None,
                prize_eligible=eligible,
            )
            make_entry(round_, user, correct, prediction, seconds, minute)
            people[name] = user.id
        yield round_.id, people


def names(rows, people):
    by_id = {v: k for k, v in people.items()}
    return [(row.rank, by_id[row.user_id]) for row in rows]


def test_live_ranking_before_the_actual_is_frozen_ignores_predictions(app, closed_round):
    round_id, people = closed_round
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        rows = list(iter_ranking(Scope(round_)))
    assert names(rows, people) == [
        (1, "Em"),
        (2, "Dung"),
        (3, "Cường"),
        (4, "Bình"),
        (5, "An"),
        (6, "Giang"),
        (6, "Hà"),
        (8, "Khoa"),
    ]


def test_frozen_ranking_by_hand(app, closed_round):
    round_id, people = closed_round
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        assert results.freeze_actual(round_, utcnow(), GRACE) == 8
        rows = list(iter_ranking(Scope(round_)))
        assert names(rows, people) == [
            (1, "Dung"),
            (2, "An"),
            (3, "Cường"),
            (4, "Bình"),
            (5, "Em"),
            (6, "Giang"),
            (6, "Hà"),
            (8, "Khoa"),
        ]
        assert [r.prediction_error for r in rows] == [0, 0, 2, 2, None, 0, 0, 0]
        group_rows = list(iter_ranking(Scope(round_, "nhan_dan")))
        assert names(group_rows, people) == [(1, "Em"), (2, "Giang"), (2, "Hà")]
        # Freezing again changes nothing.
        assert results.freeze_actual(round_, utcnow(), GRACE) == 8


def test_pages_and_filters_keep_the_ranks_of_the_whole_scope(app, closed_round):
    round_id, people = closed_round
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        results.freeze_actual(round_, utcnow(), GRACE)
        scope = Scope(round_)
        assert names(ranking_page(scope, 0, 3), people) == [(1, "Dung"), (2, "An"), (3, "Cường")]
        assert names(ranking_page(scope, 5, 3), people) == [(6, "Giang"), (6, "Hà"), (8, "Khoa")]
        assert names(ranking_page(scope, 6, 2), people) == [(6, "Hà"), (8, "Khoa")]
        commune = db.session.execute(
            select(RoundEntry.agency_id).where(RoundEntry.user_id == people["An"])
        ).scalar_one()
        assert names(ranking_page(scope, 0, 10, agency_ids=[commune]), people) == [
            (2, "An"),
            (3, "Cường"),
            (8, "Khoa"),
        ]
        assert participant_rank(round_, people["Hà"]) == (6, 2, 3)


def test_prizes_per_group_skip_the_ineligible(app, closed_round):
    round_id, people = closed_round
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        results.freeze_actual(round_, utcnow(), GRACE)
        awarded = results.compute_prizes(round_)
    by_id = {v: k for k, v in people.items()}
    assert {by_id[u]: p for u, p in awarded.items()} == {
        "An": "nhat",
        "Cường": "nhi",
        "Bình": "ba",
        "Khoa": "kk",
        "Em": "nhat",
        "Giang": "nhi",
        "Hà": "nhi",
    }


def test_publication_lifecycle_snapshot_and_digest(app, closed_round):
    round_id, people = closed_round
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        with pytest.raises(results.ResultsRefused):
            results.publish(round_, utcnow(), GRACE, None, None)  # not reviewed yet
        results.mark_reviewed(round_)
        first = results.publish(round_, utcnow(), GRACE, None, None)
        assert (first.version, first.entry_count, first.prediction_actual) == (1, 8, 8)
        assert len(first.sha256) == 64 and results.verify(first)
        snapshot = (
            db.session.execute(
                select(SnapshotRow)
                .where(SnapshotRow.publication_id == first.id)
                .order_by(SnapshotRow.position)
            )
            .scalars()
            .all()
        )
        assert [(r.rank, r.group_rank) for r in snapshot][:5] == [
            (1, 1),
            (2, 2),
            (3, 3),
            (4, 4),
            (5, 1),
        ]
        # Later changes to live data do not touch the published snapshot.
        db.session.execute(db.delete(RoundEntry))
        db.session.commit()
        assert results.verify(first)
        with pytest.raises(results.ResultsRefused):
            results.publish(round_, utcnow(), GRACE, None, "  ")
        second = results.publish(round_, utcnow(), GRACE, None, "Hủy bài thi vi phạm")
        assert (second.version, second.entry_count, second.reason) == (2, 0, "Hủy bài thi vi phạm")
        assert second.sha256 != first.sha256


def test_one_prize_per_person_across_rounds(app, closed_round):
    round_id, people = closed_round
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        results.mark_reviewed(round_)
        results.publish(round_, utcnow(), GRACE, None, None)
        now = utcnow()
        second = make_round(
            round_.contest,
            number=2,
            opens_at=now - timedelta(hours=20),
            closes_at=now - timedelta(hours=1),
            prize_counts={"nhat": 1, "nhi": 0, "ba": 0, "kk": 0},
        )
        # An (Nhất in round 1) is best again: the Nhất of round 2 goes to the next person.
        make_entry(second, db.session.get(User, people["An"]), 20, None, 100, 0)
        make_entry(second, db.session.get(User, people["Khoa"]), 19, None, 100, 0)
        awarded = results.compute_prizes(second)
    assert awarded == {people["Khoa"]: "nhat"}


def test_publishing_before_the_round_closes_is_refused(app):
    with app.app_context():
        round_ = make_round()
        results.mark_reviewed(round_)
        with pytest.raises(results.ResultsRefused):
            results.publish(round_, utcnow(), GRACE, None, None)


def test_public_results_page_lists_published_winners_only(app, closed_round):
    round_id, _people = closed_round
    client = app.test_client()
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        assert "Chưa có tuần thi nào được công bố" in client.get(
            "/ket-qua", follow_redirects=True
        ).get_data(as_text=True)
        results.mark_reviewed(round_)
        publication = results.publish(round_, utcnow(), GRACE, None, None)
        sha = publication.sha256
    html = client.get("/ket-qua", follow_redirects=True).get_data(as_text=True)
    assert sha in html and "Giải Nhất" in html
    body = html.split("<tbody>")[1]
    assert "An" in body and "Dung" not in body  # ineligible: ranked, never a prize


def test_the_snapshot_fields_are_the_snapshot_rows_columns():
    """Method 1 covered every column a snapshot line had then; method 2 covers what the files
    show, which the columns added since hold (and the line's digest and receipt)."""
    from contest.models import SnapshotRow
    from contest.results.service import SNAPSHOT_FIELDS

    stored = {column.name for column in SnapshotRow.__table__.columns} - {"publication_id"}
    frozen = {
        "full_name", "date_of_birth", "phone", "national_id", "prize_eligible", "agency_code",
        "agency_name", "agency_parent_code", "attempt_number", "question_count", "line_digest",
        "receipt",
    }  # fmt: skip
    assert set(SNAPSHOT_FIELDS) == stored - frozen and len(SNAPSHOT_FIELDS) == len(stored - frozen)
