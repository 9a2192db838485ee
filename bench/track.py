"""The consumer's tracking page on PostgreSQL, beside a bare Django page reading one row, in one run.

The tracking page: session, the complaint, its active deadline, the consumer-visible
audit timeline, effective extensions, translation and the full template. The
bare page reads one row and returns a line of HTML. wrk, 32 connections.

    scripts/with-postgres.sh .venv/bin/python bench/track.py [--seconds 15]

Aim: at least half the bare rate, p99 under 30 ms.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

from _support import PROJECT, gunicorn, require_postgres, setup_django, wrk


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    require_postgres()
    for command in (["migrate", "-v0"], ["demo_load"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=PROJECT, check=True, capture_output=True)
    setup_django()
    from django.contrib.sessions.backends.db import SessionStore

    from xiaobao.complaints.models import Complaint
    from xiaobao.ops.models import LoadProbe

    complaint = Complaint.objects.filter(state="investigating").order_by("pk").first() or Complaint.objects.first()
    assert complaint is not None
    LoadProbe.objects.get_or_create(note="track-baseline")
    session = SessionStore()
    session["portal_tracked"] = [complaint.pk]
    session.create()
    cookie = {"Cookie": f"sessionid={session.session_key}; django_language=zh-hans"}
    env = {"XIAOBAO_BENCH_ENDPOINTS": "1", "DATABASE_URL": os.environ["DATABASE_URL"], "DEBUG": "false"}
    results = {}
    with gunicorn(env, workers=args.workers, threads=args.threads) as url:
        for name, path in (("bare read", "/bench/bare-read"), ("tracking", f"/track/{complaint.reference}/")):
            wrk(url, path, None, cookie, connections=args.connections, seconds=3, prefix="warm", method="GET")
            results[name] = wrk(
                url, path, None, cookie, connections=args.connections, seconds=args.seconds, prefix=name, method="GET"
            )
    for name, load in results.items():
        print(
            f"{name:<10} {load.rate:8.1f} req/s  p50 {load.p50_ms:6.1f} ms  p99 {load.p99_ms:6.1f} ms  "
            f"({load.requests} requests, {load.errors} errors)"
        )
    ratio = results["tracking"].rate / results["bare read"].rate
    print(
        f"tracking / bare = {ratio:.2f}  (aim >= 0.50; p99 aim < 30 ms)  "
        f"[{args.connections} connections, gunicorn {args.workers}x{args.threads} gthread, PostgreSQL]"
    )


if __name__ == "__main__":
    main()
