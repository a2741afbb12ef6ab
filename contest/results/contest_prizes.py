"""The contest's own prize decision when each person may win only once: settled over every
round of the contest (contest.domain.prizes.settle_one_prize_per_person), beside what each
round would give on its own, so that judges can show who gave up which prize and to whom it
passed."""

from dataclasses import dataclass

from sqlalchemy import select

from contest.domain import prizes as prize_rules
from contest.extensions import db
from contest.models import Agency, Contest, Round, RoundEntry, User
from contest.results.ranking import ranked_entries
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


def groups_of(round_: Round) -> list[str]:
    """The groups with ranked entries (none in a practice round, voided entries left out)."""
    return sorted(
        db.session.execute(
            select(RoundEntry.participant_group).where(*ranked_entries(round_)).distinct()
        ).scalars()
    )


def standing(round_: Round, reach: int) -> prize_rules.RoundStanding:
    rankings, counts = {}, {}
    for group in groups_of(round_):
        counts[group] = round_.prize_counts_for(group)
        needed = sum(counts[group].values())
        rankings[group] = prize_contenders(round_, group, needed * 4 + reach + MARGIN)
    return prize_rules.RoundStanding(
        round_.number, rankings, counts, round_.minimum_correct_for_prize
    )


def decide(contest_id: int) -> list[RoundDecision]:
    """Every round of the contest with entries, its settled prizes and its prizes alone."""
    contest = db.session.get(Contest, contest_id)
    rounds = [r for r in contest.rounds if groups_of(r)]
    # Everyone who could be left out of a round wins somewhere: read that many lines further.
    reach = sum(sum(r.prize_counts_for(g).values()) for r in rounds for g in groups_of(r))
    standings = {r.number: standing(r, reach) for r in rounds}
    if contest.several_prizes_per_person:
        settled = {n: prize_rules.round_prizes(s, set()) for n, s in standings.items()}
    else:
        settled = prize_rules.settle_one_prize_per_person(list(standings.values()))
    return [
        RoundDecision(r, settled[r.number], prize_rules.round_prizes(standings[r.number], set()))
        for r in rounds
    ]


@dataclass(frozen=True)
class PrizeLine:
    """One line of the contest's prize decision as judges read it."""

    level: str
    group: str
    user_id: int
    full_name: str
    agency_name: str | None
    correct_count: int
    question_count: int
    # For a prize given up: the round where its winner keeps a prize instead.
    kept_in: str | None = None


def decision_lines(contest_id: int) -> list[tuple[Round, list[PrizeLine], list[PrizeLine]]]:
    """Per round: the settled prizes and the prizes given up, best level first, with each
    winner's name, agency and score in that round."""
    decisions = decide(contest_id)
    kept_round = {u: d.round.title for d in decisions for u in d.settled}
    out = []
    for decision in decisions:
        people = entry_people(decision.round.id, {*decision.settled, *decision.alone})
        settled = sorted(
            (prize_line(people, u, level) for u, level in decision.settled.items()), key=line_order
        )
        given_up = sorted(
            (prize_line(people, u, lvl, kept_round.get(u)) for u, lvl in decision.given_up.items()),
            key=line_order,
        )
        out.append((decision.round, settled, given_up))
    return out


def prize_line(people: dict, user_id: int, level: str, kept_in: str | None = None) -> PrizeLine:
    group, name, agency, correct, total = people[user_id]
    return PrizeLine(level, group, user_id, name, agency, correct, total, kept_in)


def line_order(line: PrizeLine) -> tuple:
    return (prize_rules.level_order(line.level), line.group, line.full_name)


def entry_people(round_id: int, user_ids: set[int]) -> dict[int, tuple]:
    """user_id -> (group, name, agency name, correct, questions) of their entry in the round."""
    if not user_ids:
        return {}
    rows = db.session.execute(
        select(
            RoundEntry.user_id,
            RoundEntry.participant_group,
            User.full_name,
            Agency.name,
            RoundEntry.correct_count,
            RoundEntry.question_count,
        )
        .join(User, User.id == RoundEntry.user_id)
        .outerjoin(Agency, Agency.id == RoundEntry.agency_id)
        .where(RoundEntry.round_id == round_id, RoundEntry.user_id.in_(user_ids))
    )
    return {row[0]: tuple(row[1:]) for row in rows}
