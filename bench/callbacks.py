"""The call-back queue and its timeliness figures at volume (RULES.md INC-E3).

    DATABASE_URL=sqlite:///var/bench-callbacks.sqlite3 .venv/bin/python bench/callbacks.py [--requests 50000]
    scripts/with-postgres.sh .venv/bin/python bench/callbacks.py

Fills one insurer with requests spread over the last 60 days (bulk rows, no audit trail: volume only), most of
them handled, a few hundred still waiting, then times (median of repeated runs) what the queue page asks: the
first 200 waiting requests in the queue's order, with their phones decrypted and masked, and the eight figures
(today and the last 30 days) in one query. Aim: under 100 ms each.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from datetime import timedelta

from _support import PROJECT, setup_django


def timed(function, runs: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    samples, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=PROJECT, check=True)
    setup_django()
    from xiaobao.callbacks import selectors
    from xiaobao.callbacks.domain.timing import Slot, call_target
    from xiaobao.callbacks.models import CallbackRequest
    from xiaobao.identity import actions
    from xiaobao.identity.actors import actor_for_user
    from xiaobao.identity.domain.branches import BranchLevel
    from xiaobao.identity.models import Insurer, Staff
    from xiaobao.kernel.actors import SYSTEM, Role
    from xiaobao.ops import clock

    insurer = Insurer.objects.filter(code="bench-callbacks").first()
    if insurer is None:
        insurer = actions.insurer_create(actor=SYSTEM, code="bench-callbacks", name="bench call-backs")
        branch = actions.branch_create(
            actor=SYSTEM, insurer_id=insurer.pk, code="HO", name="head office", level=BranchLevel.HEAD_OFFICE
        )
        actions.staff_create(
            actor=SYSTEM,
            insurer_id=insurer.pk,
            branch_id=branch.pk,
            username="bench-callbacks.handler",
            display_name="bench handler",
            password="bench-callbacks-password",
            roles=[Role.HANDLER],
        )
    handler = actor_for_user(Staff.objects.get(user__username="bench-callbacks.handler").user)
    missing = args.requests - CallbackRequest.objects.filter(insurer=insurer).count()
    now = clock.now()
    if missing > 0:
        started = time.perf_counter()
        pick = random.Random(15)
        rows = []
        for n in range(missing):
            requested = now - timedelta(minutes=pick.randrange(0, 60 * 24 * 60))
            priority = pick.random() < 0.3
            target = call_target(slot=Slot.SOON, requested_at=requested, priority=priority)
            waiting = requested > now - timedelta(hours=6) or pick.random() < 0.005
            attempt = None if waiting else target.due_at + timedelta(minutes=pick.randrange(-100, 40))
            rows.append(
                CallbackRequest(
                    insurer=insurer,
                    reference=f"CB-BENCH-{n:07d}",
                    idempotency_key=f"bench-{n}",
                    phone=f"+86138{n:08d}",
                    phone_index=f"bench{n}",
                    priority=priority,
                    elderly=priority,
                    requested_at=requested,
                    target_at=target.due_at,
                    late_after=target.late_after,
                    state="open" if waiting else "called",
                    attempts=0 if waiting else 1,
                    first_attempt_at=attempt,
                    handled_at=attempt,
                )
            )
        CallbackRequest.objects.bulk_create(rows, batch_size=2000)
        print(f"generated {missing:,} call-back requests in {time.perf_counter() - started:.0f} s")
    total = CallbackRequest.objects.filter(insurer=insurer).count()
    queue_ms, queue = timed(lambda: selectors.callback_queue(handler, now), args.runs)
    figures_ms, figures = timed(lambda: selectors.queue_figures(handler, now), args.runs)
    waiting = selectors.waiting_requests(handler).count()
    print(f"requests of the insurer: {total:,}, waiting: {waiting:,}")
    print(f"queue, first {len(queue)} waiting (phones decrypted): {queue_ms:7.1f} ms  (aim < 100 ms)")  # type: ignore[arg-type]
    print(f"figures, today and 30 days, one query:       {figures_ms:7.1f} ms  (aim < 100 ms)")
    print(f"  {figures}")


if __name__ == "__main__":
    main()
