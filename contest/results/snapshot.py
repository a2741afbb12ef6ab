"""A publication's snapshot lines: what they freeze, their digests, their erasure on request and
the look-ups the public check page makes (a seal, a receipt code)."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import aliased

from contest.extensions import db
from contest.models import Agency, ResultPublication, RoundEntry, SnapshotRow, User
from contest.results import seal

# The columns of SnapshotRow that hold a person's data: blanked by an erasure.
PERSONAL_COLUMNS = ("full_name", "date_of_birth", "phone", "national_id")
LOOKUP_LIMIT = 20


@dataclass(frozen=True)
class AgencyFacts:
    code: str
    name: str
    parent_code: str | None


def agency_directory() -> dict[int, AgencyFacts]:
    """Every agency's code, name (cleaned) and parent's code: hundreds of rows, read once per
    publication or export instead of joining them to every line."""
    parent = aliased(Agency)
    rows = db.session.execute(
        select(Agency.id, Agency.code, Agency.name, parent.code).outerjoin(
            parent, parent.id == Agency.parent_id
        )
    )
    return {
        agency_id: AgencyFacts(seal.clean(code) or code, seal.clean(name) or name, parent_code)
        for agency_id, code, name, parent_code in rows
    }


def erased_in_round(round_id: int) -> set[int]:
    """Accounts with an entry in the round whose personal data was erased."""
    return set(
        db.session.execute(
            select(RoundEntry.user_id)
            .join(User, User.id == RoundEntry.user_id)
            .where(RoundEntry.round_id == round_id, User.erased_at.is_not(None))
        ).scalars()
    )


def sealed_lines(header: str, rows: Iterable[dict]) -> Iterator[dict]:
    """Each snapshot line with its digest and receipt code (method 2)."""
    for row in rows:
        digest = seal.line_digest(header, seal.public_values(row))
        row["line_digest"] = digest
        row["receipt"] = seal.receipt(digest)
        yield row


def line_values(row: SnapshotRow) -> dict:
    return {column.key: getattr(row, column.key) for column in SnapshotRow.__table__.columns}


def stored_digests(publication: ResultPublication) -> Iterator[str]:
    """The lines' digests, recomputed from their stored values; an erased line (no name: its
    personal fields are blank) by the digest it kept."""
    rows = db.session.execute(
        select(SnapshotRow)
        .where(SnapshotRow.publication_id == publication.id)
        .order_by(SnapshotRow.position)
        .execution_options(yield_per=5000)
    ).scalars()
    for row in rows:
        if row.full_name is None and row.line_digest:
            yield row.line_digest
        else:
            yield seal.line_digest(publication.seal_header, seal.public_values(line_values(row)))


def erase_person_lines(user_id: int) -> int:
    """Blank a person's data in every published line of theirs (an erasure on request); each
    line keeps its digest, so every seal still verifies. Returns the lines changed; the
    caller commits."""
    result = db.session.execute(
        update(SnapshotRow)
        .where(SnapshotRow.user_id == user_id)
        .values(dict.fromkeys(PERSONAL_COLUMNS))
    )
    return result.rowcount or 0


def publication_by_seal(code: str) -> ResultPublication | None:
    return db.session.execute(
        select(ResultPublication).where(ResultPublication.sha256 == code).limit(1)
    ).scalar_one_or_none()


def lines_by_receipt(code: str) -> list[tuple[SnapshotRow, ResultPublication]]:
    """The published lines whose receipt code is `code` (normally one), newest first."""
    return list(
        db.session.execute(
            select(SnapshotRow, ResultPublication)
            .join(ResultPublication, ResultPublication.id == SnapshotRow.publication_id)
            .where(SnapshotRow.receipt == code)
            .order_by(ResultPublication.published_at.desc())
            .limit(LOOKUP_LIMIT)
        ).all()
    )


def own_line(publication: ResultPublication, user_id: int) -> SnapshotRow | None:
    """A person's line in a publication, for their result page."""
    return db.session.execute(
        select(SnapshotRow).where(
            SnapshotRow.publication_id == publication.id, SnapshotRow.user_id == user_id
        )
    ).scalar_one_or_none()
