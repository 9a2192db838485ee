"""The worker survives the database going away: it waits with backoff and carries on, it never exits."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import OperationalError, connection, transaction

from tests.support.processes import running_worker, until
from xiaobao.ops.management.commands import run_worker

PROJECT = Path(__file__).resolve().parents[2]


class FlakyWorker:
    """Stands for db_worker's Worker: its loop fails twice on the database, then ends by itself (a signal)."""

    worker_id = "flaky"
    current_task_id = None
    startup_delay = True

    def __init__(self) -> None:
        self.runs = 0

    def run(self) -> None:
        self.runs += 1
        if self.runs <= 2:
            raise OperationalError("server closed the connection unexpectedly")


class DatabaseComingBack:
    """Stands for the connection: each probe after an outage fails once more before the server answers."""

    def __init__(self) -> None:
        self.probes = 0

    def ensure_connection(self) -> None:
        self.probes += 1
        if self.probes % 2:
            raise OperationalError("connection refused")


def test_a_database_error_in_the_loop_is_waited_out_and_the_loop_carries_on(monkeypatch: pytest.MonkeyPatch) -> None:
    # given a worker loop that loses the database twice, and a database that takes a moment to come back
    monkeypatch.setattr(run_worker, "close_all_connections", lambda: None)
    monkeypatch.setattr(run_worker, "connection", DatabaseComingBack())
    worker = FlakyWorker()
    waits: list[float] = []

    # when it is supervised
    run_worker.supervise(worker, sleep=waits.append)  # type: ignore[arg-type]

    # then the loop ran again after each outage, each time after waiting for the database to answer
    assert worker.runs == 3
    assert waits == [0.5, 0.5]
    assert worker.startup_delay is False


def test_waiting_for_the_database_backs_off_and_stops_when_it_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run_worker, "close_all_connections", lambda: None)
    attempts: list[int] = []
    waits: list[float] = []

    def step() -> None:
        attempts.append(1)
        if len(attempts) <= 8:
            raise OperationalError("connection refused")

    run_worker.until_database_answers(step, sleep=waits.append)

    assert len(attempts) == 9
    assert waits == [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]


# ---- a real worker process against PostgreSQL ----


def _is_superuser() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        return bool(cursor.fetchone()[0])


def _admin(sql: str, *params: object) -> None:
    """Run ``sql`` from another database of the server: a database cannot refuse connections to itself."""
    import psycopg

    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"],
        user=settings["USER"],
        password=settings.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        admin.execute(sql, params or None)


def _cut_off_database(seconds: float) -> None:
    """A restart as the worker sees it: every connection dropped, and no new one accepted for a while."""
    name = connection.settings_dict["NAME"]
    _admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
    _admin(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND datname = %s", name
    )
    time.sleep(seconds)
    _admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')


@pytest.fixture
def worker_process(transactional_db: None, tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    from xiaobao.ops.models import WorkerHeartbeat

    if not _is_superuser():
        pytest.skip("needs a PostgreSQL superuser to refuse connections for a while")
    with running_worker(tmp_path / "worker.log") as process:
        try:
            assert until(WorkerHeartbeat.objects.exists, 20), "the worker did not start"
            yield process
        finally:
            _admin(f'ALTER DATABASE "{connection.settings_dict["NAME"]}" ALLOW_CONNECTIONS true')  # if the test failed


@pytest.mark.postgres_only
def test_the_worker_outlives_a_database_outage_and_then_delivers(worker_process: subprocess.Popen[bytes]) -> None:
    from xiaobao.kernel.actors import SYSTEM
    from xiaobao.notifications.actions import notification_queue
    from xiaobao.notifications.models import Notification, Status

    # given a running worker, when its connections are dropped and refused for two seconds
    time.sleep(0.5)  # it is polling
    _cut_off_database(seconds=2.0)
    time.sleep(1.0)

    # then it is still running, and delivers a notice queued after the database came back
    connection.close()  # the test's own connection was dropped too
    assert worker_process.poll() is None
    with transaction.atomic():
        notification = notification_queue(
            actor=SYSTEM, channel="sms", to_address="+8613800138000", body="x", purpose="after the outage"
        )
    delivered = until(lambda: Notification.objects.get(pk=notification.pk).status == Status.SENT, 15)
    assert worker_process.poll() is None
    assert delivered, "the worker did not deliver after the outage"
