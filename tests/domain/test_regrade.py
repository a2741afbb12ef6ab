"""Carrying a corrected key to an attempt's shuffled options."""

from contest.domain.regrade import shown_key

OPTIONS = ["Một ngày", "Hai ngày", "Ba ngày", "Năm ngày"]


def test_the_key_follows_the_shuffle():
    # Shown: Ba, Một, Năm, Hai (stored 2, 0, 3, 1); the key corrected from Hai (1) to Ba (2).
    shown = ["Ba ngày", "Một ngày", "Năm ngày", "Hai ngày"]
    assert shown_key(shown, [2, 0, 3, 1], OPTIONS, [2]) == [0]
    assert shown_key(shown, [2, 0, 3, 1], OPTIONS, [1, 3]) == [2, 3]
    assert shown_key(OPTIONS, [0, 1, 2, 3], OPTIONS, []) == []


def test_other_options_shown_cannot_be_regraded():
    assert shown_key(["Ba ngày", "Một ngày"], [2, 0], OPTIONS, [2]) is None
    changed = ["Một ngày làm việc", "Hai ngày", "Ba ngày", "Năm ngày"]
    assert shown_key(OPTIONS, [0, 1, 2, 3], changed, [2]) is None
    assert shown_key(OPTIONS, [0, 1, 2, 2], OPTIONS, [2]) is None  # a broken order


def test_decomposed_text_is_the_same_option():
    import unicodedata

    nfd = [unicodedata.normalize("NFD", text) for text in OPTIONS]
    assert shown_key(nfd, [0, 1, 2, 3], OPTIONS, [3]) == [3]
