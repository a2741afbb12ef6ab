"""Before publishing again: the lines whose rank or prize would change, so that the judge sees
what a new publication does before giving its reason."""

from dataclasses import dataclass

from sqlalchemy import select

from contest.extensions import db
from contest.models import ResultPublication, Round, SnapshotRow
from contest.results.ranking import Scope, iter_ranking
from contest.results.service import compute_prizes

SHOWN = 500


@dataclass(frozen=True)
class Change:
    """One person whose published line would change: None where they have no line."""

    user_id: int
    full_name: str | None
    agency_name: str | None
    rank_before: int | None
    rank_after: int | None
    prize_before: str | None
    prize_after: str | None


@dataclass(frozen=True)
class Preview:
    publication: ResultPublication
    changes: list[Change]
    total: int  # every change; `changes` holds the first SHOWN, in the new order


def published_lines(publication: ResultPublication) -> dict[int, tuple]:
    rows = db.session.execute(
        select(
            SnapshotRow.user_id,
            SnapshotRow.rank,
            SnapshotRow.prize,
            SnapshotRow.full_name,
            SnapshotRow.agency_name,
        ).where(SnapshotRow.publication_id == publication.id)
    )
    return {user_id: rest for user_id, *rest in rows}


def preview(round_: Round, publication: ResultPublication, shown: int = SHOWN) -> Preview:
    """Compare the latest publication with the ranking and prizes a publication now would
    freeze (the live ranking: voids, corrected keys and rechosen attempts included)."""
    before = published_lines(publication)
    prizes = compute_prizes(round_)
    changes: list[Change] = []
    total = 0
    for row in iter_ranking(Scope(round_)):
        old = before.pop(row.user_id, None)
        prize = prizes.get(row.user_id)
        if old is not None and (old[0], old[1]) == (row.rank, prize):
            continue
        total += 1
        if len(changes) < shown:
            rank_before, prize_before = (old[0], old[1]) if old else (None, None)
            changes.append(
                Change(
                    row.user_id, row.full_name, row.agency_name, rank_before, row.rank,
                    prize_before, prize,
                )
            )  # fmt: skip
    for user_id, (rank, prize, name, agency) in sorted(before.items(), key=lambda i: i[1][0]):
        total += 1  # published, no longer ranked (voided)
        if len(changes) < shown:
            changes.append(Change(user_id, name, agency, rank, None, prize, None))
    return Preview(publication, changes, total)
