"""Cell values for exports: text that stays text, and masked personal numbers.

The text rules (formula-safe, cleaned, length-capped) are question_bank/cells.py's, the one
text writer every xlsx of the application shares. The exports' sheet writer (workbook.py)
applies them to the XML it writes; the helpers below make openpyxl write-only cells of them,
for any sheet still written with openpyxl.
"""

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell

from question_bank.cells import clean_text, needs_guard

__all__ = ["clean_text", "needs_guard"]


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
