"""The consumer's tracking page on PostgreSQL, beside a bare Django page reading one row, in one run.

The tracking page: session, the complaint with its timeline version, and then either the
kept page (portal/page_cache.py: unchanged since it was last drawn, with this browser's
CSRF token put in) or — drawn — its active deadline, the consumer-visible audit timeline,
effective extensions, translation and the full template. The bare page reads one row and
returns a line of HTML. Three servers in one run: bare, tracking as deployed, and tracking
with the page cache off (every view drawn, as for a page that just changed). wrk, 32 connections,
as a browser that has been here before (session, language and CSRF cookies); gunicorn as
deployed (xiaobao/config/gunicorn.py: sync workers, one per core).

    scripts/with-postgres.sh .venv/bin/python bench/track.py [--seconds 15]

Aim: at least half the bare rate, p99 under 30 ms.
"""

from __future__ import annotations

import argparse
import os

from _support import gunicorn, load_arguments, prepare_database, print_comparison, require_postgres, setup_django, wrk


def main() -> None:
    parser = argparse.ArgumentParser()
    load_arguments(parser)
    args = parser.parse_args()
    require_postgres()
    prepare_database()
    setup_django()
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils.crypto import get_random_string

    from xiaobao.complaints.models import Complaint
    from xiaobao.ops.models import LoadProbe

    complaint = Complaint.objects.filter(state="investigating").order_by("pk").first() or Complaint.objects.first()
    assert complaint is not None
    LoadProbe.objects.get_or_create(note="track-baseline")
    session = SessionStore()
    session["portal_tracked"] = [complaint.pk]
    session.create()
    # As a browser that has been here before: its session, language and CSRF cookie.
    cookie = {"Cookie": f"sessionid={session.session_key}; django_language=zh-hans; csrftoken={get_random_string(32)}"}
    env = {"XIAOBAO_BENCH_ENDPOINTS": "1", "DATABASE_URL": os.environ["DATABASE_URL"], "DEBUG": "false"}
    results = {}
    runs = (
        ("bare read", "/bench/bare-read", {}),
        ("tracking", f"/track/{complaint.reference}/", {}),
        ("tracking, drawn every time", f"/track/{complaint.reference}/", {"XIAOBAO_PAGE_CACHE_SECONDS": "0"}),
    )
    for name, path, extra in runs:
        with gunicorn({**env, **extra}, args) as url:
            wrk(url, path, None, cookie, connections=args.connections, seconds=3, prefix="warm", method="GET")
            results[name] = wrk(
                url, path, None, cookie, connections=args.connections, seconds=args.seconds, prefix=name, method="GET"
            )
    print_comparison(results, full="tracking", bare="bare read", p99_aim_ms=30, args=args)


if __name__ == "__main__":
    main()
