"""Background jobs (issue 16): long work, today a judge's large export, run by the workers of a
task queue (Huey). The queue only delivers a job's id; the `job` table is the truth the pages
read, so that any host may show a job and a job whose worker died is found and queued again.

- settings.py  every setting once, read from the app's config (and so the environment)
- queue.py     the Huey instance, its tasks and the worker (consumer)
- service.py   the job table: create, claim, renew, finish, re-queue, expire
- exports.py   the export job: its parameters, its size, the file written and renamed
- runner.py    what a worker does with one job id
- routes.py    the judges' pages: a job, its status (JSON), its file, their own jobs
- health.py    the queue's check for /healthz (contest/main/health.py lists it)
"""
