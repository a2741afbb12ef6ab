"""The one text writer for every xlsx the application produces: bank exports, templates,
marked-up uploads and the judges' round exports.

A string starting with "=", "+", "-", "@", a tab or a line break could run as a formula in
Excel or LibreOffice (the "CSV injection" family). Such text is written as a string cell
(never a formula: openpyxl would otherwise turn "=…" into one) with Excel's quote prefix set,
so the cell also stays text when someone edits it; its content is unchanged, with no
apostrophe added. Control characters the file format cannot hold are removed, and text is cut
at the 32,767 characters a cell can hold.
"""

from __future__ import annotations

import re

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .text import escape_for_xlsx, strip_invisible

# Characters that make spreadsheet programs read a cell as a formula or a command.
RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
# openpyxl turns these exact strings into error cells (#N/A, …): keep them as text too.
ERROR_LOOKALIKE = "#"
MAX_CELL_TEXT = 32767
# Characters no XML document may hold, which the file writers would pass through.
_NOT_XML_RE = re.compile(r"[\ud800-\udfff\ufffe\uffff]")


def plain_text(value: object) -> str:
    """The text a cell can hold literally, before any ``_xHHHH_`` protection (for writers,
    like xlsxwriter's, that protect those sequences themselves): control characters other
    than tab and line feed, characters XML cannot hold (lone surrogates, U+FFFE, U+FFFF) and
    invisible format characters (bidirectional overrides) removed, line breaks as "\\n", at
    most 32,767 characters."""
    text = value if isinstance(value, str) else str(value)
    if not text.isprintable():
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        text = _NOT_XML_RE.sub("", strip_invisible(ILLEGAL_CHARACTERS_RE.sub("", text)))
    return text[:MAX_CELL_TEXT]


def clean_text(value: object) -> str:
    """`plain_text` with literal `_xHHHH_` sequences protected, for writers that put the text
    in the file as it is (openpyxl, the exports' row writer); at most 32,767 characters."""
    return escape_for_xlsx(plain_text(value))[:MAX_CELL_TEXT]


def needs_guard(text: str) -> bool:
    """True when a spreadsheet program could read the text as something other than text."""
    return text.startswith(RISKY_STARTS) or text.startswith(ERROR_LOOKALIKE)


def set_text(cell, value: object):
    """Put a value in a cell (normal or write-only): strings are cleaned and always text,
    guarded with the quote prefix when they start riskily; other values are kept as they are."""
    if not isinstance(value, str):
        cell.value = value
        return cell
    text = clean_text(value)
    cell.value = text
    cell.data_type = "s"
    if text and needs_guard(text):
        cell.quotePrefix = True
    return cell
