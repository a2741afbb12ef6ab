"""The blank template an organizer downloads, fills in and uploads."""

from __future__ import annotations

from itertools import combinations

from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from . import layout
from .models import LETTERS

TEMPLATE_OPTIONS = 6
VALIDATED_ROWS = 5000
_SOURCE_63 = "Nghị định 63/2010/NĐ-CP"

EXAMPLES = [
    [
        1,
        "Theo " + _SOURCE_63 + ", thủ tục hành chính là gì?",
        "Trình tự, cách thức thực hiện, hồ sơ và yêu cầu, điều kiện do cơ quan nhà nước, "
        "người có thẩm quyền quy định để giải quyết một công việc cụ thể liên quan đến "
        "cá nhân, tổ chức",
        "Văn bản quy phạm pháp luật do Chính phủ ban hành",
        "Quy trình nội bộ của cơ quan hành chính",
        "Mẫu đơn, tờ khai dùng chung",
        "A",
        "Quy định chung",
        "Dễ",
        "Định nghĩa tại khoản 1 Điều 3.",
        "Khoản 1 Điều 3 " + _SOURCE_63,
    ],
    [
        2,
        "Những nội dung nào sau đây là bộ phận tạo thành của thủ tục hành chính?",
        "Tên thủ tục hành chính",
        "Trình tự thực hiện",
        "Ý kiến của báo chí",
        "Hồ sơ",
        "A, B, D",
        "Quy định chung",
        "Trung bình",
        "Câu nhiều đáp án: ghi các chữ cái, cách nhau bởi dấu phẩy.",
        "Điều 8 " + _SOURCE_63,
    ],
    [
        3,
        _SOURCE_63 + " về kiểm soát thủ tục hành chính được ban hành năm nào?",
        "2008",
        "2010",
        "2013",
        "2017",
        "B",
        "Văn bản pháp luật",
        "Khó",
        "",
        _SOURCE_63,
    ],
]

INSTRUCTIONS = [
    "HƯỚNG DẪN NHẬP NGÂN HÀNG CÂU HỎI",
    "",
    "1. Nhập câu hỏi ở trang “Câu hỏi”, mỗi câu một dòng, bắt đầu từ dòng 4 "
    "(dòng 3 là dòng tiêu đề, không sửa tên cột).",
    "2. Cột “Câu hỏi” và ít nhất hai cột phương án (A, B) là bắt buộc; mỗi câu có từ 2 "
    "đến 6 phương án (A–F). Để trống các cột phương án không dùng.",
    "3. Cột “Đáp án đúng”: ghi chữ cái của phương án đúng, ví dụ B. Câu có nhiều đáp án "
    "đúng: ghi các chữ cái cách nhau bởi dấu phẩy, ví dụ “A, C”. Cũng có thể chép "
    "nguyên văn nội dung phương án đúng.",
    "4. Cột “Mức độ” (không bắt buộc): Dễ, Trung bình hoặc Khó (hoặc 1, 2, 3).",
    "5. Các cột “Chủ đề”, “Giải thích”, “Căn cứ” (văn bản pháp luật làm căn cứ) không bắt buộc.",
    "6. Nội dung được lưu đúng như đã nhập: công thức, dấu “=” ở đầu ô hay thẻ HTML "
    "đều được coi là chữ. Số và ngày được lưu như khi hiển thị (ví dụ 08/04/2020).",
    "7. Không nhập trùng câu hỏi: câu trùng với câu đã có (không phân biệt hoa thường, "
    "khoảng trắng) sẽ bị báo lỗi.",
    "8. Nội dung câu hỏi tối đa 10.000 ký tự; mỗi phương án và mỗi ô khác tối đa 2.000 ký tự; "
    "mỗi tệp tối đa 20.000 câu hỏi và 10 MB.",
    "9. Nếu tệp có lỗi, hệ thống không nhập câu nào và trả lại tệp có thêm cột “Lỗi” "
    "ghi rõ từng lỗi; các ô lỗi được tô đỏ nhạt. Sửa rồi tải lên lại.",
    "10. Có thể xoá ba dòng ví dụ trước khi nhập câu hỏi của mình.",
]


def answer_choices() -> list[str]:
    """Single letters A–F, then every combination of two or more of A–D."""
    combos = [", ".join(combo) for size in range(2, 5) for combo in combinations(LETTERS[:4], size)]
    return [*LETTERS, *combos]


def fill_template(book: Workbook) -> None:
    sheet = book.active
    sheet.title = layout.SHEET_TITLE
    header = layout.headers(TEMPLATE_OPTIONS)
    _write_question_sheet(sheet, header)
    lists = book.create_sheet("Danh sách")
    for row, value in enumerate(answer_choices(), start=1):
        layout.set_text(lists.cell(row=row, column=1), value)
    lists.sheet_state = "hidden"
    _add_validations(sheet, header, len(answer_choices()))
    _write_instructions(book.create_sheet("Hướng dẫn", 1))


def _write_question_sheet(sheet, header: list[str]) -> None:
    title = layout.set_text(sheet.cell(row=layout.TITLE_ROW, column=1), "Ngân hàng câu hỏi")
    title.font = layout.TITLE_FONT
    for column, name in enumerate(header, start=1):
        cell = layout.set_text(sheet.cell(row=layout.HEADER_ROW, column=column), name)
        cell.font, cell.fill = layout.HEADER_FONT, layout.HEADER_FILL
        sheet.column_dimensions[get_column_letter(column)].width = layout.width(name)
    for offset, example in enumerate(EXAMPLES):
        row = layout.FIRST_DATA_ROW + offset
        values = example[:6] + [""] * (TEMPLATE_OPTIONS - 4) + example[6:]
        for column, value in enumerate(values, start=1):
            if value != "":
                cell = layout.set_text(sheet.cell(row=row, column=column), value)
                cell.alignment = layout.WRAP
    sheet.freeze_panes = f"A{layout.FIRST_DATA_ROW}"


def _add_validations(sheet, header: list[str], choice_count: int) -> None:
    last = layout.FIRST_DATA_ROW + VALIDATED_ROWS - 1

    def column_range(name: str) -> str:
        letter = get_column_letter(header.index(name) + 1)
        return f"{letter}{layout.FIRST_DATA_ROW}:{letter}{last}"

    answers = DataValidation(
        type="list",
        formula1=f"'Danh sách'!$A$1:$A${choice_count}",
        errorStyle="warning",
        error="Hãy ghi chữ cái của phương án đúng, ví dụ B hoặc “A, C”.",
        errorTitle="Đáp án đúng",
        prompt="Chữ cái của phương án đúng; nhiều đáp án: “A, C”.",
        promptTitle="Đáp án đúng",
    )
    levels = DataValidation(
        type="list",
        formula1='"Dễ,Trung bình,Khó"',
        errorStyle="warning",
        error="Hãy chọn Dễ, Trung bình hoặc Khó.",
        errorTitle="Mức độ",
    )
    for validation, name in ((answers, "Đáp án đúng"), (levels, "Mức độ")):
        validation.showErrorMessage = True
        validation.showInputMessage = True
        validation.add(column_range(name))
        sheet.add_data_validation(validation)


def _write_instructions(sheet) -> None:
    sheet.column_dimensions["A"].width = 120
    for row, line in enumerate(INSTRUCTIONS, start=1):
        cell = layout.set_text(sheet.cell(row=row, column=1), line)
        cell.alignment = layout.WRAP
    sheet["A1"].font = Font(bold=True, size=14)
