"""Benchmark of the deadline engine (issue "Statutory deadline engine").

Prints due-date computations per second in one process, and the time to
recompute the deadlines of one million open cases (a mix of rules, a tenth of
them paused). Aim: at least 200,000 computations per second.

    python bench/deadlines.py [--cases 1000000]
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date, timedelta

from xiaobao.deadlines.clock import compute, due_date
from xiaobao.deadlines.rules import DEFAULT
from xiaobao.kernel.state_council import seed_calendar

# Open cases are mostly complaints on the 15-day clock; the rest spread over the other rules.
RULE_MIX = ["CMP-T1"] * 6 + ["CMP-T2", "CMP-T3", "CLM-T2", "CLM-T3", "CLM-T4", "CLM-T6", "CMP-T6"]


def workload(cases: int, seed: int = 20261125) -> list[tuple[object, date, int]]:
    rng = random.Random(seed)
    first = date(2025, 1, 1)
    return [
        (
            DEFAULT[rng.choice(RULE_MIX)],
            first + timedelta(days=rng.randrange(0, 600)),  # starts up to mid-2026: due dates stay in the calendar
            rng.randrange(1, 20) if rng.random() < 0.1 else 0,
        )
        for _ in range(cases)
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    args = parser.parse_args()

    started = time.perf_counter()
    calendar = seed_calendar()
    build = time.perf_counter() - started

    cases = workload(args.cases)
    for rule, start, paused in cases[:10_000]:  # warm up
        due_date(rule, start, calendar, paused_days=paused)  # type: ignore[arg-type]

    started = time.perf_counter()
    for rule, start, paused in cases:
        due_date(rule, start, calendar, paused_days=paused)  # type: ignore[arg-type]
    recompute = time.perf_counter() - started

    explained = cases[:50_000]
    started = time.perf_counter()
    for rule, start, _ in explained:
        compute(rule, start, calendar)  # type: ignore[arg-type]
    explain_rate = len(explained) / (time.perf_counter() - started)

    print(f"calendar build ({calendar.years[0]}-{calendar.years[-1]}): {build * 1000:.1f} ms")
    print(f"due-date computations per second: {len(cases) / recompute:,.0f}  (aim >= 200,000)")
    print(f"recompute {len(cases):,} open cases: {recompute:.2f} s")
    print(f"explained computations per second: {explain_rate:,.0f}")


if __name__ == "__main__":
    main()
