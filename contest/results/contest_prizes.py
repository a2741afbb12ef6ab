"""The contest's own prize decision when each person may win only once: settled over every
round of the contest (contest.domain.prizes.settle_one_prize_per_person), beside what each
round would give on its own, so that judges can show who gave up which prize and to whom it
passed."""

from dataclasses import dataclass

from sqlalchemy import select

from contest.domain import prizes as prize_rules
from contest.extensions import db
from contest.models import Contest, Round, RoundEntry
from contest.results.service import prize_contenders

# Lines read past a group's prize places, per person who may be left out for winning elsewhere.
MARGIN = 50


@dataclass(frozen=True)
class RoundDecision:
    round: Round
    # user_id -> level: the settled prizes, and what the round would give on its own.
    settled: dict[int, str]
    alone: dict[int, str]

    @property
    def given_up(self) -> dict[int, str]:
        """Prizes of the round on its own that their winner keeps elsewhere instead."""
        return {u: level for u, level in self.alone.items() if self.settled.get(u) != level}


def groups_of(round_id: int) -> list[str]:
    return sorted(
        db.session.execute(
            select(RoundEntry.participant_group).where(RoundEntry.round_id == round_id).distinct()
        ).scalars()
    )


def standing(round_: Round, reach: int) -> prize_rules.RoundStanding:
    rankings, counts = {}, {}
    for group in groups_of(round_.id):
        counts[group] = round_.prize_counts_for(group)
        needed = sum(counts[group].values())
        rankings[group] = prize_contenders(round_, group, needed * 4 + reach + MARGIN)
    return prize_rules.RoundStanding(
        round_.number, rankings, counts, round_.minimum_correct_for_prize
    )


def decide(contest_id: int) -> list[RoundDecision]:
    """Every round of the contest with entries, its settled prizes and its prizes alone."""
    contest = db.session.get(Contest, contest_id)
    rounds = [r for r in contest.rounds if groups_of(r.id)]
    # Everyone who could be left out of a round wins somewhere: read that many lines further.
    reach = sum(sum(r.prize_counts_for(g).values()) for r in rounds for g in groups_of(r.id))
    standings = {r.number: standing(r, reach) for r in rounds}
    if contest.several_prizes_per_person:
        settled = {n: prize_rules.round_prizes(s, set()) for n, s in standings.items()}
    else:
        settled = prize_rules.settle_one_prize_per_person(list(standings.values()))
    return [
        RoundDecision(r, settled[r.number], prize_rules.round_prizes(standings[r.number], set()))
        for r in rounds
    ]
