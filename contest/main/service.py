"""What the public pages need that is not a feature's own: the database's health."""

from sqlalchemy import select

from contest.extensions import db


def database_answers() -> None:
    """Run the cheapest statement there is; raises when the database cannot be reached."""
    db.session.execute(select(1))
