"""The round form's practice checkbox («Vòng thi thử»): posted, the round is stored as practice."""

import re

from sqlalchemy import select

from contest.extensions import db
from contest.models import Round
from tests.factories import csrf_token
from tests.setup.test_round_settings import FORM, organizer


def stored_rounds(app) -> dict[str, bool]:
    with app.app_context():
        rows = db.session.execute(select(Round.title, Round.is_practice)).all()
        return {title: bool(practice) for title, practice in rows}


def test_the_practice_checkbox_is_stored_on_new_and_edited_rounds(app):
    client, contest_id = organizer(app)
    token = csrf_token(client)
    new_round = f"/to-chuc/cuoc-thi/{contest_id}/vong-moi"
    practice = {**FORM, "csrf_token": token, "title": "Thi thử làm quen", "is_practice": "y"}
    ranked = {**FORM, "csrf_token": token, "title": "Tuần thi chính thức"}  # box left unticked
    assert client.post(new_round, data=practice).status_code == 302
    assert client.post(new_round, data=ranked).status_code == 302
    assert stored_rounds(app) == {"Thi thử làm quen": True, "Tuần thi chính thức": False}
    with app.app_context():
        ids = dict(db.session.execute(select(Round.title, Round.id)).all())

    # Editing swaps them: the ticked box makes a round practice, an unticked one ranks it again.
    swapped_off = {name: value for name, value in practice.items() if name != "is_practice"}
    assert (
        client.post(f"/to-chuc/vong/{ids['Thi thử làm quen']}/sua", data=swapped_off).status_code
        == 302
    )
    swapped_on = {**ranked, "is_practice": "y"}
    assert (
        client.post(f"/to-chuc/vong/{ids['Tuần thi chính thức']}/sua", data=swapped_on).status_code
        == 302
    )
    assert stored_rounds(app) == {"Thi thử làm quen": False, "Tuần thi chính thức": True}
    # The organizers' edit page shows the stored state as the box, ticked or not.
    for title, ticked in (("Tuần thi chính thức", True), ("Thi thử làm quen", False)):
        page = client.get(f"/to-chuc/vong/{ids[title]}/sua").get_data(as_text=True)
        box = re.search(r"<input[^>]*name=\"is_practice\"[^>]*>", page).group(0)
        assert ("checked" in box) is ticked
