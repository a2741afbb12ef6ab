"""Page links, numbered as Flask-SQLAlchemy's pagination numbers them."""

from contest.paging import MAX_PAGE, Page, clamp_page


def links(page: int, pages: int) -> list[int | None]:
    return list(
        Page([], page, 10, pages * 10).iter_pages(
            left_edge=1, left_current=2, right_current=2, right_edge=1
        )
    )


def test_few_pages_are_all_listed():
    assert links(1, 1) == [1]
    assert links(2, 5) == [1, 2, 3, 4, 5]
    assert list(Page([], 1, 10, 0).iter_pages()) == []


def test_many_pages_show_the_edges_and_the_pages_around_the_current_one():
    assert links(1, 20) == [1, 2, 3, None, 20]
    assert links(10, 20) == [1, None, 8, 9, 10, 11, 12, None, 20]
    assert links(20, 20) == [1, None, 18, 19, 20]
    assert links(4, 20) == [1, 2, 3, 4, 5, 6, None, 20]


def test_neighbours_and_counts():
    page = Page(["a"], 3, 50, 101)
    assert (page.pages, page.has_prev, page.prev_num, page.has_next, page.next_num) == (
        3,
        True,
        2,
        False,
        None,
    )


def test_page_numbers_from_urls_are_bounded():
    assert [clamp_page(n) for n in (None, 0, -5, 7, 10**30)] == [1, 1, 1, 7, MAX_PAGE]
