"""Question-bank import: the parse and the import beside openpyxl's own read-only iteration.

    .venv/bin/python bench/import_bank.py [--questions 5000] [--repeat 3] [--max-seconds 600]

Builds an organizer-like workbook (two title rows, a blank row, the header "STT, Câu hỏi,
Phương án A-D, Đáp án đúng, Chủ đề, Mức độ, Giải thích, Căn cứ", answers typed in several
ways) in a temp dir, then times (best of --repeat):

  floor    openpyxl.load_workbook(read_only=True, data_only=True) + iter_rows(values_only=True)
  calamine python-calamine's own pass over the same sheet (for reference: the reader's engine)
  parse    question_bank.read_question_file
  dry run  contest.bank.spreadsheets.import_bank(..., dry_run=True)  (fresh migrated SQLite)
  import   import_bank(..., dry_run=False), each run on its own fresh copy of the database

then the peak Python memory of each (tracemalloc, one extra run each, not timed).
Goal (issue 16): the whole import, commit included, in less time than the floor (below 1.0×);
memory not growing beyond the questions.
"""

import argparse
import gc
import io
import os
import random
import shutil
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

TOPICS = [
    "Kiểm soát thủ tục hành chính",
    "Cơ chế một cửa, một cửa liên thông",
    "Dịch vụ công trực tuyến",
    "Tiếp nhận, xử lý phản ánh, kiến nghị",
    "Công bố, công khai thủ tục hành chính",
    "Đánh giá tác động thủ tục hành chính",
    "Số hóa hồ sơ, kết quả giải quyết",
    "Chế độ báo cáo",
]
SOURCES = [
    "Nghị định số 63/2010/NĐ-CP",
    "Nghị định số 61/2018/NĐ-CP",
    "Nghị định số 107/2021/NĐ-CP",
    "Thông tư số 01/2023/TT-VPCP",
    "Quyết định số 468/QĐ-TTg",
]
WORDS = [
    "cơ",
    "quan",
    "có",
    "thẩm",
    "quyền",
    "tiếp",
    "nhận",
    "hồ",
    "sơ",
    "giải",
    "quyết",
    "thủ",
    "tục",
    "hành",
    "chính",
    "theo",
    "quy",
    "định",
    "của",
    "pháp",
    "luật",
    "trong",
    "thời",
    "hạn",
    "ngày",
    "làm",
    "việc",
    "kể",
    "từ",
    "khi",
    "nhận",
    "đủ",
    "hồ",
    "sơ",
    "hợp",
    "lệ",
    "cá",
    "nhân",
    "tổ",
    "chức",
    "được",
    "hướng",
    "dẫn",
    "bổ",
    "sung",
    "hoàn",
    "thiện",
    "một",
    "lần",
    "duy",
    "nhất",
    "bằng",
    "văn",
    "bản",
    "bộ",
    "phận",
    "một",
    "cửa",
    "cấp",
    "huyện",
    "cấp",
    "xã",
    "ủy",
    "ban",
    "nhân",
    "dân",
    "tỉnh",
    "công",
    "chức",
    "cổng",
    "dịch",
    "vụ",
    "công",
    "quốc",
    "gia",
]


def sentence(rng: random.Random, low: int, high: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    return " ".join(words).capitalize()


def build_workbook(path: Path, count: int, seed: int = 7) -> int:
    """An organizer's workbook, typed by several people; returns the number of multi-answer rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    rng = random.Random(seed)
    book = Workbook()
    sheet = book.active
    sheet.title = "Câu hỏi"
    sheet.append(["NGÂN HÀNG CÂU HỎI CUỘC THI TÌM HIỂU VỀ KIỂM SOÁT THỦ TỤC HÀNH CHÍNH"])
    sheet.append(["(Kèm theo Công văn số 123/VP-KSTT của Văn phòng UBND tỉnh)"])
    sheet.append([])
    header = [
        "STT",
        "Câu hỏi",
        "Phương án A",
        "Phương án B",
        "Phương án C",
        "Phương án D",
        "Đáp án đúng",
        "Chủ đề",
        "Mức độ",
        "Giải thích",
        "Căn cứ",
    ]
    sheet.append(header)
    sheet.merge_cells("A1:K1")
    sheet.merge_cells("A2:K2")
    sheet["A1"].font = Font(bold=True, size=14)
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    multi = 0
    wrap = Alignment(wrap_text=True, vertical="top")
    for number in range(1, count + 1):
        text = f"{sentence(rng, 12, 40)} (câu {number})?"
        options = [f"{letter}{number}: {sentence(rng, 3, 14)}" for letter in "abcd"]
        if number % 37 == 0:
            options[3] = rng.randint(5, 90)  # a number typed in a cell: read as its text
        right = rng.randrange(4)
        style = number % 10
        if number % 25 == 0:
            answer = "A, C"
            multi += 1
        elif style < 5:
            answer = "ABCD"[right]
        elif style < 7:
            answer = f" {'abcd'[right]}. "
        elif style < 9 or isinstance(options[right], int):
            answer = "ABCD"[right] + "."
        else:
            answer = options[right]  # the option's own text
        difficulty = rng.choice(["Dễ", "Trung bình", "Khó", 1, 2, 3])
        explanation = sentence(rng, 10, 50) + "." if number % 3 else None
        sheet.append(
            [
                number,
                text,
                *options,
                answer,
                rng.choice(TOPICS),
                difficulty,
                explanation,
                rng.choice(SOURCES),
            ]
        )
        sheet.cell(row=sheet.max_row, column=2).alignment = wrap
    sheet.column_dimensions["B"].width = 60
    notes = book.create_sheet("Hướng dẫn")
    notes.append(["Mỗi dòng một câu hỏi; đáp án đúng ghi chữ cái A, B, C hoặc D."])
    book.save(path)
    return multi


def floor(data: bytes) -> int:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()
        count = 0
        for _row in sheet.iter_rows(values_only=True):
            count += 1
        return count
    finally:
        book.close()


def calamine_pass(data: bytes) -> int:
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        count = 0
        for _row in book.get_sheet_by_index(0).iter_rows():
            count += 1
        return count
    finally:
        book.close()


def parse(data: bytes, filename: str):
    from question_bank import read_question_file

    result = read_question_file(data, filename)
    if not result.ok:
        raise SystemExit(f"the generated workbook has errors: {result.errors[:3]}")
    return result


def peak_memory(function) -> tuple[int, int]:
    """(peak, retained) bytes allocated by Python while `function` ran (tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        result = function()
        current, peak = tracemalloc.get_traced_memory()
        del result
    finally:
        tracemalloc.stop()
    return peak - base, current - base


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--questions", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--max-seconds", type=float, default=600, help="wall-clock budget")
    args = parser.parse_args()
    budget = common.Budget(args.max_seconds, "import_bank")

    from contest.bank.spreadsheets import import_bank
    from contest.extensions import db
    from contest.models import Question

    print(f"# bench/import_bank.py — {common.machine_line()}")
    print(f"load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with common.temp_dir("bench_import_") as workdir:
        path = workdir / "ngan_hang_cau_hoi.xlsx"
        started = time.perf_counter()
        multi = build_workbook(path, args.questions)
        data = path.read_bytes()
        print(
            f"workbook: {args.questions:,} questions ({multi} with two answers), "
            f"{len(data) / 1024:,.0f} KiB, built in {time.perf_counter() - started:.1f} s"
        )
        template = common.TempDatabase("sqlite", workdir)

        def fresh_app():
            target = workdir / f"run_{time.monotonic_ns()}.db"
            shutil.copyfile(template.path, target)
            return common.make_app(f"sqlite:///{target}", workdir), target

        def in_app(function):
            """Run `function` in an app context on a fresh copy of the migrated database."""
            app, target = fresh_app()
            try:
                with app.app_context():
                    try:
                        return function()
                    finally:
                        db.session.remove()
                        db.engine.dispose()
            finally:
                for suffix in ("", "-wal", "-shm"):
                    Path(str(target) + suffix).unlink(missing_ok=True)

        def timed_in_app(function):
            holder = {}

            def run():
                # A served import finds the connection pool open: connect (and run the SQLite
                # pragmas) before the clock starts, as a warm worker would have.
                db.session.query(Question).count()
                db.session.rollback()
                start, cpu = time.perf_counter(), time.process_time()
                holder["result"] = function()
                holder["seconds"] = time.perf_counter() - start
                holder["cpu"] = time.process_time() - cpu
                holder["check"] = db.session.query(Question).count()

            in_app(run)
            return holder

        def plain(function):
            def run():
                start, cpu = time.perf_counter(), time.process_time()
                result = function()
                return {
                    "seconds": time.perf_counter() - start,
                    "cpu": time.process_time() - cpu,
                    "result": result,
                }

            return run

        steps = {
            "floor": plain(lambda: floor(data)),
            "calamine": plain(lambda: calamine_pass(data)),
            "parse": plain(lambda: parse(data, path.name)),
            "dry run": lambda: timed_in_app(lambda: import_bank(data, path.name, dry_run=True)),
            "import": lambda: timed_in_app(lambda: import_bank(data, path.name, dry_run=False)),
        }
        runs = {name: [] for name in steps}
        # Interleaved rounds, so that a burst of load from elsewhere hits every step alike.
        print(f"timing ({args.repeat} interleaved rounds; wall s / CPU s):")
        for _round in range(args.repeat):
            for name, step in steps.items():
                budget.check()
                runs[name].append(step())
        for name, results in runs.items():
            print(f"  {name:8} " + ", ".join(f"{r['seconds']:.2f}/{r['cpu']:.2f}" for r in results))
        best = {name: min(r["seconds"] for r in results) for name, results in runs.items()}
        best_cpu = {name: min(r["cpu"] for r in results) for name, results in runs.items()}
        floor_s, dry_s, imp_s = best["floor"], best["dry run"], best["import"]
        parse_run, dry_run, imp_run = runs["parse"][-1], runs["dry run"][-1], runs["import"][-1]
        parsed = parse_run["result"]
        report = imp_run["result"]
        assert len(parsed.questions) == args.questions, len(parsed.questions)
        assert dry_run["result"].ok and dry_run["result"].saved == 0 and dry_run["check"] == 0
        assert report.ok and report.saved == args.questions == imp_run["check"], (
            report.saved,
            imp_run["check"],
        )

        budget.check()
        mem_floor = peak_memory(lambda: floor(data))
        mem_calamine = peak_memory(lambda: calamine_pass(data))
        mem_parse = peak_memory(lambda: parse(data, path.name))
        mem_dry = in_app(lambda: peak_memory(lambda: import_bank(data, path.name, dry_run=True)))
        mem_imp = in_app(lambda: peak_memory(lambda: import_bank(data, path.name, dry_run=False)))
        template.drop()

    rows = []
    for label, name, (peak, retained) in (
        ("floor: openpyxl read-only iteration", "floor", mem_floor),
        ("calamine: its own iteration", "calamine", mem_calamine),
        ("parse: read_question_file", "parse", mem_parse),
        ("import_bank dry_run=True", "dry run", mem_dry),
        ("import_bank dry_run=False (commit)", "import", mem_imp),
    ):
        rows.append(
            [
                label,
                f"{best[name]:.2f} s",
                f"{best[name] / floor_s:.2f}×",
                f"{best_cpu[name]:.2f} s",
                f"{best_cpu[name] / best_cpu['floor']:.2f}×",
                common.mb(peak),
                f"{peak / mem_floor[0]:.1f}×",
                common.mb(retained),
            ]
        )
    print()
    print(
        common.table(
            ["step", "best wall", "÷ floor", "best CPU", "÷ floor", "peak mem", "÷ floor", "held"],
            rows,
            title=f"Import of {args.questions:,} questions ({len(data) / 1024:,.0f} KiB .xlsx)",
        )
    )
    goal = imp_s < floor_s
    print()
    print(
        f"goal: whole import (commit included) < 1.0× floor → {imp_s / floor_s:.2f}× "
        f"({'met' if goal else 'NOT met'}); dry run {dry_s / floor_s:.2f}×"
    )
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        "memory: peak is tracemalloc's (Python allocations), one untimed run each; "
        "'held' is what the returned questions/report keep alive."
    )


if __name__ == "__main__":
    main()
