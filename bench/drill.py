"""A fault drill: complaints through the API while PostgreSQL restarts and the workers are killed with -9.

It starts its own PostgreSQL cluster with durability on (fsync, synchronous_commit, full-page
writes — the figures are about safety), gunicorn as deployed, ``manage.py run_worker`` and (write-behind
intake, ADR 0023) ``--intake-workers`` ``manage.py run_intake`` as supervised processes; the intake
workers are killed too, between a complaint's receipt and its registration. Retrying clients register complaints (``POST /api/v1/complaints`` with an
Idempotency-Key, the same key until a 2xx acknowledges it; any connection error or 5xx is
retried). Meanwhile PostgreSQL is restarted (``pg_ctl restart -m fast``, and ``-m immediate``,
a crash) and the worker killed with ``kill -9`` and started again a second later, as systemd
or honcho would. The worker is never restarted for any other reason: if it exits by itself,
that is counted. At the end the queue is drained and everything is counted from the database.

    .venv/bin/python bench/drill.py [--seconds 60] [--clients 4] [--pg-restarts 4] [--worker-kills 4]
                                    [--intake-workers 2] [--intake-kills 4]

Goals: 0 lost, 0 duplicated, every notice delivered exactly once, 0 tasks stuck, every receipt
registered, the workers still running (and never exited by themselves). The exit status is 1 when any goal fails.
"""

from __future__ import annotations

# isort: off
import _support  # first: it moves bench/ to the end of sys.path (bench/queue.py shadows the standard queue)

# isort: on
import argparse
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path


class Worker:
    """``manage.py run_worker`` (or ``run_intake``) as a service manager runs it: started again only after the
    drill kills it."""

    def __init__(self, env: dict[str, str], log: Path, command: str = "run_worker") -> None:
        self.env = env
        self.log = log
        self.command = command
        self.lock = threading.Lock()
        self.exited_by_itself: list[int] = []
        self.killed = 0
        self.process = self._start()
        self.stop = threading.Event()
        self.watch = threading.Thread(target=self._watch, daemon=True)
        self.watch.start()

    def _start(self) -> subprocess.Popen[bytes]:
        with self.log.open("ab") as log:
            return subprocess.Popen(
                [sys.executable, "manage.py", self.command],
                cwd=_support.PROJECT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def kill_and_restart(self) -> None:
        with self.lock:  # held throughout: the watcher must not take this for an exit of its own
            self.process.kill()
            self.process.wait()
            self.killed += 1
            time.sleep(1.0)  # RestartSec
            self.process = self._start()

    def _watch(self) -> None:
        """A worker that exits by itself is a failure of the drill; it is started again so the load goes on."""
        while not self.stop.wait(0.5):
            with self.lock:
                code = self.process.poll()
                if code is not None:
                    self.exited_by_itself.append(code)
                    self.process = self._start()

    def alive(self) -> bool:
        with self.lock:
            return self.process.poll() is None

    def shut_down(self) -> None:
        self.stop.set()
        self.watch.join()
        with self.lock:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    submitted: list[str] = field(default_factory=list)
    acknowledged: set[str] = field(default_factory=set)
    refused: dict[str, str] = field(default_factory=dict)
    retries: int = 0
    answers: Counter[str] = field(default_factory=Counter)


def client_loop(
    number: int,
    url: str,
    token: str,
    body_of: dict[str, object],
    run: str,
    stop: threading.Event,
    tally: Tally,
    pause: float,
) -> None:
    """Register complaints one after another, each retried with the same key until it is acknowledged."""
    host, port = url.removeprefix("http://").split(":")
    connection: http.client.HTTPConnection | None = None
    sequence = 0
    while not stop.is_set():
        sequence += 1
        key = f"drill-{run}-{number}-{sequence}"
        received = datetime.now(timezone(timedelta(hours=8))) - timedelta(minutes=1)
        body = json.dumps(
            {
                **body_of,
                "received_at": received.isoformat(timespec="seconds"),
                "description": f"住院医疗费用理赔被拒，理由不清楚，请重新审核。（{key}）",
                "claim_reference": key,
            },
            ensure_ascii=False,
        ).encode()
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Idempotency-Key": key}
        with tally.lock:
            tally.submitted.append(key)
        wait = 0.1
        while True:
            try:
                if connection is None:
                    connection = http.client.HTTPConnection(host, int(port), timeout=30)
                connection.request("POST", "/api/v1/complaints", body=body, headers=headers)
                response = connection.getresponse()
                payload = response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                status, payload = 0, str(error).encode()
                if connection is not None:
                    connection.close()
                connection = None
            with tally.lock:
                tally.answers[str(status) if status else "connection error"] += 1
            if 200 <= status < 300:
                with tally.lock:
                    tally.acknowledged.add(key)
                break
            if 400 <= status < 500:
                with tally.lock:
                    tally.refused[key] = f"{status} {payload[:200]!r}"
                break
            with tally.lock:
                tally.retries += 1
            time.sleep(wait)  # the same request, the same key, a little later
            wait = min(wait * 2, 2.0)
        if pause:
            time.sleep(pause)


def chaos(
    cluster: _support.Cluster,
    worker: Worker,
    intake: list[Worker],
    args: argparse.Namespace,
    log: list[str],
    started: float,
) -> None:
    """PostgreSQL restarts (fast, and immediate — a crash — every other time) interleaved with worker kills and
    kills of the intake workers (write-behind: between the receipt and its registration)."""
    events: list[str] = []
    for n in range(max(args.pg_restarts, args.worker_kills, args.intake_kills)):
        if n < args.pg_restarts:
            events.append("pg-immediate" if n % 2 else "pg-fast")
        if n < args.worker_kills:
            events.append("worker-kill")
        if n < args.intake_kills and intake:
            events.append(f"intake-kill-{n % len(intake)}")
    gap = args.seconds / (len(events) + 1)
    for number, event in enumerate(events, start=1):
        time.sleep(max(0.0, started + number * gap - time.monotonic()))
        at = time.monotonic() - started
        if event == "worker-kill":
            worker.kill_and_restart()
            log.append(f"{at:6.1f} s  worker killed with -9, started again 1 s later")
        elif event.startswith("intake-kill-"):
            which = int(event.removeprefix("intake-kill-"))
            intake[which].kill_and_restart()
            log.append(f"{at:6.1f} s  intake worker {which + 1} killed with -9, started again 1 s later")
        else:
            mode = event.removeprefix("pg-")
            begun = time.monotonic()
            cluster.restart(mode)
            log.append(f"{at:6.1f} s  PostgreSQL restarted -m {mode} ({time.monotonic() - begun:.1f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60, help="how long the load and the faults last")
    parser.add_argument("--clients", type=int, default=4, help="retrying client threads")
    parser.add_argument("--pause", type=float, default=0.02, help="seconds a client waits between complaints")
    parser.add_argument("--pg-restarts", type=int, default=4, help="PostgreSQL restarts (every other one -m immediate)")
    parser.add_argument("--worker-kills", type=int, default=4, help="kill -9 of the worker")
    parser.add_argument(
        "--intake-workers", type=int, default=2, help="run_intake processes (write-behind); 0: register in the request"
    )
    parser.add_argument("--intake-kills", type=int, default=4, help="kill -9 of an intake worker")
    parser.add_argument("--drain-seconds", type=float, default=150, help="how long to wait for the queue to drain")
    _support.server_arguments(parser)
    args = parser.parse_args()

    with _support.durable_postgres() as cluster:
        os.environ["DATABASE_URL"] = cluster.url
        print(f"PostgreSQL on 127.0.0.1:{cluster.port}: fsync=on synchronous_commit=on full_page_writes=on")
        _support.prepare_database()
        _support.setup_django()
        from django.db import connections

        from xiaobao.identity.actions import staff_key_issue
        from xiaobao.identity.actors import actor_for_user
        from xiaobao.identity.models import Branch, Consumer, Staff

        staff = Staff.objects.get(user__username="anhe.handler")
        _, token = staff_key_issue(actor=actor_for_user(staff.user), label="drill")
        body_of: dict[str, object] = {
            "handling_branch_id": Branch.objects.get(insurer=staff.insurer, code="LN-SY").pk,
            "channel": "web",
            "product_line": "medical",
            "reason": "claims",
            "requested_outcome": "按合同赔付",
            "complainant_id": Consumer.objects.get(user__username="consumer.elder").pk,  # prefers SMS
        }
        connections.close_all()  # the drill's own connection would not survive the restarts

        run = uuid.uuid4().hex[:6]
        # Write-behind (ADR 0023) unless --intake-workers 0; a dead intake worker's receipts are handed back after
        # a 10 s lease by a sweep every 5 s (production: 60 s and 15 s), so the drill drains in its time.
        immediate = "0" if args.intake_workers else "1"
        write_behind = {
            "XIAOBAO_INTAKE_IMMEDIATE": immediate,
            "XIAOBAO_INTAKE_LEASE_SECONDS": "10",
            "XIAOBAO_INTAKE_SWEEP_SECONDS": "5",
        }
        env = {**os.environ, "DATABASE_URL": cluster.url, "DEBUG": "false", **write_behind}
        worker_log = cluster.work / "worker.log"
        tally, events = Tally(), list[str]()
        web_env = {"DATABASE_URL": cluster.url, "DEBUG": "false", **write_behind}
        with _support.gunicorn(web_env, args, quiet=True) as url:  # its 503s during the restarts are expected
            worker = Worker(env, worker_log)
            intake = [Worker(env, worker_log, "run_intake") for _ in range(args.intake_workers)]
            stop = threading.Event()
            clients = [
                threading.Thread(target=client_loop, args=(n, url, token, body_of, run, stop, tally, args.pause))
                for n in range(args.clients)
            ]
            started = time.monotonic()
            for thread in clients:
                thread.start()
            chaos(cluster, worker, intake, args, events, started)
            time.sleep(max(0.0, started + args.seconds - time.monotonic()))
            stop.set()
            for thread in clients:
                thread.join()
            load_seconds = time.monotonic() - started
            drained, drain_seconds = wait_for_drain(args.drain_seconds)
            worker_alive = worker.alive() and all(each.alive() for each in intake)
            figures = count(tally, run)
            worker.shut_down()
            for each in intake:
                each.shut_down()

        print(
            f"load: {load_seconds:.0f} s, {args.clients} retrying clients, gunicorn {args.workers} {args.worker_class} workers"
        )
        for line in events:
            print(f"  {line}")
        answers = ", ".join(f"{name}: {n}" for name, n in sorted(tally.answers.items()))
        print(f"answers seen by the clients: {answers}; retries {tally.retries}")
        print(f"queue drained: {'yes' if drained else 'NO'} ({drain_seconds:.0f} s after the load)")
        print()
        mode = (
            f"write-behind, {args.intake_workers} intake workers"
            if args.intake_workers
            else "registered in the request"
        )
        print(f"intake: {mode}")
        goals = report(figures, tally, [worker, *intake], worker_alive)
        log = worker_log.read_text(errors="replace")
        print(
            f"worker log: {log.count('recovered: its worker')} tasks taken back from killed workers, "
            f"{log.count('released after a database error')} released and {log.count('runs again in')} retried "
            f"after database errors, {log.count('lost the database')} database losses waited out"
        )
        print()
        if all(goals.values()):
            print("all goals met")
        else:
            print("GOALS FAILED: " + ", ".join(name for name, met in goals.items() if not met))
            kept = Path(tempfile.gettempdir()) / f"xiaobao-drill-worker-{run}.log"
            subprocess.run(["cp", str(worker_log), str(kept)], check=False)
            print(f"(the worker's log is kept in {kept})")
        raise SystemExit(0 if all(goals.values()) else 1)


def wait_for_drain(seconds: float) -> tuple[bool, float]:
    """Until no receipt waits to be registered, no task is READY or RUNNING and no notice is pending (failures to
    connect are waited out)."""
    from django.db import DatabaseError, connections
    from django_tasks_db.models import DBTaskResult

    from xiaobao.complaints.models import Receipt
    from xiaobao.notifications.models import Notification, Status

    started = time.monotonic()
    while time.monotonic() - started < seconds:
        try:
            busy = (
                DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists()
                or Receipt.objects.filter(state__in=["pending", "claimed"]).exists()
            )
            pending = Notification.objects.filter(status=Status.PENDING).exists()
        except DatabaseError:
            connections.close_all()
            busy = pending = True
        if not busy and not pending:
            return True, time.monotonic() - started
        time.sleep(1.0)
    return False, time.monotonic() - started


@dataclass
class Figures:
    stored: int
    lost: list[str]
    duplicated: int
    complaints_without_notice: int
    notices: int
    delivered: Counter[int]
    not_sent: int
    sent_but_not_recorded: int
    recorded_but_pending: int
    tasks_left: Counter[str]
    tasks_failed: int
    receipts: Counter[str]
    receipts_taken_back: int


def count(tally: Tally, run: str) -> Figures:
    from django.db import connections
    from django_tasks_db.models import DBTaskResult

    from xiaobao.complaints.models import Complaint, Receipt
    from xiaobao.notifications.models import Notification, RecordedSms, Status

    connections.close_all()
    per_key = Counter(
        Complaint.objects.filter(claim_reference__startswith=f"drill-{run}-").values_list("claim_reference", flat=True)
    )
    complaint_ids = {
        str(pk)
        for pk in Complaint.objects.filter(claim_reference__startswith=f"drill-{run}-").values_list("pk", flat=True)
    }
    notices = list(
        Notification.objects.filter(about_type="complaints.complaint", about_id__in=complaint_ids).values_list(
            "pk", "status", "about_id"
        )
    )
    recorded = Counter(
        RecordedSms.objects.filter(idempotency_key__in=[str(pk) for pk, _, _ in notices]).values_list(
            "idempotency_key", flat=True
        )
    )
    delivered = Counter(min(recorded[str(pk)], 2) for pk, _, _ in notices)
    return Figures(
        stored=len(per_key),
        lost=sorted(tally.acknowledged - set(per_key)),
        duplicated=sum(1 for n in per_key.values() if n > 1),
        complaints_without_notice=len(complaint_ids - {about for _, _, about in notices}),
        notices=len(notices),
        delivered=delivered,
        not_sent=sum(1 for _, status, _ in notices if status != Status.SENT),
        sent_but_not_recorded=sum(1 for pk, status, _ in notices if status == Status.SENT and not recorded[str(pk)]),
        recorded_but_pending=sum(1 for pk, status, _ in notices if status == Status.PENDING and recorded[str(pk)]),
        tasks_left=Counter(
            DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).values_list("status", flat=True)
        ),
        tasks_failed=DBTaskResult.objects.filter(status="FAILED").count(),
        receipts=Counter(Receipt.objects.values_list("state", flat=True)),
        receipts_taken_back=Receipt.objects.filter(attempts__gt=1).count(),
    )


def report(figures: Figures, tally: Tally, workers: list[Worker], worker_alive: bool) -> dict[str, bool]:
    stuck = sum(figures.tasks_left.values())
    receipts_open = figures.receipts["pending"] + figures.receipts["claimed"]
    print(f"submitted        {len(tally.submitted)}")
    print(f"acknowledged     {len(tally.acknowledged)}   (refused with 4xx: {len(tally.refused)})")
    print(f"stored           {figures.stored}")
    print(f"lost             {len(figures.lost)}   (acknowledged, not stored)")
    print(f"duplicated       {figures.duplicated}   (keys stored more than once)")
    print(
        f"notices          {figures.notices}   delivered 0 times: {figures.delivered[0]}, 1 time: {figures.delivered[1]}, "
        f"2+ times: {figures.delivered[2]}; not SENT in the outbox: {figures.not_sent}; "
        f"sent while the outbox says pending: {figures.recorded_but_pending}; complaints without a notice: "
        f"{figures.complaints_without_notice}"
    )
    print(
        f"tasks stuck      {stuck}   (READY {figures.tasks_left['READY']}, RUNNING {figures.tasks_left['RUNNING']}); "
        f"failed tasks: {figures.tasks_failed}"
    )
    states = ", ".join(f"{state} {n}" for state, n in sorted(figures.receipts.items())) or "none"
    print(
        f"receipts         {states}; taken back from a killed intake worker and registered then: "
        f"{figures.receipts_taken_back}"
    )
    exited = [code for worker in workers for code in worker.exited_by_itself]
    for worker in workers:
        print(
            f"{worker.command:<16} killed by the drill {worker.killed} times; exited by itself "
            f"{len(worker.exited_by_itself)} times"
            + (f" (exit codes {worker.exited_by_itself})" if worker.exited_by_itself else "")
        )
    print(f"workers          {'all running' if worker_alive else 'NOT ALL RUNNING'} at the end")
    if tally.refused:
        print(f"first refusal: {next(iter(tally.refused.values()))}")
    if figures.lost:
        print(f"first lost key: {figures.lost[0]}")
    return {
        "every submitted complaint acknowledged": len(tally.acknowledged) == len(tally.submitted),
        "0 lost": not figures.lost,
        "0 duplicated": figures.duplicated == 0,
        "every notice delivered exactly once": figures.delivered[0] == 0
        and figures.delivered[2] == 0
        and figures.not_sent == 0
        and figures.complaints_without_notice == 0,
        "0 tasks stuck": stuck == 0 and figures.tasks_failed == 0,
        "0 receipts left unregistered or failed": receipts_open == 0
        and figures.receipts["failed"] == 0
        and figures.receipts["refused"] == 0,
        "workers still running, never exited by themselves": worker_alive and not exited,
    }


if __name__ == "__main__":
    main()
