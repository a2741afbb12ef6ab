"""Writing a question bank, and the blank template, in the template layout."""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from . import layout
from .answers import DIFFICULTY_NAMES
from .models import MAX_OPTIONS, ParsedQuestion
from .template import fill_template


def write_bank_workbook(questions: Iterable[ParsedQuestion], out: BinaryIO | str) -> None:
    """Write questions so that ``read_question_file`` gives them back unchanged.

    Uses openpyxl's write-only mode; the option columns go up to the largest
    option count used, at least D. Every string is a text cell, never a formula.
    """
    pending = list(questions)  # the column count must be known before the first row
    option_count = max((len(q.options) for q in pending), default=0)
    if option_count > MAX_OPTIONS:
        raise ValueError(f"a question has more than {MAX_OPTIONS} options")
    header = layout.headers(option_count)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(layout.SHEET_TITLE)
    _setup_sheet(sheet, header)
    sheet.append([_cell(sheet, "Ngân hàng câu hỏi", font=layout.TITLE_FONT)])
    sheet.append([])
    sheet.append([_header_cell(sheet, name) for name in header])
    options_width = len(header) - 2 - len(layout.TAIL_HEADERS)
    for question in pending:
        sheet.append(_row(sheet, question, options_width))
    book.save(out)


def _setup_sheet(sheet, header: list[str]) -> None:
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = layout.width(name)
    sheet.freeze_panes = f"A{layout.FIRST_DATA_ROW}"


def _cell(sheet, value, font=None) -> WriteOnlyCell:
    cell = layout.set_text(WriteOnlyCell(sheet), value)
    if font is not None:
        cell.font = font
    return cell


def _header_cell(sheet, name: str) -> WriteOnlyCell:
    cell = _cell(sheet, name, font=layout.HEADER_FONT)
    cell.fill = layout.HEADER_FILL
    return cell


def _row(sheet, question: ParsedQuestion, options_width: int) -> list:
    options = list(question.options) + [None] * (options_width - len(question.options))
    values = [
        layout.number_value(question.number),
        question.text,
        *options,
        question.correct_letters,
        question.topic,
        DIFFICULTY_NAMES.get(question.difficulty) if question.difficulty else None,
        question.explanation,
        question.source,
    ]
    cells = [None if value is None else _cell(sheet, value) for value in values]
    cells[1].alignment = layout.WRAP
    return cells


def write_template_workbook(out: BinaryIO | str) -> None:
    """The blank template: header, three examples, drop-down lists, instructions."""
    book = Workbook()
    fill_template(book)
    book.save(out)
