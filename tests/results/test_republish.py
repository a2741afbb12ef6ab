"""Publishing again: the judge first sees whose rank or prize would change."""

from contest.extensions import db
from contest.models import Round
from contest.results import republish
from tests.factories import login, make_entry, make_user
from tests.results import test_exports
from tests.results.test_seal import publish

closed_round = test_exports.closed_round


def test_changes_before_republishing(app, client, closed_round):
    # In the fixture's app context, the one requests use too.
    publication = publish(closed_round)
    round_ = db.session.get(Round, closed_round)
    people = test_exports.people()
    assert republish.preview(round_, publication).total == 0
    # An's second attempt is faster than Dung's: An 2 → 1, Dung 1 → 2; prizes stay (Dung is
    # not eligible, An keeps Giải Nhất).
    make_entry(round_, people["An"], 20, 8, 50, 40, number=2)
    preview = republish.preview(round_, publication)
    assert preview.total == 2
    assert [(c.full_name, c.rank_before, c.rank_after, c.prize_before, c.prize_after)
            for c in preview.changes] == [
        ("An", 2, 1, "nhat", "nhat"),
        ("Dung", 1, 2, None, None),
    ]  # fmt: skip
    assert republish.preview(round_, publication, shown=1).changes[0].full_name == "An"
    organizer = make_user(phone="0916000001", role="organizer")
    login(client, organizer)
    html = client.get(f"/giam-khao/vong/{closed_round}/cong-bo-lai").get_data(as_text=True)
    assert "<strong>2</strong> người sẽ đổi hạng" in html
    assert "<td>An</td><td>UBND xã B</td>" in html and 'name="reason" required' in html
    ranking = client.get(f"/giam-khao/vong/{closed_round}").get_data(as_text=True)
    assert "/cong-bo-lai" in ranking
