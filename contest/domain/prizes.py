"""Individual prizes from a ranking.

Rule (shown to judges with the prize list): walking a group's ranking best first, participants
marked ineligible (organizing board, question drafters, judges, secretariat) are skipped, and so,
unless the contest allows several prizes per person, is anyone who already holds an equal or
higher prize from an earlier round. The remaining participants are ranked again among
themselves (ties share a rank) and a participant whose rank is within the first N1 places gets
giải Nhất, within N1+N2 giải Nhì, and so on; so entries tied at a boundary get the same, higher
prize. A person who wins a higher prize than in an earlier round keeps only the higher one.
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


def level_order(level: str) -> int:
    return LEVELS.index(level)


def award(
    ranking: Sequence[Contender],
    counts: Mapping[str, int],
    earlier_prizes: Mapping[int, str] | None = None,
    several_per_person: bool = False,
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
        if not contender.eligible:
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
