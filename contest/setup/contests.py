"""The contest-wide prize settings, and the bank's and agency list's sizes."""

from sqlalchemy import func, select

from contest.extensions import db
from contest.models import Agency, Contest, Question


def save_prize_settings(
    contest_id: int, several_prizes_per_person: bool, collective_measure
) -> None:
    """How the whole contest awards prizes: one prize per person or several, and what the
    collective prize measures. Commits."""
    contest = db.session.get(Contest, contest_id)
    contest.several_prizes_per_person = several_prizes_per_person
    contest.collective_measure = collective_measure
    db.session.commit()


def bank_and_agency_sizes() -> tuple[int, int]:
    """Active questions in the bank and agencies in the list, for the organizers' dashboard."""
    questions = db.session.execute(
        select(func.count()).select_from(Question).where(Question.active.is_(True))
    ).scalar_one()
    agencies = db.session.execute(select(func.count()).select_from(Agency)).scalar_one()
    return questions, agencies
