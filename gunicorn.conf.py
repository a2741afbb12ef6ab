"""gunicorn settings for `make serve`. Measured on 2 cores: sync workers beat threads on DB routes."""

import multiprocessing
import os

bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")


def default_workers() -> int:
    """One sync worker per core on SQLite; one more on PostgreSQL.

    With SQLite a request never waits (the database is a file on this host): Python time is the
    limit, and a third worker on 2 cores only made the workers take turns. Measured with
    bench/load.py on 2 cores, 2 workers served 10-47% more quiz pages, saves and starts than 3
    (docs/sizing.md). With PostgreSQL each statement waits for the server, and a spare worker
    runs meanwhile; on a separate database host the wait is longer: raise WEB_CONCURRENCY.
    """
    cores = multiprocessing.cpu_count()
    postgresql = os.environ.get("DATABASE_URL", "").startswith("postgres")
    return cores + 1 if postgresql else cores


workers = int(os.environ.get("WEB_CONCURRENCY", default_workers()))
worker_class = "sync"
# A judge's Excel download is built in the request: about 45 s of CPU for 200,000 ranking rows
# on a 2-core VM (docs/sizing.md). 120 s lets whole rounds of up to about 400,000 entries
# through; larger ones: `flask --app contest results export` until exports run as jobs.
timeout = 120
graceful_timeout = 30
keepalive = 5
# Restart workers now and then so that no slow leak builds up over a contest week.
max_requests = 20000
max_requests_jitter = 2000
accesslog = os.environ.get("ACCESS_LOG", "-")
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn 27's control socket defaults to one path per user (~/.gunicorn/gunicorn.ctl): two
# servers on one host (a test run beside `make serve`) would fight over it. Nothing uses it here.
control_socket_disable = True
