"""Complaint intake through the API on PostgreSQL, beside a bare Django insert, measured in one run (issue #20).

Write-behind (ADR 0023): the request checks the complaint, writes one receipt in autocommit and answers 202;
``manage.py run_intake`` registers it — routing, duplicate check, deadline, audit event, notice — and the task
worker delivers the notice. One run prints:

1. the bare one-row insert, the write-behind intake, the portal's complaint form (write-behind: a consumer's
   session with a verified phone and a CSRF token, prepared before wrk), and the intake registered in the
   request (``XIAOBAO_INTAKE_IMMEDIATE=1``, as before #20), each driven by wrk with 32 connections against one
   gunicorn as deployed: req/s, p50, p99, and the ratio to the bare insert (aim ≥ 0.5, p99 < 50 ms);
2. sustained registrations per second with 1 and with 2 intake workers, from a backlog of receipts;
3. at a steady rate (``--paced-rate``) with one intake worker and one task worker running: the time from the
   acknowledgement to the case registered and to the notice sent, p50 and p99.

Each request carries a different description and Idempotency-Key, so every one is a new complaint. Without a
PostgreSQL ``DATABASE_URL`` it starts its own cluster with fsync, synchronous_commit and full_page_writes on
(the figures are about durable acknowledgements):

    .venv/bin/python bench/intake.py [--seconds 15] [--window 10] [--paced-rate 10]
"""

from __future__ import annotations

# isort: off
import _support  # first: it moves bench/ to the end of sys.path (bench/queue.py shadows the standard queue)

# isort: on
import argparse
import contextlib
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from _support import gunicorn, load_arguments, prepare_database, print_comparison, setup_django, wrk

BODY = {
    "channel": "web",
    "product_line": "medical",
    "reason": "claims",
    "description": "住院医疗费用理赔被拒，理由不清楚，请重新审核。（{{n}}）",  # each one different
    "requested_outcome": "按合同赔付",
}


@contextlib.contextmanager
def database() -> Iterator[str]:
    given = os.environ.get("DATABASE_URL", "")
    if given.startswith("postgres"):
        yield given
        return
    with _support.durable_postgres() as cluster:
        yield cluster.url


LOG = Path(tempfile.gettempdir()) / "xiaobao-bench-intake-workers.log"


def processes(command: str, count: int, env: dict[str, str], *extra: str) -> list[subprocess.Popen[bytes]]:
    """``count`` worker processes; what they say goes to ``LOG``."""
    with LOG.open("ab") as log:
        return [
            subprocess.Popen(
                [sys.executable, "manage.py", command, *extra],
                cwd=_support.PROJECT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            for _ in range(count)
        ]


def stop(running: list[subprocess.Popen[bytes]]) -> None:
    for process in running:
        process.terminate()
    for process in running:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def pending() -> int:
    from xiaobao.complaints.models import Receipt

    return Receipt.objects.filter(state__in=["pending", "claimed"]).count()


def done() -> int:
    from xiaobao.complaints.models import Receipt

    return Receipt.objects.filter(state="done").count()


def sustained(workers: int, env: dict[str, str], window: float) -> float:
    """Registrations per second of ``workers`` intake processes over ``window`` seconds, measured once they all
    register (a process starting on a busy machine takes seconds)."""
    running = processes("run_intake", workers, env)
    try:
        first = done()
        until(lambda: done() >= first + 20 * workers, 120)  # each has claimed and registered its first batch
        before, started = done(), time.monotonic()
        time.sleep(window)
        return (done() - before) / (time.monotonic() - started)
    finally:
        stop(running)


def until(check: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return True
        time.sleep(0.5)
    return False


def paced(url: str, token: str, body: dict[str, object], rate: float, seconds: float) -> list[int]:
    """Complaints at a steady ``rate`` per second for ``seconds``; the receipt ids acknowledged."""
    host, port = url.removeprefix("http://").split(":")
    acknowledged: list[int] = []
    lock = threading.Lock()
    clients = 4
    started = time.monotonic()

    def client(number: int) -> None:
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        sent = 0
        while True:
            at = started + (sent * clients + number) / rate
            if at - started >= seconds:
                break
            time.sleep(max(0.0, at - time.monotonic()))
            key = f"paced-{number}-{sent}-{time.time_ns()}"
            payload = {**body, "description": str(body["description"]).replace("{{n}}", key)}
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Idempotency-Key": key}
            connection.request("POST", "/api/v1/complaints", json.dumps(payload, ensure_ascii=False).encode(), headers)
            response = connection.getresponse()
            answer = json.loads(response.read())
            if response.status == 202:
                with lock:
                    acknowledged.append(int(re.sub(r"^LN-\d{4}-W", "", answer["reference"])))
            sent += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return acknowledged


def portal_form(insurer_code: str) -> tuple[str, str, dict[str, str], str]:
    """The portal's complaint details form as a consumer's browser posts it after the phone check: a session
    with the verified phone (``portal.session``) and a CSRF token, made here before wrk runs. Each request
    carries its own form token (the receipt's idempotency key: the same token is the same receipt, so wrk's
    counter goes into it) and its own description."""
    from urllib.parse import urlencode

    from django.conf import settings
    from django.middleware.csrf import _get_new_csrf_string  # type: ignore[attr-defined]

    from xiaobao.identity.models import Consumer
    from xiaobao.ops import clock
    from xiaobao.ops.sessions import SessionStore
    from xiaobao.portal.session import VERIFIED, VERIFIED_FOR

    consumer = Consumer.objects.get(user__username="consumer.elder")
    session = SessionStore()
    session[VERIFIED] = {"id": consumer.pk, "until": (clock.now() + VERIFIED_FOR).isoformat(), "confirmed": True}
    session.create()
    csrf = _get_new_csrf_string()
    fields = {
        "csrfmiddlewaretoken": csrf,
        "token": "NUMBER",
        "product_line": "medical",
        "reason": "claims",
        "description": "住院医疗费用理赔被拒，理由不清楚，请重新审核。（NUMBER）",
        "requested_outcome": "按合同赔付",
    }
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}",
    }
    body = urlencode(fields).replace("NUMBER", "{{n}}")
    return f"/i/{insurer_code}/complain/details/", body, headers, f"consumer:{consumer.pk}"


def percentiles(values: list[float]) -> str:
    if not values:
        return "none"
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered) * 1000:7.1f} ms  p99 {p99 * 1000:7.1f} ms  ({len(ordered)} complaints)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    load_arguments(parser)
    parser.add_argument("--window", type=float, default=10, help="seconds each sustained-rate measurement lasts")
    parser.add_argument("--paced-rate", type=float, default=10, help="complaints per second for the latencies")
    parser.add_argument("--paced-seconds", type=float, default=10)
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    with database() as url:
        os.environ["DATABASE_URL"] = url
        run(args, url)


def run(args: argparse.Namespace, database_url: str) -> None:
    prepare_database()
    setup_django()
    from django.db import connection

    from xiaobao.complaints.models import Receipt
    from xiaobao.identity.actions import staff_key_issue
    from xiaobao.identity.actors import actor_for_user
    from xiaobao.identity.models import Branch, Consumer, Staff
    from xiaobao.notifications.models import Notification

    with connection.cursor() as cursor:
        durability = []
        for name, statement in (
            ("fsync", "SHOW fsync"),
            ("synchronous_commit", "SHOW synchronous_commit"),
            ("full_page_writes", "SHOW full_page_writes"),
        ):
            cursor.execute(statement)
            durability.append(f"{name}={cursor.fetchone()[0]}")
    print(f"PostgreSQL: {' '.join(durability)}; {os.cpu_count()} cores shared by gunicorn, workers and PostgreSQL")

    staff = Staff.objects.get(user__username="anhe.handler")
    _, token = staff_key_issue(actor=actor_for_user(staff.user), label="bench")
    body_of: dict[str, object] = {
        **BODY,
        "handling_branch_id": Branch.objects.get(insurer=staff.insurer, code="LN-SY").pk,
        "complainant_id": Consumer.objects.get(user__username="consumer.elder").pk,  # prefers SMS
    }
    body = json.dumps(body_of, ensure_ascii=False)
    headers = {"Authorization": f"Bearer {token}"}
    common = {"DATABASE_URL": database_url, "DEBUG": "false", "XIAOBAO_BENCH_ENDPOINTS": "1"}
    loads = {}

    def measure(name: str, path: str, with_headers: dict[str, str], url: str, sent: str | None = None) -> None:
        sent = body if sent is None else sent
        wrk(url, path, sent, with_headers, connections=args.connections, seconds=3, prefix=f"warm-{name}")
        loads[name] = wrk(
            url, path, sent, with_headers, connections=args.connections, seconds=args.seconds, prefix=name[:12]
        )

    form_path, form_body, form_headers, form_caller = portal_form(staff.insurer.code)

    env = {**os.environ, **common, "XIAOBAO_INTAKE_IMMEDIATE": "0"}
    LOG.write_bytes(b"")

    # 1. acknowledgement → registered → notice sent, at a steady rate, one intake worker and one task worker, on an
    # empty queue (first: afterwards the backlog the loads leave would be in front)
    running = [
        *processes("run_intake", 1, env, "--interval", "0.05"),
        *processes("run_worker", 1, env, "--interval", "0.05"),
    ]
    complaints: dict[int, int] = {}

    def notices() -> dict[str, object]:
        return dict(
            Notification.objects.filter(
                about_type="complaints.complaint",
                purpose="complaint_received",
                about_id__in=[str(pk) for pk in complaints.values()],
                status="sent",
            ).values_list("about_id", "sent_at")
        )

    try:
        time.sleep(5.0)  # both processes up, the periodic tasks of a first start done
        with gunicorn({**common, "XIAOBAO_INTAKE_IMMEDIATE": "0"}, args) as url:
            ids = paced(url, token, body_of, args.paced_rate, args.paced_seconds)
        until(lambda: Receipt.objects.filter(pk__in=ids, state="done").count() == len(ids), 120)
        complaints = dict(Receipt.objects.filter(pk__in=ids).values_list("pk", "complaint_id"))
        until(lambda: len(notices()) == len(ids), 120)
    finally:
        stop(running)
    receipts = {
        pk: (received, finished)
        for pk, received, finished in Receipt.objects.filter(pk__in=ids).values_list("pk", "received_at", "done_at")
    }
    sent = notices()
    to_registered = [(finished - received).total_seconds() for received, finished in receipts.values() if finished]
    to_notice = [
        (sent[str(complaints[pk])] - received).total_seconds()  # type: ignore[operator]
        for pk, (received, _) in receipts.items()
        if str(complaints.get(pk)) in sent
    ]
    print(f"at {args.paced_rate:.0f} complaints/s for {args.paced_seconds:.0f} s, 1 intake worker, 1 task worker:")
    print(f"acknowledged → registered   {percentiles(to_registered)}")
    print(f"acknowledged → notice sent  {percentiles(to_notice)}")
    if len(to_notice) < len(ids):
        print(f"({len(ids) - len(to_notice)} complaints had no notice sent within 120 s)")

    # 2. the request's cost: no worker runs meanwhile, so the figures are the web tier's own
    print()
    with gunicorn({**common, "XIAOBAO_INTAKE_IMMEDIATE": "0"}, args) as url:
        measure("bare insert", "/bench/bare-insert", {}, url)
        measure("write-behind intake", "/api/v1/complaints", headers, url)
        measure("portal form (write-behind)", form_path, form_headers, url, form_body)
    # A form answered with anything but its receipt (a redirect to the phone check, say) would count as a success
    # for wrk: the receipts the form kept say it was the real thing.
    form_receipts = Receipt.objects.filter(caller=form_caller).count()
    with gunicorn({**common, "XIAOBAO_INTAKE_IMMEDIATE": "1"}, args) as url:
        measure("registered in the request", "/api/v1/complaints", headers, url)
    print_comparison(loads, full="write-behind intake", bare="bare insert", p99_aim_ms=50, args=args)
    portal = loads["portal form (write-behind)"].rate / loads["bare insert"].rate
    print(
        f"portal form (write-behind) / bare insert = {portal:.2f}  (the consumer's form after the phone check; "
        f"{form_receipts} receipts kept by it, warm-up included)"
    )
    immediate = loads["registered in the request"].rate / loads["bare insert"].rate
    print(f"registered in the request / bare insert = {immediate:.2f}  (intake before write-behind)")

    # 3. sustained registrations, from the receipts the load left (topped up when too few for two workers)
    print(f"\nreceipts waiting to be registered: {pending()}")
    rates: dict[int, float] = {}
    for workers in (1, 2):
        if workers > 1:
            needed = int(rates[1] * workers * 1.5 * (args.window + 5))
            with gunicorn({**common, "XIAOBAO_INTAKE_IMMEDIATE": "0"}, args) as url:
                while pending() < needed:
                    wrk(url, "/api/v1/complaints", body, headers, connections=args.connections, seconds=5, prefix="top")
        rates[workers] = sustained(workers, env, args.window)
        print(f"sustained registrations, {workers} intake worker{'s' if workers > 1 else ''}: {rates[workers]:7.1f}/s")
    print(
        f"2 workers / 1 worker = {rates[2] / rates[1]:.2f}  (on the same {os.cpu_count()} cores as PostgreSQL; "
        "the notices' delivery not running)"
    )
    failures = LOG.read_text(errors="replace").count("Traceback")
    print(f"worker log: {LOG} ({failures} tracebacks)")


if __name__ == "__main__":
    main()
