"""Instructions one request executes inside the app, counted by valgrind: the same on every run.

    .venv/bin/python bench/instructions.py [--requests 30] [--only page,save,start]

On a shared VM, CPU time moves by 20-40% between minutes, more than most changes to a request.
valgrind's callgrind counts the instructions executed instead, which do not depend on what else
the machine is doing: the same code gives the same count to within about 1%. Use it to compare
two versions of the code (run it in each checkout); use bench/load.py for what is served.

What it runs: the participant's endpoints through Flask's test client on a fresh SQLite
database (the set-up of bench/request_costs.py), beside the bare app's GET /hello and POST
/write. Counting covers only the measured requests: a small C helper (compiled here with gcc
from valgrind's callgrind.h) switches it on and off around each loop.

Needs valgrind and gcc (both on the project's machines). Instructions are not time: C code
such as zlib runs more instructions per nanosecond than the Python interpreter does.
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ENDPOINTS = ("hello", "write", "save", "page", "home", "start")
TOGGLE_C = r"""
#include <valgrind/callgrind.h>
void count_start(void) { CALLGRIND_ZERO_STATS; CALLGRIND_START_INSTRUMENTATION; CALLGRIND_TOGGLE_COLLECT; }
void count_stop(const char *name) { CALLGRIND_TOGGLE_COLLECT; CALLGRIND_DUMP_STATS_AT(name); CALLGRIND_STOP_INSTRUMENTATION; }
"""


def build_toggle(workdir: Path) -> Path:
    source, library = workdir / "toggle.c", workdir / "libtoggle.so"
    source.write_text(TOGGLE_C)
    subprocess.run(["gcc", "-shared", "-fPIC", "-O2", "-o", library, source], check=True)
    return library


def measured_requests(library: str, names: list[str], requests: int) -> None:
    """Runs under valgrind: set up, then count each endpoint's loop of requests."""
    import ctypes

    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(ROOT))
    import common
    import load
    import request_costs

    from contest import create_app

    counter = ctypes.CDLL(library)
    with common.temp_dir("bench_instructions_") as workdir:
        database = common.TempDatabase("sqlite", workdir)
        bare_engine = None
        try:
            round_id, spare = load.prepare_database(database, workdir, 6, 240, requests + 2)
            os.environ["DATABASE_URL"] = database.url
            import bare_app

            bare_engine = bare_app.engine
            bare = bare_app.app.test_client()
            app = create_app(common.bench_config(database.url, workdir))
            client, token = request_costs.logged_in_client(app, "0900000000", load.PASSWORD)
            started = client.post(f"/vong/{round_id}/bat-dau", data={"csrf_token": token})
            attempt = int(started.headers["Location"].rsplit("/", 1)[1])
            spare_rounds = iter(spare)
            json_headers = {"X-CSRFToken": token, "Accept": "application/json"}
            calls = {
                "hello": lambda i: bare.get("/hello"),
                "write": lambda i: bare.post("/write", json={"n": i}),
                "save": lambda i: client.post(
                    f"/bai-thi/{attempt}/luu",
                    json={"position": i % 20 + 1, "chosen": [i % 4]},
                    headers=json_headers,
                ),
                "page": lambda i: client.get(f"/bai-thi/{attempt}", headers=request_costs.GZIP),
                "home": lambda i: client.get("/", headers=request_costs.GZIP),
                "start": lambda i: client.post(
                    f"/vong/{next(spare_rounds)}/bat-dau", data={"csrf_token": token}
                ),
            }
            expected = {"start": 302}
            for name in names:
                call = calls[name]
                if name != "start":  # warm up: caches, the pool, the first statement's compile
                    for i in range(3):
                        call(i)
                counter.count_start()
                statuses = {call(i).status_code for i in range(requests)}
                counter.count_stop(name.encode())
                if statuses != {expected.get(name, 200)}:
                    raise SystemExit(f"{name}: unexpected HTTP statuses {statuses}")
        finally:
            if bare_engine is not None:
                bare_engine.dispose()
            database.drop()


def totals(out_dir: Path) -> dict[str, int]:
    counts = {}
    for path in out_dir.glob("callgrind.out.*"):
        text = path.read_text(errors="replace")
        trigger = next((line for line in text.splitlines() if line.startswith("desc: Trigger")), "")
        if "Client Request" not in trigger:
            continue
        name = trigger.rsplit(":", 1)[1].strip()
        total = next(line for line in text.splitlines() if line.startswith("totals:"))
        counts[name] = int(total.split()[1])
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--only", default=",".join(ENDPOINTS), help="endpoints, comma-separated")
    parser.add_argument("--inside", help=argparse.SUPPRESS)  # the run under valgrind
    args = parser.parse_args()
    names = [name for name in args.only.split(",") if name]
    if unknown := set(names) - set(ENDPOINTS):
        raise SystemExit(f"unknown endpoints: {', '.join(sorted(unknown))}")
    if args.inside:
        measured_requests(args.inside, names, args.requests)
        return
    with tempfile.TemporaryDirectory(prefix="bench_instructions_") as tmp:
        workdir = Path(tmp)
        library = build_toggle(workdir)
        command = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            "--collect-atstart=no",
            f"--callgrind-out-file={workdir}/callgrind.out.%p",
            sys.executable,
            __file__,
            f"--requests={args.requests}",
            f"--only={args.only}",
            f"--inside={library}",
        ]
        run = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
        if run.returncode != 0:
            sys.stderr.write(run.stdout[-3000:] + run.stderr[-3000:])
            raise SystemExit(f"valgrind run failed ({run.returncode})")
        counts = totals(workdir)
    print(f"# bench/instructions.py — {args.requests} requests each, SQLite, test client")
    print(f"{'request':<8} {'instructions per request':>26}  {'÷ bare hello':>12}")
    hello = counts.get("hello")
    for name in names:
        per_request = counts[name] / args.requests
        ratio = f"{per_request / (hello / args.requests):.1f}×" if hello else ""
        print(f"{name:<8} {per_request / 1000:>23,.0f} k  {ratio:>12}")


if __name__ == "__main__":
    main()
