"""Cell values for exports: text that stays text, and masked personal numbers.

A string starting with "=", "+", "-", "@", a tab or a carriage return could run as a formula
in Excel or LibreOffice (the "CSV injection" family). Such text is written as a string cell
(never a formula: openpyxl would otherwise turn "=…" into one) with Excel's quote prefix set,
so the cell also stays text when someone edits it; its content is unchanged, with no
apostrophe added. Control characters the file format cannot hold are removed.
"""

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

from question_bank.text import escape_for_xlsx

# Characters that make spreadsheet programs read a cell as a formula or a command.
RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
# openpyxl turns these exact strings into error cells (#N/A, …): keep them as text too.
ERROR_LOOKALIKE = "#"
MAX_CELL_TEXT = 32767


def clean_text(value: object) -> str:
    """The text a cell can hold literally: control characters other than tab and line feed
    removed, line breaks as "\\n", literal `_xHHHH_` sequences protected, at most 32,767
    characters."""
    text = value if isinstance(value, str) else str(value)
    if not text.isprintable():
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return escape_for_xlsx(text)[:MAX_CELL_TEXT]


def needs_guard(text: str) -> bool:
    """True when a spreadsheet program could read the text as something other than text."""
    return text.startswith(RISKY_STARTS) or text.startswith(ERROR_LOOKALIKE)


def guarded_cell(sheet, text: str) -> Cell:
    """A string cell with the quote prefix: shown as text, kept as text when edited."""
    cell = WriteOnlyCell(sheet, text)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def text_cell(sheet, value: object, font=None) -> Cell:
    """A string cell for any text (titles, headers), guarded when it starts riskily."""
    text = clean_text(value)
    cell = guarded_cell(sheet, text) if needs_guard(text) else WriteOnlyCell(sheet, text)
    cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell


def safe_text(value: object, sheet) -> str | Cell | None:
    """What to append for a text cell of a write-only sheet: the cleaned string, or a guarded
    string cell when it starts with a risky character. None stays an empty cell."""
    if value is None:
        return None
    text = clean_text(value)
    if text and needs_guard(text):
        return guarded_cell(sheet, text)
    return text


def mask_phone(phone: str | None) -> str | None:
    """0912345678 → 0912***678: enough to tell people apart, not enough to call them."""
    if not phone:
        return phone
    if len(phone) <= 7:
        return "*" * len(phone)
    return f"{phone[:4]}***{phone[-3:]}"


def mask_national_id(number: str | None) -> str | None:
    """The first 3 and last 3 digits of a CCCD number; the rest as stars."""
    if not number:
        return number
    if len(number) <= 6:
        return "*" * len(number)
    return f"{number[:3]}{'*' * (len(number) - 6)}{number[-3:]}"
