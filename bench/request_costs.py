"""What one request costs inside the app: CPU time and SQL statements, without HTTP or a client.

    .venv/bin/python bench/request_costs.py [--requests 300] [--rounds 3]

Runs the participant's endpoints through Flask's test client on a fresh SQLite database (the
same set-up as bench/load.py), with the app's rate limits on (as served) and off, beside the
bare app of bench/bare_app.py (GET /hello, POST /write). Prints the best CPU milliseconds per
request over --rounds rounds and the SQL statements each request runs. Without the HTTP server
and the load generator these figures are steadier than load.py's on a busy machine, and their
ratios show what per-request work limits the served figures.
"""

import argparse
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

GZIP = {"Accept-Encoding": "gzip"}
CSRF_META = re.compile(r'name="csrf-token" content="([^"]+)"')


class StatementCounter:
    def __init__(self):
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        self.statements: list[str] = []
        event.listen(Engine, "before_cursor_execute", self._record)

    def _record(self, _conn, _cursor, statement, *_args):
        self.statements.append(" ".join(statement.split())[:70])


def logged_in_client(app, phone: str, password: str):
    client = app.test_client()
    token = CSRF_META.search(client.get("/dang-nhap").get_data(as_text=True)).group(1)
    response = client.post(
        "/dang-nhap", data={"identifier": phone, "password": password, "csrf_token": token}
    )
    assert response.status_code == 302, response.status_code
    token = CSRF_META.search(client.get("/").get_data(as_text=True)).group(1)
    return client, token


def measure(function, requests: int, rounds: int, counter: StatementCounter, expect: int):
    """(best CPU ms per request, statements per request, most common statements)."""
    function(0)
    best = float("inf")
    counter.statements.clear()
    for round_number in range(rounds):
        start = time.process_time()
        for i in range(requests):
            status = function(1 + round_number * requests + i)
            if status != expect:
                raise SystemExit(f"unexpected HTTP {status}")
        best = min(best, (time.process_time() - start) / requests * 1000)
    per_request = len(counter.statements) / (requests * rounds)
    common_statements = Counter(counter.statements).most_common()
    return best, per_request, [(n / (requests * rounds), s) for s, n in common_statements]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--max-seconds", type=float, default=600)
    parser.add_argument("--show-statements", action="store_true")
    args = parser.parse_args()
    budget = common.Budget(args.max_seconds, "request_costs")

    import load  # the same database set-up as the load bench

    from contest import create_app

    print(f"# bench/request_costs.py — {common.machine_line()}")
    print(f"load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    counter = StatementCounter()
    rows, details = [], []
    spare_needed = args.requests * args.rounds + 1
    with common.temp_dir("bench_costs_") as workdir:
        database = common.TempDatabase("sqlite", workdir)
        try:
            round_id, spare = load.prepare_database(database, workdir, 6, 240, spare_needed)
            os.environ["DATABASE_URL"] = database.url
            import bare_app

            bare = bare_app.app.test_client()
            from sqlalchemy import text

            with bare_app.engine.begin() as conn:
                conn.execute(text("SELECT 1"))
            results = {}
            results["bare hello"] = measure(
                lambda i: bare.get("/hello").status_code, args.requests, args.rounds, counter, 200
            )
            results["bare write"] = measure(
                lambda i: bare.post("/write", json={"n": i}).status_code,
                args.requests,
                args.rounds,
                counter,
                200,
            )
            for limiter_on, first_user in ((True, 0), (False, 3)):
                budget.check()
                config = common.bench_config(database.url, workdir)
                config["RATELIMIT_ENABLED"] = limiter_on
                app = create_app(config)
                suffix = " (limiter on)" if limiter_on else " (limiter off)"
                # Saves rotate over three accounts: 600 saves per 10 minutes per account is
                # the limit, and the loop would reach it.
                pool = []
                for user in range(first_user, first_user + 3):
                    client, token = logged_in_client(app, f"09{user:08d}", load.PASSWORD)
                    started = client.post(f"/vong/{round_id}/bat-dau", data={"csrf_token": token})
                    attempt = int(started.headers["Location"].rsplit("/", 1)[1])
                    pool.append((client, token, attempt))
                saves = args.requests * args.rounds + 1
                if limiter_on and saves / len(pool) > 600:
                    raise SystemExit("more than 600 saves per account: lower --requests/--rounds")
                client, token, attempt = pool[0]

                def save(i, pool=pool):
                    client, token, attempt = pool[i % len(pool)]
                    body = {"position": i % 20 + 1, "chosen": [(i * 7 + i // 20) % 4]}
                    headers = {"X-CSRFToken": token, "Accept": "application/json"}
                    return client.post(
                        f"/bai-thi/{attempt}/luu", json=body, headers=headers
                    ).status_code

                results["save answer" + suffix] = measure(
                    save, args.requests, args.rounds, counter, 200
                )
                results["quiz page" + suffix] = measure(
                    lambda i, c=client, a=attempt: c.get(f"/bai-thi/{a}", headers=GZIP).status_code,
                    args.requests,
                    args.rounds,
                    counter,
                    200,
                )
                results["home" + suffix] = measure(
                    lambda i, c=client: c.get("/", headers=GZIP).status_code,
                    args.requests,
                    args.rounds,
                    counter,
                    200,
                )
                if limiter_on:
                    rounds_left = iter(spare)
                    results["start" + suffix] = measure(
                        lambda i, c=client, t=token, it=rounds_left: (
                            c.post(f"/vong/{next(it)}/bat-dau", data={"csrf_token": t}).status_code
                        ),
                        args.requests,
                        args.rounds,
                        counter,
                        302,
                    )
        finally:
            try:
                import bare_app

                bare_app.engine.dispose()
            except ImportError:
                pass
            database.drop()

    hello_ms = results["bare hello"][0]
    write_ms = results["bare write"][0]
    for name, (ms, statements, common_statements) in results.items():
        base = hello_ms if name.startswith(("quiz page", "home", "bare hello")) else write_ms
        base_name = "hello" if base is hello_ms else "write"
        rows.append(
            [name, f"{ms:.2f}", f"{statements:.1f}", f"{base / ms:.2f}× of bare {base_name}"]
        )
        details.append((name, common_statements))
    print()
    print(
        common.table(
            [
                "request",
                "CPU ms",
                "SQL statements",
                "bare ÷ this (in-process: served ratios are higher)",
            ],
            rows,
            title=f"In-process cost per request (best of {args.rounds} × {args.requests})",
        )
    )
    if args.show_statements:
        for name, common_statements in details:
            print(f"\n{name}:")
            for count, statement in common_statements[:12]:
                print(f"  {count:4.1f}× {statement}")
    print(f"\nload average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
