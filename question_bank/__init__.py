"""Reading, validating and writing question-bank spreadsheets (pure Python, no Flask).

Formats: .xlsx, .xls and .ods (python-calamine; openpyxl, read-only, for the .xlsx calamine
would show otherwise), Moodle GIFT and Aiken text. Every sheet's reach is checked against
the limits before calamine expands it (extent.py, xlsx_extent.py, xls_extent.py). Every problem is reported as an ``Issue`` with a Vietnamese
message; nothing raises for a bad upload.
"""

from .aiken import read_aiken
from .gift import read_gift
from .marking import mark_errors_workbook
from .models import Issue, Limits, ParsedQuestion, ParseResult, question_key
from .reader import read_question_file
from .writer import write_bank_workbook, write_template_workbook

__all__ = [
    "Issue",
    "Limits",
    "ParseResult",
    "ParsedQuestion",
    "mark_errors_workbook",
    "question_key",
    "read_aiken",
    "read_gift",
    "read_question_file",
    "write_bank_workbook",
    "write_template_workbook",
]
