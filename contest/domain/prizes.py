"""Individual prizes from a ranking.

Rule (shown to judges with the prize list): walking a group's ranking best first, participants
marked ineligible (organizing board, question drafters, judges, secretariat) are skipped, and so,
unless the contest allows several prizes per person, is anyone who already holds an equal or
higher prize from an earlier round. The remaining participants are ranked again among
themselves (ties share a rank) and a participant whose rank is within the first N1 places gets
giải Nhất, within N1+N2 giải Nhì, and so on; so entries tied at a boundary get the same, higher
prize. A person who wins a higher prize than in an earlier round keeps only the higher one.
Entries below the round's minimum of correct answers win nothing and take no place.

Over a whole contest (`settle_one_prize_per_person`), when a person may win only once, the
final list is settled from the highest prize down; see that function for the rule's words.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

LEVELS = ("nhat", "nhi", "ba", "kk")
LABELS = {"nhat": "Giải Nhất", "nhi": "Giải Nhì", "ba": "Giải Ba", "kk": "Giải Khuyến khích"}
DEFAULT_COUNTS = {"nhat": 1, "nhi": 2, "ba": 3, "kk": 10}


@dataclass(frozen=True)
class Contender:
    user_id: int
    rank: int
    eligible: bool
    correct: int = 0


def level_order(level: str) -> int:
    return LEVELS.index(level)


def award(
    ranking: Sequence[Contender],
    counts: Mapping[str, int],
    earlier_prizes: Mapping[int, str] | None = None,
    several_per_person: bool = False,
    minimum_correct: int = 0,
) -> dict[int, str]:
    """user_id -> prize level for one group's ranking (already in rank order)."""
    earlier = earlier_prizes or {}
    thresholds = []
    total = 0
    for level in LEVELS:
        total += max(0, int(counts.get(level, 0)))
        thresholds.append((total, level))
    if total == 0:
        return {}
    prizes: dict[int, str] = {}
    places = 0  # participants who took a place so far
    prize_rank = 0
    last_rank = None
    for contender in ranking:
        if not contender.eligible or contender.correct < minimum_correct:
            continue
        place = places + 1
        rank = prize_rank if contender.rank == last_rank else place
        level = next((lvl for limit, lvl in thresholds if rank <= limit), None)
        if level is None:
            break
        held = earlier.get(contender.user_id)
        if not several_per_person and held is not None and level_order(held) <= level_order(level):
            continue  # keeps the earlier, equal or higher prize; the place goes to the next
        places, prize_rank, last_rank = place, rank, contender.rank
        prizes[contender.user_id] = level
    return prizes


# The rule as the rules page and the contest's prize decision print it, word for word.
ONE_PRIZE_PER_PERSON_RULE = (
    "Mỗi người chỉ nhận một giải cá nhân trong toàn cuộc thi. Người đạt giải ở nhiều tuần thi "
    "được giữ giải cao nhất (nếu bằng nhau, giữ giải ở tuần thi sớm hơn); giải mà người đó "
    "không nhận ở tuần thi khác được chuyển cho người xếp kế tiếp cùng đối tượng của tuần thi đó."
)


@dataclass(frozen=True)
class RoundStanding:
    """One round's prize inputs: each group's ranking (best first, read far enough past the
    prize places) and counts, and the round's minimum of correct answers."""

    round_number: int
    rankings: Mapping[str, Sequence[Contender]]
    counts: Mapping[str, Mapping[str, int]]
    minimum_correct: int = 0


def round_prizes(standing: RoundStanding, excluded: set[int]) -> dict[int, str]:
    """user_id -> level in one round, every group, leaving out `excluded` people."""
    prizes: dict[int, str] = {}
    for group, ranking in standing.rankings.items():
        remaining = [c for c in ranking if c.user_id not in excluded]
        counts = standing.counts.get(group, {})
        prizes.update(
            award(
                remaining, counts, several_per_person=True, minimum_correct=standing.minimum_correct
            )
        )
    return prizes


def settle_one_prize_per_person(standings: Sequence[RoundStanding]) -> dict[int, dict[int, str]]:
    """round number -> {user_id: level} over a whole contest where each person wins once.

    Settled from the highest prize down: the rounds' prizes are computed; among people not yet
    settled, those holding the highest level found anywhere keep it in the earliest round where
    they hold it and are left out of every other round, whose rankings close up (a prize given
    up passes to the next eligible person of the same group in that round); then again, until
    nobody holds prizes in two rounds. Settled people only move up in their own round, so the
    result does not depend on the order of rounds or groups given.
    """
    home: dict[int, int] = {}  # settled user -> the round where they keep their prize

    def excluded_from(number: int) -> set[int]:
        return {user for user, kept in home.items() if kept != number}

    while True:
        awarded = {
            s.round_number: round_prizes(s, excluded_from(s.round_number)) for s in standings
        }
        open_wins = [
            (level_order(level), number, user)
            for number, prizes in awarded.items()
            for user, level in prizes.items()
            if user not in home
        ]
        if not open_wins:
            return awarded
        best_level = min(order for order, _number, _user in open_wins)
        for order, number, user in sorted(open_wins):
            if order == best_level and user not in home:
                home[user] = number
