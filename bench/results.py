"""Results at scale: freezing, ranking pages, the agency table and the ranking export.

    .venv/bin/python bench/results.py [--entries 200000] [--backend sqlite|postgresql|both]
                                      [--max-seconds 3600] [--skip-export]

The documented target is --entries 1000000 (issue 4). For each backend: a fresh database
(a temp SQLite file, or a bench_* PostgreSQL database, dropped at the end) is migrated and
filled by bulk inserts (sqlite3 executemany with the fill-only pragmas, PostgreSQL COPY) with
500 agencies (25 departments, 25 districts × 18 communes), N participants, one finished
attempt and one round entry each: 41% perfect (20/20), predictions around the true number of
participants, durations of 1–20 minutes, submissions over a week. Then it times, in the app's
own services (inside an app context):

  live pages  top-100 and district pages before the freeze, median of 3
  freeze      contest.results.service.freeze_actual (batches of 10,000 entries)
  top-100     ranking_page(Scope(round), 0, 100), median of 5 (goal < 300 ms)
  deep page   ranking_page(Scope(round), N/2, 100), median of 3
  own rank    participant_rank(round, user) for a mid-table participant (the result page)
  district    ranking_page of one district and its communes (agency filter), median of 3
  agencies    contest.results.round_stats.agency_table, median of 3
  export      contest.results.exports.round_exports.export_round(round, "ranking", out, for_judges=True)
              in a child process (its peak RSS), beside two floors, each in a child process
              of its own and writing N rows of the export's column count: xlsxwriter alone
              in constant-memory mode with the same title rows, header, formats, frozen
              panes and autofilter (run just before and just after the export; the ratio is
              taken against the faster of the two: goal ≤ 1.2×, < 300 MB), the app's
              SheetWriter alone on the same rows (no database), and openpyxl alone in
              write-only mode (the floor of issue 4)

and prints the query plan of the top-100 query (EXPLAIN QUERY PLAN / EXPLAIN ANALYZE).
"""

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

QUESTIONS = 20
BATCH = 50_000
SURNAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
MIDDLES = [
    "Văn",
    "Thị",
    "Hữu",
    "Đức",
    "Minh",
    "Thu",
    "Ngọc",
    "Thanh",
    "Quốc",
    "Hoài",
    "Xuân",
    "Kim",
]
GIVEN = [
    "An",
    "Bình",
    "Chi",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hiếu",
    "Hoa",
    "Hùng",
    "Huy",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Phúc",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Tuấn",
    "Vy",
    "Yến",
]
EPOCH = datetime(2026, 10, 1, 1, 0, 0)


# --------------------------------------------------------------------------- the data


def sqlite_text(moment: datetime) -> str:
    """How SQLAlchemy stores a DATETIME on SQLite."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def agencies() -> list[dict]:
    rows = []
    for i in range(1, 26):
        rows.append(
            dict(
                id=i,
                code=f"SO{i:02d}",
                name=f"Sở ngành số {i:02d}",
                parent_id=None,
                kind="Sở, ban, ngành",
                headcount=60 + (i * 37) % 140,
            )
        )
    for d in range(1, 26):
        district_id = 25 + d
        rows.append(
            dict(
                id=district_id,
                code=f"HUYEN{d:02d}",
                name=f"UBND huyện số {d:02d}",
                parent_id=None,
                kind="UBND cấp huyện",
                headcount=100 + (d * 53) % 200,
            )
        )
    next_id = 51
    for d in range(1, 26):
        for c in range(1, 19):
            rows.append(
                dict(
                    id=next_id,
                    code=f"XA{d:02d}{c:02d}",
                    name=f"UBND xã {c:02d} huyện {d:02d}",
                    parent_id=25 + d,
                    kind="UBND cấp xã",
                    headcount=20 + (next_id * 7) % 21,
                )
            )
            next_id += 1
    assert len(rows) == 500
    return rows


class Generator:
    """Deterministic participants, attempts and entries, in batches."""

    def __init__(self, entries: int, opens_at: datetime, seed: int = 2026):
        self.entries = entries
        self.opens_at = opens_at
        self.rng = random.Random(seed)

    def batch(self, start: int, stop: int):
        """(users, attempts, entries) as tuples of Python values for ids start..stop-1."""
        rng = self.rng
        n = self.entries
        users, attempts, entries = [], [], []
        week = 7 * 24 * 3600
        for i in range(start, stop):
            group = "can_bo" if rng.random() < 0.65 else "nhan_dan"
            roll = rng.random()
            if roll < 0.03:
                agency_id = None
            elif group == "can_bo":
                agency_id = rng.randint(1, 500)
            else:
                agency_id = rng.randint(51, 500)
            if rng.random() < 0.41:
                correct = QUESTIONS
            else:
                correct = max(0, QUESTIONS - 1 - int(rng.expovariate(0.35)))
            if rng.random() < 0.04:
                prediction = None
            elif rng.random() < 0.1:
                prediction = round(rng.gauss(n, n * 0.2), -3 if n >= 10_000 else -1)
            else:
                prediction = int(rng.gauss(n, n * 0.15))
            if prediction is not None:
                prediction = max(0, int(prediction))
            duration_ms = rng.randint(60_000, 1_200_000)
            submitted = self.opens_at + timedelta(seconds=rng.random() * week)
            started = submitted - timedelta(milliseconds=duration_ms)
            attempts_count = rng.choices((1, 2, 3), (60, 30, 10))[0]
            perfect_count = int(correct == QUESTIONS) + (
                1 if attempts_count > 1 and rng.random() < 0.2 else 0
            )
            users.append(
                (
                    i,
                    f"{rng.choice(SURNAMES)} {rng.choice(MIDDLES)} {rng.choice(GIVEN)}",
                    date(1960 + i % 45, 1 + i % 12, 1 + i % 28),
                    "nam" if i % 2 else "nu",
                    f"09{i:08d}",
                    f"nguoi{i}@example.vn" if i % 5 else None,
                    f"{(i * 7919) % 10**12:012d}",
                    None,
                    agency_id,
                    group,
                    "participant",
                    "pbkdf2:sha256:1000$bench$0",
                    submitted - timedelta(days=3),
                    i % 97 != 0,
                    submitted - timedelta(days=3),
                )
            )
            attempts.append(
                (
                    i,
                    1,
                    i,
                    attempts_count,
                    started,
                    started + timedelta(minutes=20),
                    submitted,
                    "submitted",
                    QUESTIONS,
                    correct,
                    duration_ms,
                    prediction,
                )
            )
            entries.append(
                (
                    i,
                    1,
                    i,
                    i,
                    group,
                    agency_id,
                    correct,
                    QUESTIONS,
                    duration_ms,
                    submitted,
                    prediction,
                    None,
                    attempts_count,
                    perfect_count,
                )
            )
        return users, attempts, entries


USER_COLUMNS = (
    "id",
    "full_name",
    "date_of_birth",
    "gender",
    "phone",
    "email",
    "national_id",
    "address",
    "agency_id",
    "participant_group",
    "role",
    "password_hash",
    "consent_at",
    "prize_eligible",
    "created_at",
)
ATTEMPT_COLUMNS = (
    "id",
    "round_id",
    "user_id",
    "number",
    "started_at",
    "deadline",
    "submitted_at",
    "status",
    "question_count",
    "correct_count",
    "duration_ms",
    "prediction",
)
ENTRY_COLUMNS = (
    "id",
    "round_id",
    "user_id",
    "attempt_id",
    "participant_group",
    "agency_id",
    "correct_count",
    "question_count",
    "duration_ms",
    "submitted_at",
    "prediction",
    "prediction_error",
    "attempts_count",
    "perfect_count",
)
AGENCY_COLUMNS = ("id", "code", "name", "parent_id", "kind", "headcount")


def to_sqlite(row: tuple) -> tuple:
    return tuple(
        sqlite_text(v) if isinstance(v, datetime) else v.isoformat() if isinstance(v, date) else v
        for v in row
    )


def create_contest(database_url: str, workdir: Path, now: datetime) -> int:
    """The contest and its round (closed a day ago) through the ORM; returns the round id."""
    from contest.extensions import db
    from contest.models import Contest, Round

    app = common.make_app(database_url, workdir)
    with app.app_context():
        contest = Contest(
            slug="bench",
            title="Cuộc thi tìm hiểu kiểm soát thủ tục hành chính (bench)",
            status="closed",
            collective_measure="participation_rate",
        )
        round_ = Round(
            contest=contest,
            number=1,
            title="Tuần thi thứ nhất",
            opens_at=EPOCH,
            closes_at=now - timedelta(days=1),
            question_count=QUESTIONS,
            time_limit_seconds=1200,
            attempts_allowed=3,
            prediction_enabled=True,
            prediction_prompt="Có bao nhiêu người tham gia tuần thi?",
            prediction_target="participants",
        )
        db.session.add(contest)
        db.session.commit()
        round_id = round_.id
        db.session.remove()
        db.engine.dispose()
    return round_id


def fill_sqlite(database: common.TempDatabase, entries: int, budget: common.Budget) -> None:
    import sqlite3

    conn = sqlite3.connect(database.path)
    try:
        # Fill-only settings: no fsync, a big page cache; the app's own pragmas apply afterwards.
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-400000")
        conn.execute("PRAGMA temp_store=MEMORY")
        conn.execute("PRAGMA foreign_keys=OFF")
        # Explicit indexes are dropped and rebuilt from their own SQL after the load (a sort
        # instead of a million random B-tree inserts); UNIQUE constraints stay in place.
        indexes = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL "
            "AND tbl_name IN ('user', 'attempt', 'round_entry')"
        ).fetchall()
        for name, _sql in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        conn.executemany(
            f"INSERT INTO agency ({', '.join(AGENCY_COLUMNS)}) VALUES "
            f"({', '.join('?' * len(AGENCY_COLUMNS))})",
            [tuple(a[c] for c in AGENCY_COLUMNS) for a in agencies()],
        )
        generator = Generator(entries, EPOCH)
        statements = [
            (f'INSERT INTO "{table}" ({", ".join(cols)}) VALUES ({", ".join("?" * len(cols))})')
            for table, cols in (
                ("user", USER_COLUMNS),
                ("attempt", ATTEMPT_COLUMNS),
                ("round_entry", ENTRY_COLUMNS),
            )
        ]
        for start in range(1, entries + 1, BATCH):
            budget.check()
            parts = generator.batch(start, min(start + BATCH, entries + 1))
            for statement, rows in zip(statements, parts, strict=True):
                conn.executemany(statement, [to_sqlite(r) for r in rows])
        for _name, sql in indexes:
            budget.check()
            conn.execute(sql)
        conn.commit()
    finally:
        conn.close()


def fill_postgresql(database: common.TempDatabase, entries: int, budget: common.Budget) -> None:
    import psycopg

    with psycopg.connect(database.plain_url) as conn:
        with conn.cursor() as cur:
            # Plain (non-constraint) indexes are rebuilt after the COPY, as on SQLite.
            cur.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
                "AND tablename IN ('user', 'attempt', 'round_entry') AND indexname NOT IN "
                "(SELECT conname FROM pg_constraint)"
            )
            indexes = cur.fetchall()
            for name, _sql in indexes:
                cur.execute(f'DROP INDEX "{name}"')
            with cur.copy(f"COPY agency ({', '.join(AGENCY_COLUMNS)}) FROM STDIN") as copy:
                for a in agencies():
                    copy.write_row(tuple(a[c] for c in AGENCY_COLUMNS))
            generator = Generator(entries, EPOCH)
            targets = (
                ('"user"', USER_COLUMNS),
                ("attempt", ATTEMPT_COLUMNS),
                ("round_entry", ENTRY_COLUMNS),
            )
            for start in range(1, entries + 1, BATCH):
                budget.check()
                parts = generator.batch(start, min(start + BATCH, entries + 1))
                for (table, cols), rows in zip(targets, parts, strict=True):
                    with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
            for _name, sql in indexes:
                budget.check()
                cur.execute(sql)
            for table in ("agency", "user", "attempt", "round_entry"):
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                    f'(SELECT max(id) FROM "{table}"))'
                )
        conn.commit()
    # Autovacuum would have analyzed tables that grew over a week; do it now.
    with psycopg.connect(database.plain_url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


# --------------------------------------------------------------------------- the timings


def rss_mb() -> float:
    """This process's peak resident memory so far, in MB.

    VmHWM, not getrusage's ru_maxrss: on Linux a child started by fork + exec inherits the
    parent's ru_maxrss, which would hide the child's own peak behind the parent's size.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def top_query_plan(round_) -> list[str]:
    from contest.results.ranking import Scope, ranking_select

    return query_plan(ranking_select(Scope(round_)).offset(0).limit(100))


def rank_query_plans(round_, user_id: int) -> list[str]:
    """The plans of rank_of_key's count for a participant, in the round and in the group."""
    from sqlalchemy import select

    from contest.extensions import db
    from contest.models import RoundEntry
    from contest.results.ranking import Scope, entry_key, rank_query

    entry = db.session.execute(select(RoundEntry).where(RoundEntry.user_id == user_id)).scalar_one()
    lines = []
    for scope in (Scope(round_), Scope(round_, entry.participant_group)):
        lines.append(f"-- {'group ' + scope.group if scope.group else 'round'}")
        lines += query_plan(rank_query(entry_key(entry, scope), scope))
    return lines


def query_plan(query) -> list[str]:
    from sqlalchemy import text

    from contest.extensions import db

    compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
    if db.engine.dialect.name == "sqlite":
        rows = db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()
        return [r[3] for r in rows]
    rows = db.session.execute(text(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) {compiled}")).all()
    return [r[0] for r in rows]


def time_services(database_url: str, workdir: Path, round_id: int, entries: int, budget) -> dict:
    from sqlalchemy import func, select

    from contest.domain.clock import utcnow
    from contest.extensions import db
    from contest.models import Round, RoundEntry
    from contest.results.ranking import Scope, participant_rank, ranking_page
    from contest.results.round_stats import agency_table, descendant_ids
    from contest.results.service import freeze_actual

    figures: dict = {}
    app = common.make_app(database_url, workdir)
    with app.app_context():
        try:

            def fresh():
                db.session.remove()
                return db.session.get(Round, round_id)

            def timed(name, repeat, function):
                times = []
                for _ in range(repeat):
                    budget.check()
                    r = fresh()
                    t0 = time.perf_counter()
                    result = function(r)
                    times.append(time.perf_counter() - t0)
                    if times[-1] > 5:  # slow enough that one run tells the story
                        break
                figures[name] = times
                return result

            district = db.session.execute(
                select(RoundEntry.agency_id, func.count())
                .where(RoundEntry.agency_id.between(26, 50))
                .group_by(RoundEntry.agency_id)
                .limit(1)
            ).first()[0]
            ids = descendant_ids(district)
            # Before the freeze the prediction step ties everyone and is left out of the order.
            timed("live top-100", 3, lambda r: ranking_page(Scope(r), 0, 100))
            timed("live district", 3, lambda r: ranking_page(Scope(r), 0, 100, agency_ids=ids))

            start = time.perf_counter()
            actual = freeze_actual(fresh(), utcnow(), timedelta(seconds=10))
            figures["freeze"] = [time.perf_counter() - start]
            figures["actual"] = actual
            budget.check()
            if db.engine.dialect.name == "postgresql":
                # The freeze rewrote every entry: autovacuum follows within a minute or so and
                # restores index-only counts; do it now so the pages below see that state.
                db.session.remove()
                start = time.perf_counter()
                with db.engine.connect() as conn:
                    conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                        "VACUUM ANALYZE round_entry"
                    )
                figures["vacuum"] = [time.perf_counter() - start]

            figures["plan"] = top_query_plan(fresh())

            top = timed("top-100", 5, lambda r: ranking_page(Scope(r), 0, 100))
            figures["top_rows"] = [
                (row.rank, row.correct_count, row.prediction_error, row.duration_ms)
                for row in top[:3]
            ]
            deep_offset = entries // 2
            deep = timed("deep page", 3, lambda r: ranking_page(Scope(r), deep_offset, 100))
            figures["deep_offset"] = deep_offset
            figures["deep_first_rank"] = deep[0].rank if deep else None
            middle_user = db.session.execute(
                select(RoundEntry.user_id)
                .where(RoundEntry.round_id == round_id)
                .order_by(RoundEntry.id)
                .offset(entries // 3)
                .limit(1)
            ).scalar_one()
            standing = timed("own rank", 5, lambda r: participant_rank(r, middle_user))
            figures["own_rank"] = standing
            figures["rank_plans"] = rank_query_plans(fresh(), middle_user)
            figures["district_agencies"] = len(ids)
            timed("district page", 3, lambda r: ranking_page(Scope(r), 0, 100, agency_ids=ids))
            lines = timed("agency table", 3, agency_table)
            figures["agency_lines"] = len(lines)
        finally:
            db.session.remove()
            db.engine.dispose()
    return figures


# --------------------------------------------------------------------------- child processes


def child_export(database_url: str, workdir: str, round_id: int, out: str) -> dict:
    from contest.extensions import db
    from contest.models import Round

    app = common.make_app(database_url, Path(workdir))
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        try:
            from contest.results.exports.round_exports import export_round
        except ImportError:
            export_round = None
        base = rss_mb()
        start, cpu = time.perf_counter(), time.process_time()
        if export_round is not None:
            rows = export_round(round_, "ranking", out, for_judges=True)
            how = 'export_round(round, "ranking", out, for_judges=True)'
        else:
            rows = fallback_export(round_, out)
            how = "iter_ranking → openpyxl write-only (round_exports.py missing)"
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        db.session.remove()
        db.engine.dispose()
    return {
        "seconds": seconds,
        "cpu": cpu,
        "rows": rows,
        "base_mb": base,
        "peak_mb": rss_mb(),
        "how": how,
        "bytes": os.path.getsize(out),
    }


def fallback_export(round_, out: str) -> int:
    from openpyxl import Workbook

    from contest.results.ranking import Scope, iter_ranking

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Xếp hạng")
    count = 0
    for row in iter_ranking(Scope(round_)):
        sheet.append(
            [
                row.rank,
                row.full_name,
                row.date_of_birth,
                row.agency_name,
                row.participant_group,
                row.correct_count,
                row.question_count,
                row.prediction,
                row.prediction_error,
                row.duration_ms / 86_400_000,
                row.submitted_at,
                row.phone,
            ]
        )
        count += 1
    book.save(out)
    return count


def floor_row(i: int, columns: int, moment: datetime, born: date) -> list:
    """Values of the types a ranking line holds: ints, names, dates, a duration, text."""
    row = [
        i,
        i + 1_000_000,
        "Nguyễn Văn Thành Trung",
        born,
        "UBND xã 07 huyện 12",
        "Cán bộ, công chức, viên chức",
        i,
        20,
        1_000_000 + i,
        i % 5000,
        0.004 + i * 1e-9,
        moment,
        1,
        "Giải Khuyến khích",
        "Có",
        f"09{i:08d}",
        f"{i:012d}",
        None,
    ]
    return (row * 2)[:columns]


def child_floor(rows: int, columns: int, out: str, library: str = "openpyxl") -> dict:
    writer = {
        "xlsxwriter": floor_xlsxwriter,
        "sheetwriter": floor_sheetwriter,
    }.get(library, floor_openpyxl)
    base = rss_mb()
    start, cpu = time.perf_counter(), time.process_time()
    writer(rows, columns, out)
    return {
        "seconds": time.perf_counter() - start,
        "cpu": time.process_time() - cpu,
        "rows": rows,
        "base_mb": base,
        "peak_mb": rss_mb(),
        "bytes": os.path.getsize(out),
    }


def floor_openpyxl(rows: int, columns: int, out: str) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Floor")
    moment, born = datetime(2026, 11, 1, 8, 30, 15), date(1990, 5, 17)
    for i in range(rows):
        sheet.append(floor_row(i, columns, moment + timedelta(seconds=i), born))
    book.save(out)


def floor_sheetwriter(rows: int, columns: int, out: str) -> None:
    """The app's own sheet writer (contest/results/exports/workbook.py) on the floor's rows,
    without the database: what the writer itself costs beside xlsxwriter's API."""
    from contest.results.exports import workbook as wb

    moment, born = datetime(2026, 11, 1, 8, 30, 15), date(1990, 5, 17)
    kinds = {int: wb.INTEGER, str: wb.TEXT, datetime: wb.DATETIME, date: wb.DATE}
    kinds[float] = wb.DECIMAL  # a number with a format, as the duration of the floors
    sample = floor_row(0, columns, moment, born)
    columns_ = [
        wb.Column(f"Cột {n + 1}", kinds.get(type(v), wb.TEXT)) for n, v in enumerate(sample)
    ]
    book = wb.new_workbook()
    writer = wb.SheetWriter(book, "Floor", columns_, [f"Dòng tiêu đề {n + 1}" for n in range(7)])
    writer.extend(floor_row(i, columns, moment + timedelta(seconds=i), born) for i in range(rows))
    writer.close()
    wb.save(book, out)


def floor_xlsxwriter(rows: int, columns: int, out: str) -> None:
    """xlsxwriter's public API as its documentation recommends for large files: one sheet in
    constant-memory mode, the export's layout (7 title lines, a bold filled header, widths,
    frozen panes, print titles, autofilter), each value written with its type's method and
    the export's number formats (dates, datetimes, the duration as a fraction of a day)."""
    import xlsxwriter

    options = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    book = xlsxwriter.Workbook(out, options)
    sheet = book.add_worksheet("Floor")
    title = book.add_format({"bold": True, "font_size": 14})
    header = book.add_format(
        {"bold": True, "bg_color": "#DDEBF7", "pattern": 1, "text_wrap": True, "valign": "vcenter"}
    )
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    when = book.add_format({"num_format": "dd/mm/yyyy hh:mm:ss"})
    duration = book.add_format({"num_format": "[mm]:ss.000"})
    head = 8  # 0-based header row: 7 title lines and one empty row, as the export
    sheet.set_column(0, columns - 1, 14)
    sheet.freeze_panes(head + 1, 0)
    sheet.repeat_rows(head)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    for line in range(7):
        sheet.write_string(line, 0, f"Dòng tiêu đề {line + 1}", title if line == 0 else None)
    for col in range(columns):
        sheet.write_string(head, col, f"Cột {col + 1}", header)
    write_string, write_number = sheet.write_string, sheet.write_number
    write_datetime = sheet.write_datetime
    moment, born = datetime(2026, 11, 1, 8, 30, 15), date(1990, 5, 17)
    for i in range(rows):
        row = head + 1 + i
        values = floor_row(i, columns, moment + timedelta(seconds=i), born)
        for col, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, str):
                write_string(row, col, value)
            elif isinstance(value, datetime):
                write_datetime(row, col, value, when)
            elif isinstance(value, date):
                write_datetime(row, col, value, day)
            elif isinstance(value, float):
                write_number(row, col, value, duration)
            else:
                write_number(row, col, value)
    sheet.autofilter(head, 0, head + max(rows, 1), columns - 1)
    book.close()


def run_child(args: list[str], timeout: float) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(args)]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        stdout, stderr = process.communicate(timeout=max(timeout, 1))
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)
        process.communicate()
        return {"error": f"timed out after {timeout:.0f} s"}
    finally:
        if process.poll() is None:
            os.killpg(process.pid, 9)
    if process.returncode != 0:
        return {"error": stderr.strip().splitlines()[-1] if stderr.strip() else "failed"}
    return json.loads(stdout.strip().splitlines()[-1])


def export_column_count() -> int:
    try:
        from contest.results.exports.ranking_sheets import ranking_fields
    except ImportError:
        return 12
    return len(ranking_fields(True))


# --------------------------------------------------------------------------- main


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def run_backend(backend: str, args, workdir: Path, budget: common.Budget, first: bool) -> dict:
    print(f"\n## {backend}: {args.entries:,} entries")
    database = common.TempDatabase(backend, workdir)
    try:
        from contest.domain.clock import utcnow

        now = utcnow()
        round_id = create_contest(database.url, workdir, now)
        t0 = time.perf_counter()
        (fill_sqlite if backend == "sqlite" else fill_postgresql)(database, args.entries, budget)
        fill_seconds = time.perf_counter() - t0
        size = os.path.getsize(database.path) if backend == "sqlite" else pg_size(database)
        print(
            f"fill: {fill_seconds:.1f} s ({args.entries / fill_seconds:,.0f} entries/s, "
            f"users + attempts + entries), database {common.mb(size)}"
        )
        figures = time_services(database.url, workdir, round_id, args.entries, budget)
        figures["fill"] = fill_seconds
        print("\nTop-100 query plan:")
        for line in figures["plan"]:
            print("   ", line)
        uses = any("ix_round_entry_ranking" in line for line in figures["plan"])
        print(f"  → ix_round_entry_ranking {'USED' if uses else 'NOT USED'}")
        print("\nrank_of_key query plans (participant_rank):")
        for line in figures["rank_plans"]:
            print("   ", line)
        figures["index_used"] = uses
        if not args.skip_export:
            # The floor runs just before the export and the export right after, so that both
            # see the same load from the rest of the machine; the 12-column floor (the figure
            # the brief names) runs after, for the first backend only.
            figures["floors"] = {}
            columns = export_column_count()
            steps = [("xlsxwriter", columns), ("export", None), ("xlsxwriter+", columns)]
            steps += [("sheetwriter", columns), ("openpyxl", columns)]
            if first and columns != 12:
                steps.append(("openpyxl", 12))
            for step, cols in steps:
                budget.check()
                if step == "export":
                    out = workdir / f"export_{backend}.xlsx"
                    figures["export"] = run_child(
                        ["export", database.url, str(workdir), round_id, str(out)], budget.left
                    )
                else:
                    out = workdir / f"floor_{step}_{cols}.xlsx"
                    library = step.rstrip("+")
                    figures["floors"][(step, cols)] = run_child(
                        ["floor", args.entries, cols, str(out), library], budget.left
                    )
                out.unlink(missing_ok=True)
        return figures
    finally:
        database.drop()


def pg_size(database: common.TempDatabase) -> int:
    import psycopg

    with psycopg.connect(database.plain_url) as conn:
        return conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]


def report(backend: str, figures: dict, floors: dict, entries: int) -> None:
    def cell(name):
        times = figures.get(name)
        if not times:
            return ["-", "-"]
        return [ms(statistics.median(times)), ", ".join(f"{t * 1000:.0f}" for t in times)]

    rows = [
        ["top-100 page before the freeze", *cell("live top-100"), ""],
        ["district page before the freeze", *cell("live district"), ""],
        ["freeze_actual", *cell("freeze"), f"actual = {figures['actual']:,}"],
        ["VACUUM ANALYZE round_entry (PG, as autovacuum)", *cell("vacuum"), ""],
        [
            "top-100 page",
            *cell("top-100"),
            "goal < 300 ms: "
            + ("met" if statistics.median(figures["top-100"]) < 0.3 else "NOT met"),
        ],
        [
            f"page at offset {figures['deep_offset']:,}",
            *cell("deep page"),
            f"first rank {figures['deep_first_rank']:,}",
        ],
        ["participant_rank (result page)", *cell("own rank"), f"{figures['own_rank']}"],
        [f"district page ({figures['district_agencies']} agencies)", *cell("district page"), ""],
        ["agency_table", *cell("agency table"), f"{figures['agency_lines']} lines"],
    ]
    print()
    print(
        common.table(
            ["step", "median", "runs (ms)", "note"],
            rows,
            title=f"{backend}, {entries:,} entries (fill {figures['fill']:.0f} s)",
        )
    )
    export = figures.get("export")
    if export:
        print()
        if "error" in export:
            print(f"export: FAILED — {export['error']}")
            return
        lines = []
        for label, data in [("export: " + export["how"], export)] + [
            (floor_label(step, cols), f) for (step, cols), f in floors.items()
        ]:
            if "error" in data:
                lines.append([label, "failed", "", "", "", data["error"]])
                continue
            lines.append(
                [
                    label,
                    f"{data['seconds']:.1f} s",
                    f"{data['cpu']:.1f} s",
                    f"{data['peak_mb']:.0f} MB",
                    f"{data['peak_mb'] - data['base_mb']:.0f} MB",
                    f"{data['bytes'] / 1024 / 1024:.0f} MB",
                ]
            )
        print(
            common.table(
                ["ranking export", "wall", "CPU", "peak RSS", "RSS growth", "file"],
                lines,
                title=f"Export of {export['rows']:,} rows",
            )
        )
        report_ratios(export, floors, export_column_count())


def floor_label(step: str, cols: int) -> str:
    if step == "sheetwriter":
        return f"the app's SheetWriter alone (no database), {cols} columns"
    if step.startswith("xlsxwriter"):
        when = "after" if step.endswith("+") else "before"
        return f"floor: xlsxwriter constant_memory, {cols} columns ({when} the export)"
    return f"floor: openpyxl write-only, {cols} columns"


def report_ratios(export: dict, floors: dict, cols: int) -> None:
    """The export against the faster xlsxwriter run (goal ≤ 1.2×) and openpyxl's."""
    fast = [
        floors[key]
        for key in (("xlsxwriter", cols), ("xlsxwriter+", cols))
        if key in floors and "error" not in floors[key]
    ]
    if fast:
        floor = min(fast, key=lambda f: f["seconds"])
        ratio = export["seconds"] / floor["seconds"]
        print(
            f"export ÷ xlsxwriter floor ({cols} columns, the faster run): {ratio:.2f}× wall, "
            f"{export['cpu'] / floor['cpu']:.2f}× CPU (goal ≤ 1.2×: "
            f"{'met' if ratio <= 1.2 else 'NOT met'}); xlsxwriter floor peak RSS "
            f"{floor['peak_mb']:.0f} MB"
        )
    alone = floors.get(("sheetwriter", cols))
    if fast and alone and "error" not in alone:
        print(
            f"SheetWriter alone ÷ xlsxwriter floor: {alone['seconds'] / floor['seconds']:.2f}× "
            "wall (the rest of the export is the database and the rows' values)"
        )
    openpyxl = floors.get(("openpyxl", cols))
    if openpyxl and "error" not in openpyxl:
        print(
            f"export ÷ openpyxl floor ({cols} columns): "
            f"{export['seconds'] / openpyxl['seconds']:.2f}× wall, "
            f"{export['cpu'] / openpyxl['cpu']:.2f}× CPU"
        )
    print(
        f"export peak RSS {export['peak_mb']:.0f} MB "
        f"(goal < 300 MB: {'met' if export['peak_mb'] < 300 else 'NOT met'})"
    )


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        kind, *rest = json.loads(sys.argv[2])
        if kind == "export":
            result = child_export(rest[0], rest[1], int(rest[2]), rest[3])
        else:
            result = child_floor(int(rest[0]), int(rest[1]), rest[2], *rest[3:])
        print(json.dumps(result))
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--entries", type=int, default=200_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--max-seconds", type=float, default=3600, help="wall-clock budget")
    parser.add_argument("--skip-export", action="store_true")
    args = parser.parse_args()
    budget = common.Budget(args.max_seconds, "results")
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    print(f"# bench/results.py — {common.machine_line()}")
    print(f"load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    results, floors = {}, {}
    with common.temp_dir("bench_results_") as workdir:
        try:
            for number, backend in enumerate(backends):
                results[backend] = run_backend(backend, args, workdir, budget, number == 0)
        except common.OutOfTime as error:
            print(f"\nSTOPPED: {error}")
    for backend, figures in results.items():
        floors.update(figures.get("floors", {}))
        report(backend, figures, {**floors, **figures.get("floors", {})}, args.entries)
    print(f"\nload average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
