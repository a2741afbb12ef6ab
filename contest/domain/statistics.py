"""Plain statistics for results pages and exports: score bands, agency roll-ups and rankings."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

BANDS = ("all", "high", "middle", "low", "none")
BAND_LABELS = {
    "all": "Đúng tất cả",
    "high": "Từ 75% trở lên",
    "middle": "Từ 25% đến dưới 75%",
    "low": "Dưới 25%",
    "none": "Không câu nào đúng",
}


def score_band(correct: int, total: int) -> str:
    if total > 0 and correct >= total:
        return "all"
    if correct <= 0:
        return "none"
    if correct * 4 >= total * 3:
        return "high"
    if correct * 4 >= total:
        return "middle"
    return "low"


@dataclass
class AgencyFigures:
    """Counts for one agency; after `roll_up`, including every agency below it."""

    participants: int = 0
    entries: int = 0
    perfect: int = 0
    score_sum: int = 0
    headcount: int = 0

    def add(self, other: "AgencyFigures") -> None:
        self.participants += other.participants
        self.entries += other.entries
        self.perfect += other.perfect
        self.score_sum += other.score_sum
        self.headcount += other.headcount

    @property
    def participation_rate(self) -> float | None:
        """Participants ÷ headcount, as a fraction; None without a headcount."""
        return self.participants / self.headcount if self.headcount else None

    @property
    def average_score(self) -> float | None:
        return self.score_sum / self.participants if self.participants else None


@dataclass
class AgencyNode:
    agency_id: int
    parent_id: int | None
    own: AgencyFigures = field(default_factory=AgencyFigures)


def roll_up(nodes: Iterable[AgencyNode]) -> dict[int, AgencyFigures]:
    """Totals per agency including all its descendants (a district counts its communes)."""
    nodes = list(nodes)
    parent = {n.agency_id: n.parent_id for n in nodes}
    totals = {n.agency_id: AgencyFigures() for n in nodes}
    for node in nodes:
        seen = set()
        current: int | None = node.agency_id
        while current is not None and current in totals and current not in seen:
            seen.add(current)  # a cycle in bad data must not loop forever
            totals[current].add(node.own)
            current = parent.get(current)
    return totals


COLLECTIVE_MEASURES = {
    "participants": "Số người tham gia",
    "participation_rate": "Tỷ lệ tham gia (người tham gia ÷ biên chế)",
    "average_score": "Điểm trung bình",
}


def rank_agencies(
    figures: Mapping[int, AgencyFigures], measure: str
) -> list[tuple[int, int, float]]:
    """(rank, agency_id, value) best first; agencies without a value are left out; ties share."""
    values = []
    for agency_id, fig in figures.items():
        value = {
            "participants": fig.participants,
            "participation_rate": fig.participation_rate,
            "average_score": fig.average_score,
        }[measure]
        if value is not None:
            values.append((agency_id, value))
    values.sort(key=lambda item: (-item[1], item[0]))
    ranked, last, rank = [], None, 0
    for position, (agency_id, value) in enumerate(values, start=1):
        if value != last:
            rank, last = position, value
        ranked.append((rank, agency_id, value))
    return ranked
