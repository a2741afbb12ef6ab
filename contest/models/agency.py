"""Agencies (cơ quan, đơn vị): departments, district and commune People's Committees."""

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contest.extensions import db


class Agency(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    kind: Mapped[str | None] = mapped_column(String(80))
    # Staff headcount (biên chế): the denominator of the participation rate.
    headcount: Mapped[int | None]

    parent: Mapped["Agency | None"] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<Agency {self.code}>"
