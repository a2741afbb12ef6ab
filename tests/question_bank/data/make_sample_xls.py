"""Regenerate sample.xls (not run by the tests; needs ``pip install xlwt``).

The .xls fixture is committed because no library in the project can write BIFF8.
"""

import datetime as dt
from pathlib import Path

import xlwt  # type: ignore[import-not-found]

ROWS = [
    ["Ngân hàng câu hỏi kiểm soát TTHC"],
    [],
    [
        "STT",
        "Câu hỏi",
        "Phương án A",
        "Phương án B",
        "Phương án C",
        "Phương án D",
        "Đáp án đúng",
        "Mức độ",
    ],
    [
        1,
        "Thủ tục hành chính là gì?",
        "Trình tự, cách thức",
        "Một loại thuế",
        "Không biết",
        "",
        "a.",
        "Dễ",
    ],
    [2, "Năm ban hành Nghị định 63?", 2010, 2011.0, 2.5, "", "A", 2],
    [
        3,
        "Ngày hiệu lực?",
        dt.datetime(2020, 4, 8),
        dt.datetime(2020, 4, 8, 14, 30),
        "=1+1",
        "",
        "C",
        "Khó",
    ],
    [4, "", "x", "y", "", "", "A", ""],
]


def main() -> None:
    book = xlwt.Workbook(encoding="utf-8")
    book.add_sheet("Ghi chú").write(0, 0, "Trang khác, bị bỏ qua")
    sheet = book.add_sheet("Câu hỏi")
    date_style = xlwt.easyxf(num_format_str="dd/mm/yyyy")
    for r, row in enumerate(ROWS):
        for c, value in enumerate(row):
            if value == "":
                continue
            if isinstance(value, dt.datetime):
                sheet.write(r, c, value, date_style)
            else:
                sheet.write(r, c, value)
    book.save(str(Path(__file__).with_name("sample.xls")))


if __name__ == "__main__":
    main()
