"""Intake through the proxy of `make cluster` with 2 and then 4 workers of each kind, in one run (issue #20 item 3).

For each worker count, scripts/cluster.sh starts nginx in front of gunicorn processes (CLUSTER_WEB, each
with CLUSTER_WEB_CONCURRENCY workers), that many intake workers (they register the complaints the requests
acknowledged, ADR 0023) and task workers on Redis (they send the notices), on the PostgreSQL of this run. wrk registers
complaints through nginx (``/api/v1/complaints``, each with its own description and Idempotency-Key) for
``--seconds``; then the run waits until the workers have sent every notice about them. Printed per worker
count: requests per second and p50/p99 as wrk saw them; the complaints created; the notices, sent and how
often each was attempted (every case and notice counted once, including the requests still in flight when
wrk stopped); and the end-to-end rate (complaints whose
notice was sent, per second from the first request to the last notice). The machine's cores are printed:
with two cores, web processes, workers, nginx and PostgreSQL share them, and more workers cannot add cores.

    scripts/with-postgres.sh .venv/bin/python bench/scale.py [--seconds 15] [--connections 32] [--web 2]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from _support import BIN, PROJECT, Load, free_port, require_postgres, setup_django, wrk


def start_cluster(
    workers: int, args: argparse.Namespace, log: Path, *, demo: bool
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [str(PROJECT / "scripts" / "cluster.sh")],
        cwd=PROJECT,
        env={
            **os.environ,
            "CLUSTER_PORT": str(port),
            "CLUSTER_WORKERS": str(workers),
            "CLUSTER_INTAKE_WORKERS": str(workers),
            "CLUSTER_WEB": str(args.web),
            "CLUSTER_WEB_CONCURRENCY": str(args.web_concurrency),
            "CLUSTER_DEMO": "1" if demo else "0",
            "VENV_BIN": str(BIN),
        },
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 180
    while b"cluster ready" not in log.read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            sys.exit(f"the cluster did not start:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.3)
    return process, f"http://127.0.0.1:{port}"


def stop_cluster(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _new_complaint_ids(first_receipt: int) -> tuple[list[str], int]:
    """(complaints registered from receipts ``first_receipt`` on, receipts not yet done) — write-behind intake
    (ADR 0023): the request keeps a receipt, an intake worker registers the complaint."""
    from xiaobao.complaints.models import Receipt

    receipts = Receipt.objects.filter(pk__gte=first_receipt)
    ids = [str(pk) for pk in receipts.filter(state="done").values_list("complaint_id", flat=True)]
    return ids, receipts.exclude(state="done").count()


def wait_for_notices(first_receipt: int, seconds: float) -> float:
    """Seconds until every receipt from ``first_receipt`` on is registered, every notice about its complaint is
    sent, and no receipt came in for a second (requests wrk had sent when it stopped still land), or NaN."""
    from xiaobao.notifications.models import Notification, Status

    started = time.monotonic()
    previous: list[str] | None = None
    while time.monotonic() - started < seconds:
        ids, owed = _new_complaint_ids(first_receipt)
        notices = Notification.objects.filter(about_type="complaints.complaint", about_id__in=ids)
        told = set(notices.values_list("about_id", flat=True))
        if not owed and ids == previous and told == set(ids) and not notices.exclude(status=Status.SENT).exists():
            return time.monotonic() - started - 1.0
        previous = ids
        time.sleep(1.0)
    return float("nan")


def count(first_receipt: int) -> dict[str, int]:
    from django.db.models import Count, Max

    from xiaobao.audit.models import AuditEvent
    from xiaobao.complaints.models import Receipt
    from xiaobao.notifications.models import Notification, Status

    receipts = Receipt.objects.filter(pk__gte=first_receipt)
    ids, _ = _new_complaint_ids(first_receipt)
    notices = Notification.objects.filter(about_type="complaints.complaint", about_id__in=ids)
    sent_events = (
        AuditEvent.objects.filter(
            event_type="notification.sent", subject_id__in=[str(pk) for pk in notices.values_list("pk", flat=True)]
        )
        .values("subject_id")
        .annotate(n=Count("id"))
        .aggregate(most=Max("n"))
    )
    return {
        "receipts": receipts.count(),
        "complaints": len(set(ids)),
        "notices": notices.count(),
        "sent": notices.filter(status=Status.SENT).count(),
        "attempted more than once": notices.filter(attempts__gt=1).count(),
        "most sent events for one notice": sent_events["most"] or 0,
        "complaints without a notice": len(set(ids) - set(notices.values_list("about_id", flat=True))),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--web", type=int, default=2, help="gunicorn processes behind nginx")
    parser.add_argument("--web-concurrency", type=int, default=1, help="gunicorn workers in each")
    parser.add_argument("--workers", default="2,4", help="task worker counts to compare")
    args = parser.parse_args()
    require_postgres()
    work = Path(os.environ.get("TMPDIR", "/tmp"))
    results: dict[int, tuple[Load, dict[str, int], float, float]] = {}
    token = body = ""
    for index, workers in enumerate(int(n) for n in args.workers.split(",")):
        process, url = start_cluster(
            workers, args, work / f"xiaobao-scale-{os.getpid()}-{workers}.log", demo=index == 0
        )
        try:
            if index == 0:
                setup_django()
                token, body = prepare_request()
            from xiaobao.complaints.models import Receipt

            wrk(
                url,
                "/api/v1/complaints",
                body,
                {"Authorization": f"Bearer {token}"},
                connections=8,
                seconds=2,
                prefix="warm",
            )
            wait_for_notices(0, 60)
            first_new = (Receipt.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
            started = time.monotonic()
            load = wrk(
                url,
                "/api/v1/complaints",
                body,
                {"Authorization": f"Bearer {token}"},
                connections=args.connections,
                seconds=args.seconds,
                prefix=f"scale-{workers}",
            )
            loaded = time.monotonic() - started
            drained_after = wait_for_notices(first_new, 300)
            total = loaded + drained_after  # the last second of quiet the wait asked for is not counted
            health = json.load(urllib.request.urlopen(f"{url}/healthz", timeout=5))
            assert health["worker"]["alive"] == workers, health
            results[workers] = (load, count(first_new), drained_after, total)
        finally:
            stop_cluster(process)
    report(results, args)


def prepare_request() -> tuple[str, str]:
    from xiaobao.identity.actions import staff_key_issue
    from xiaobao.identity.actors import actor_for_user
    from xiaobao.identity.models import Branch, Consumer, Staff

    staff = Staff.objects.get(user__username="anhe.handler")
    _, token = staff_key_issue(actor=actor_for_user(staff.user), label="bench scale")
    body = json.dumps(
        {
            "handling_branch_id": Branch.objects.get(insurer=staff.insurer, code="LN-SY").pk,
            "channel": "web",
            "received_at": "2026-01-05T09:00:00+08:00",
            "product_line": "medical",
            "reason": "claims",
            "description": "住院医疗费用理赔被拒，理由不清楚，请重新审核。（{{n}}）",
            "requested_outcome": "按合同赔付",
            "complainant_id": Consumer.objects.get(user__username="consumer.elder").pk,
        },
        ensure_ascii=False,
    )
    return token, body


def report(results: dict[int, tuple[Load, dict[str, int], float, float]], args: argparse.Namespace) -> None:
    print(
        f"intake through nginx -> {args.web} gunicorn x {args.web_concurrency} sync worker(s); {args.connections} "
        f"connections, {args.seconds} s; PostgreSQL; Redis queue; cores (nproc): {os.cpu_count()}"
    )
    for workers, (load, counted, drained_after, total) in results.items():
        end_to_end = counted["sent"] / total if total else float("nan")
        print(
            f"{workers} workers: {load.rate:7.1f} req/s  p50 {load.p50_ms:6.1f} ms  p99 {load.p99_ms:6.1f} ms  "
            f"({load.requests} requests, {load.errors} errors); notices drained {drained_after:5.1f} s after the load; "
            f"end to end {end_to_end:6.1f} complaints notified/s"
        )
        print(f"  counted: {counted}")
    if len(results) == 2:
        (low, (low_load, low_counted, _, low_total)), (high, (high_load, high_counted, _, high_total)) = results.items()
        ratio = (high_counted["sent"] / high_total) / (low_counted["sent"] / low_total)
        print(
            f"{high} vs {low} workers: intake {high_load.rate / low_load.rate:.2f}x, end to end {ratio:.2f}x "
            f"(the issue's aim >= 1.7x needs the cores for it: this machine has {os.cpu_count()})"
        )
    exact = all(
        c["receipts"] == c["complaints"] == c["notices"] == c["sent"]
        and c["attempted more than once"] == 0
        and c["most sent events for one notice"] == 1
        for _, c, _, _ in results.values()
    )
    print(f"every case and notice counted once: {'yes' if exact else 'NO'}")


if __name__ == "__main__":
    main()
