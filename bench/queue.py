"""The workbench queue and the "due within 2 days" sweep at volume, on PostgreSQL.

    scripts/with-postgres.sh .venv/bin/python bench/queue.py [--complaints 1000000]

Generates the volume with ``manage.py generate_demo`` when the database holds
fewer complaints, then times (median of repeated runs) what a supervisor asks
of the queue — the first page, page 50 (OFFSET 2450) with its total, a search
by phone and one by reference, each as the page asks it (rows and total) — and
the sweep's query. Aim: under 100 ms each.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

from _support import PROJECT, require_postgres, setup_django


def timed(function, runs: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    samples, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--complaints", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    require_postgres()
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=PROJECT, check=True)
    setup_django()
    from django.db import connection

    from xiaobao.complaints.models import Complaint

    missing = args.complaints - Complaint.objects.count()
    if missing > 0:
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "manage.py", "generate_demo", "--complaints", str(missing)],
            cwd=PROJECT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        print(f"generated {missing:,} complaints in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum keeps a live database: index-only scans hold

    from xiaobao.complaints import selectors
    from xiaobao.identity.actors import actor_for_user
    from xiaobao.identity.models import Staff

    supervisor = actor_for_user(Staff.objects.get(user__username="anhe.supervisor").user)
    total = Complaint.objects.count()
    page_ms, rows = timed(lambda: selectors.queue(supervisor, selectors.QueueFilters()), args.runs)
    soon_ms, soon = timed(
        lambda: selectors.queue(supervisor, selectors.QueueFilters(due_within_days=2, flag="elderly")), args.runs
    )
    sweep_ms, due = timed(lambda: list(selectors.due_within(days=2).values_list("pk", flat=True)), args.runs)

    def asked(**params: str):  # type: ignore[no-untyped-def]
        filters = selectors.parse_queue_filters(params)
        return lambda: selectors.queue_page(supervisor, filters)

    page_50_ms, (_page_50, matching) = timed(asked(page="50"), args.runs)  # type: ignore[misc]
    sample = selectors.queue(supervisor, selectors.parse_queue_filters({"page": "700"}))[0].complaint
    phone = sample.complainant.phone  # +86137…: typed as a person would, with spaces
    typed_phone = f"{phone[3:6]} {phone[6:10]} {phone[10:]}"
    phone_ms, (by_phone, _n) = timed(asked(q=typed_phone), args.runs)  # type: ignore[misc]
    reference_ms, (by_reference, _n) = timed(asked(q=sample.reference.lower()), args.runs)  # type: ignore[misc]
    assert sample.pk in {row.complaint.pk for row in by_phone}, "the phone search missed its case"
    assert [row.complaint.pk for row in by_reference] == [sample.pk], "the reference search missed its case"
    print(f"complaints in the database: {total:,}")
    print(f"workbench queue, first page of {len(rows)}:            {page_ms:7.1f} ms  (aim < 100 ms)")  # type: ignore[arg-type]
    print(f"queue filtered: elderly, due within 2 days ({len(soon)}): {soon_ms:7.1f} ms")  # type: ignore[arg-type]
    print(f"sweep 'due within 2 days' ({len(due):,} deadlines):   {sweep_ms:7.1f} ms  (aim < 100 ms)")  # type: ignore[arg-type]
    print(f"queue page 50 (OFFSET 2450) and total of {matching:,}: {page_50_ms:7.1f} ms  (aim < 100 ms)")
    print(f"search by phone ({len(by_phone)} of that person's cases):   {phone_ms:7.1f} ms  (aim < 100 ms)")
    print(f"search by reference ({len(by_reference)} case):              {reference_ms:7.1f} ms  (aim < 100 ms)")


if __name__ == "__main__":
    main()
