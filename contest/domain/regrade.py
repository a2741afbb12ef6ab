"""Regrading after a complaint: a question's key corrected in the bank, carried to the attempts
that drew it.

An attempt keeps the options as it showed them (`shown`, in the shuffled order) and which
stored option each one was (`option_order`). A corrected key is a set of stored positions; in
an attempt it becomes the shown positions of those options. When the options shown are no
longer the question's options (the wording of an option changed too), the new key cannot be
carried over safely, and the item is left for the judges to decide by hand.
"""

from collections.abc import Sequence
from unicodedata import normalize


def shown_key(
    shown: Sequence[str],
    option_order: Sequence[int],
    options: Sequence[str],
    correct: Sequence[int],
) -> list[int] | None:
    """The right options of one attempt's item under the corrected key (`options`, `correct`:
    the question now), as shown positions; None when the item showed other options."""
    if len(shown) != len(option_order) or sorted(option_order) != list(range(len(options))):
        return None
    same = all(
        normalize("NFC", shown[position]) == normalize("NFC", options[stored])
        for position, stored in enumerate(option_order)
    )
    if not same:
        return None
    right = set(correct)
    return [position for position, stored in enumerate(option_order) if stored in right]
