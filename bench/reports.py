"""A quarter's complaint statistics (CMP-S2) over 5,000,000 complaints, on PostgreSQL.

    scripts/with-postgres.sh .venv/bin/python bench/reports.py [--complaints 5000000] [--runs 5]

Fills the database up to ``--complaints`` complaints spread over the last 36 months, each with its decision
clock (CMP-T1..T3, met, missed or running), written by ``INSERT … SELECT … FROM generate_series`` in the
database itself (minutes, not hours: no row crosses the wire). Then it times, median of ``--runs``:

- the live statistics: every breakdown of a quarter read straight from the complaints and their clocks
  (``reports.selectors.live_statistics``, one GROUP BY per breakdown) — the plain way;
- the monthly summary's refresh for that quarter (``reports.actions.figures_refresh``: the same aggregates
  written to ``reports.MonthFigure``), what the worker does after the night's changes;
- the statistics the dashboard reads: the quarter from the summary (``reports.selectors.statistics``),
  as a compliance officer and as the regulator (every insurer side by side). Aim: under 2 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from _support import PROJECT, require_postgres, setup_django

MONTHS = 36


def timed(function: Callable[[], Any], runs: int) -> tuple[float, Any]:
    samples, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), result


def generate(missing: int) -> None:
    """``missing`` complaints and their clocks, made by the database from a series (no audit: load, not history)."""
    from django.db import connection, transaction

    from xiaobao.complaints.models import Complaint
    from xiaobao.identity.models import Branch, Consumer, Insurer
    from xiaobao.ops import clock

    description = Complaint._meta.get_field("description").get_prep_value("生成的投诉：理赔金额与预期不符。")
    insurers = list(Insurer.objects.order_by("pk").values_list("pk", flat=True))
    branches = {
        i: list(Branch.objects.filter(insurer_id=i, level__gte=3).values_list("pk", flat=True)) for i in insurers
    }
    consumers = list(Consumer.objects.order_by("pk").values_list("pk", flat=True)[:50])
    first = (Complaint.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    today = clock.today()
    # one array row per insurer, each padded to the same length (4) so the database picks by index
    branch_array = (
        "ARRAY[" + ",".join("ARRAY[" + ",".join(str(b) for b in (branches[i] * 4)[:4]) + "]" for i in insurers) + "]"
    )
    batch = 500_000
    for start in range(first, first + missing, batch):
        stop = min(start + batch, first + missing) - 1
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"""
                WITH g AS (
                  SELECT n, (n %% %(insurers)s) + 1 AS ins, hashint4(n) AS h, hashint4(n * 7 + 3) AS h2,
                         %(today)s::date - ((abs(hashint4(n * 13)) %% ({MONTHS} * 30)))::int AS day
                  FROM generate_series(%(start)s, %(stop)s) AS n
                )
                INSERT INTO complaints_complaint (
                  id, insurer_id, handling_branch_id, reference, channel, received_at, received_on, registered_at,
                  complainant_id, policy_number, policy_number_index, claim_reference, product_line, reason,
                  description, requested_outcome, complexity, elderly, disabled, new_urban_resident, group_size,
                  major_emergency, state, declined_reason, outcome, findings, basis, reasons, remedy,
                  review_requested_on, review_outcome, access_code_hash, fingerprint, mediation_wanted_on,
                  next_step, notified_at, decided_at, closed_at)
                SELECT n, (%(insurer_ids)s::bigint[])[ins], ({branch_array})[ins][(abs(h) %% 4) + 1],
                  'LN-B' || n, (ARRAY['hotline','web','app','email','letter','counter','regulator','partner'])[(abs(h) %% 8) + 1],
                  day + time '09:00' - interval '8 hours', day, day + time '09:00' - interval '8 hours',
                  (%(consumers)s::bigint[])[(abs(h2) %% %(consumer_count)s) + 1], '', '', '',
                  (ARRAY['motor','ordinary_life','participating_universal_life','illness','medical','accident','other_property'])[(abs(h / 8) %% 7) + 1],
                  (ARRAY['claims','sales','surrender','policy_service','other_service'])[(abs(h / 64) %% 5) + 1],
                  %(description)s, '', 'simple', abs(h2) %% 100 < 15, abs(h2 / 100) %% 100 < 3,
                  abs(h2 / 10000) %% 100 < 10, 1, false,
                  CASE WHEN abs(h / 512) %% 50 = 0 THEN 'declined'
                       WHEN day > %(today)s::date - 20 AND abs(h / 512) %% 3 = 0 THEN 'investigating'
                       ELSE 'closed' END,
                  '',
                  CASE WHEN abs(h / 512) %% 50 = 0 OR (day > %(today)s::date - 20 AND abs(h / 512) %% 3 = 0) THEN ''
                       ELSE (ARRAY['upheld','partly_upheld','not_upheld','settled'])[(abs(h / 4096) %% 4) + 1] END,
                  '', '', '', '',
                  CASE WHEN abs(h2 / 1000000) %% 20 = 0 THEN day + 20 END, '', '', '',
                  CASE WHEN abs(h2 / 1000000) %% 25 = 1 THEN day + 25 END,
                  CASE WHEN abs(h2 / 1000000) %% 25 = 1 THEN 'mediation' ELSE '' END,
                  NULL, NULL, NULL
                FROM g
                """,
                {
                    "start": start,
                    "stop": stop,
                    "today": today,
                    "insurers": len(insurers),
                    "insurer_ids": insurers,
                    "consumers": consumers,
                    "consumer_count": len(consumers),
                    "description": description,
                },
            )
            # the decision clock: met under CMP-T1 (most), T2 or T3, missed, or still running
            cursor.execute(
                """
                INSERT INTO complaints_deadline (complaint_id, insurer_id_copy, rule_id, start, due, paused_days,
                  provisional, state, active, closed_on, target)
                SELECT c.id, c.insurer_id,
                  (ARRAY['CMP-T1','CMP-T1','CMP-T1','CMP-T1','CMP-T1','CMP-T1','CMP-T1','CMP-T2','CMP-T2','CMP-T3'])[(abs(hashint4((c.id * 5)::int)) %% 10) + 1],
                  c.received_on, c.received_on + 15, 0, false,
                  CASE WHEN c.state = 'investigating' THEN 'running'
                       WHEN abs(hashint4((c.id * 11)::int)) %% 10 = 0 THEN 'missed' ELSE 'met' END,
                  c.state = 'investigating',
                  CASE WHEN c.state = 'investigating' THEN NULL ELSE c.received_on + 12 END, NULL
                FROM complaints_complaint c WHERE c.id BETWEEN %(start)s AND %(stop)s
                """,
                {"start": start, "stop": stop},
            )
        print(f"  {stop - first + 1:,} of {missing:,} complaints", flush=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('complaints_complaint', 'id'), (SELECT max(id) FROM complaints_complaint))"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--complaints", type=int, default=5_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--generate-only", action="store_true")
    args = parser.parse_args()
    require_postgres()
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=PROJECT, check=True)
    subprocess.run([sys.executable, "manage.py", "demo_load"], cwd=PROJECT, check=True, stdout=subprocess.DEVNULL)
    setup_django()
    from django.db import connection

    from xiaobao.complaints.models import Complaint

    missing = args.complaints - Complaint.objects.count()
    if missing > 0:
        started = time.perf_counter()
        generate(missing)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # as autovacuum keeps a live database: index-only scans hold
        print(f"generated {missing:,} complaints and their clocks in {time.perf_counter() - started:.0f} s")
    if args.generate_only:
        return
    measure(args.runs)


def measure(runs: int) -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection

    from xiaobao.complaints.models import Complaint
    from xiaobao.identity.actors import actor_for_user
    from xiaobao.kernel.actors import SYSTEM
    from xiaobao.ops import clock
    from xiaobao.reports import actions, selectors
    from xiaobao.reports.domain import disclosure
    from xiaobao.reports.domain.periods import Granularity, period_of
    from xiaobao.reports.models import MonthFigure

    quarter = period_of(Granularity.QUARTER, clock.today()).previous()
    if not get_user_model().objects.filter(username="regulator").exists():  # a database from before the role
        from xiaobao.identity.actions import regulator_create

        regulator_create(actor=SYSTEM, username="regulator", display_name="bench", password="bench-only-password")
    compliance = actor_for_user(get_user_model().objects.get(username="anhe.compliance"))
    regulator = actor_for_user(get_user_model().objects.get(username="regulator"))
    total = Complaint.objects.count()
    in_quarter = Complaint.objects.filter(received_on__range=(quarter.first_day, quarter.last_day)).count()
    print(f"complaints in the database: {total:,}; received in {quarter.label()}: {in_quarter:,}")

    live_s, live = timed(lambda: selectors.live_statistics(regulator, quarter), max(1, runs // 2))
    print(f"live statistics (GROUP BY over complaints and clocks), every insurer: {live_s:6.2f} s")
    refresh_s, written = timed(lambda: actions.figures_refresh(actor=SYSTEM, months=quarter.months()), 1)
    print(f"summary refresh of the quarter's 3 months ({written:,} summary rows):      {refresh_s:6.2f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE reports_monthfigure")
    summary_rows = MonthFigure.objects.filter(month__in=quarter.months()).count()
    print(f"summary rows read for the quarter: {summary_rows:,}")
    own_s, own = timed(lambda: selectors.statistics(compliance, quarter), runs)
    print(f"dashboard statistics, one insurer's compliance ({own.received:,} received):  {own_s:6.3f} s  (aim < 2 s)")
    all_s, every = timed(lambda: selectors.statistics(regulator, quarter), runs)
    print(f"dashboard statistics, regulator, every insurer ({every.received:,} received): {all_s:6.3f} s  (aim < 2 s)")
    tables = ", ".join(f"{name} {len(rows)}" for name, rows in every.tables.items())
    print(f"tables of the regulator's statistics (rows each): {tables}")
    # the regulator reads counts rounded to a multiple of XIAOBAO_REPORT_MIN_CELL (ADR 0019, addendum)
    min_cell = settings.XIAOBAO_REPORT_MIN_CELL
    assert every.received == disclosure.shown_count(in_quarter, min_cell), "the summary lost or added complaints"
    assert every.received == disclosure.shown_count(live.received, min_cell), "the summary and the live count differ"


if __name__ == "__main__":
    main()
