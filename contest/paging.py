"""One page of a long list, as plain data: what the page links need, without a query object.

`iter_pages` numbers the links as Flask-SQLAlchemy's pagination does (edges, the pages around
the current one, None for a gap), so templates written for it keep working.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

# Beyond any real list; a larger page number typed in a URL would overflow OFFSET.
MAX_PAGE = 1_000_000


def clamp_page(page: int | None) -> int:
    """A page number from a URL as one that can be asked for: 1 to MAX_PAGE."""
    return min(max(page or 1, 1), MAX_PAGE)


@dataclass(frozen=True)
class Page:
    items: Sequence[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return -(-self.total // self.per_page) if self.total else 0

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None

    def iter_pages(
        self,
        *,
        left_edge: int = 2,
        left_current: int = 2,
        right_current: int = 4,
        right_edge: int = 2,
    ) -> Iterator[int | None]:
        end = self.pages + 1
        left_end = min(1 + left_edge, end)
        yield from range(1, left_end)
        if left_end >= end:
            return
        middle_start = max(left_end, self.page - left_current)
        middle_end = min(self.page + right_current + 1, end)
        if middle_start > left_end:
            yield None
        yield from range(middle_start, middle_end)
        if middle_end >= end:
            return
        right_start = max(middle_end, end - right_edge)
        if right_start > middle_end:
            yield None
        yield from range(right_start, end)
