"""The published results page writes times taken as the other participant pages do."""

import re
from datetime import timedelta

from contest.domain.clock import utcnow
from contest.extensions import db
from contest.models import Round
from contest.results import service as results
from tests.factories import make_entry, make_round, make_user

GRACE = timedelta(seconds=10)


def test_published_winners_show_durations_in_words(app):
    with app.app_context():
        now = utcnow()
        round_ = make_round(
            opens_at=now - timedelta(days=8),
            closes_at=now - timedelta(days=1),
            prize_counts={"nhat": 1, "nhi": 1, "ba": 1},
        )
        # name, correct of 20, seconds: ranked by correct answers, then by time taken.
        for i, (name, correct, seconds) in enumerate(
            [("Lan", 20, 15.5), ("Minh", 20, 723), ("Nga", 19, 3725), ("Oanh", 19, 3726)]
        ):
            user = make_user(phone=f"09130000{i:02d}", full_name=name, group="can_bo")
            make_entry(round_, user, correct, seconds=seconds)
        round_id = round_.id
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        results.mark_reviewed(round_)
        results.publish(round_, utcnow(), GRACE, None, None)
    html = app.test_client().get("/ket-qua", follow_redirects=True).get_data(as_text=True)
    rows = {
        re.search(r"<td>(Lan|Minh|Nga|Oanh)</td>", row).group(1): row
        for row in html.split("<tbody>")[1].split("<tr>")
        if re.search(r"<td>(Lan|Minh|Nga|Oanh)</td>", row)
    }
    assert set(rows) == {"Lan", "Minh", "Nga"}  # three prizes; Oanh is 1 s slower than Nga
    assert "<td>15,5 giây</td>" in rows["Lan"]
    assert "<td>12 phút 03 giây</td>" in rows["Minh"]
    assert "<td>1 giờ 02 phút 05 giây</td>" in rows["Nga"]
    assert "phút:giây" not in html and "00:15" not in html
