"""`make cluster` (scripts/cluster.sh, issue #20 item 3): nginx in front of two gunicorn processes, two RQ
workers on Redis, all on the test's PostgreSQL. The two workers, started together, enqueue each periodic task
once; a complaint registered through the proxy is answered by a web process and its notice is sent by a
worker, once."""

from __future__ import annotations

import fcntl
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import World
from tests.scaleout.conftest import free_port
from tests.support.processes import PROJECT, database_url, until

# both tests on one xdist worker (ONE_WORKER_MODULES in tests/conftest.py; the mark alone no longer does it under
# pytest 9): the cluster starts once for the module
pytestmark = [pytest.mark.postgres_only, pytest.mark.xdist_group("cluster")]


PERIODIC_INTERVALS = ("XIAOBAO_INTAKE_SWEEP_SECONDS", "XIAOBAO_PUSH_LOST_SECONDS", "XIAOBAO_MAIL_POLL_SECONDS")


@dataclass
class Cluster:
    url: str
    redis_url: str


@pytest.fixture(scope="module")
def one_cluster_at_a_time() -> Iterator[None]:
    """Whichever xdist worker runs a cluster test, one cluster at a time: two would share the test database's
    periodic rows and race each other's collectstatic into var/static. Released after the cluster is stopped."""
    with (Path(tempfile.gettempdir()) / "xiaobao-test-cluster.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@pytest.fixture(scope="module")
def cluster(
    one_cluster_at_a_time: None,
    django_db_setup: None,
    django_db_blocker: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Cluster]:
    """scripts/cluster.sh on the test database (no demo data), once it says it is ready; for the module."""
    from xiaobao.ops.models import PeriodicRun

    with django_db_blocker.unblock():
        PeriodicRun.objects.all().delete()  # every periodic task is due when the two workers start
    folder = tmp_path_factory.mktemp("cluster")
    port = free_port()
    log = folder / "cluster.log"
    process = subprocess.Popen(
        ["scripts/cluster.sh"],
        cwd=PROJECT,
        env={
            **os.environ,
            "DATABASE_URL": database_url(),
            "CLUSTER_PORT": str(port),
            "CLUSTER_DEMO": "0",
            "VENV_BIN": str(Path(sys.executable).parent),
            "XIAOBAO_MAILDIR": str(folder / "mail"),
            # no periodic task falls due twice while the module runs: the first test counts one enqueue each
            **dict.fromkeys(PERIODIC_INTERVALS, "3600"),
        },
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        until(lambda: b"cluster ready" in log.read_bytes() or process.poll() is not None, 90)
        ready = re.search(rb"cluster ready: (\S+)/ .* on Redis (\S+);", log.read_bytes())
        assert ready, log.read_text(errors="replace")[-3000:]
        assert process.poll() is None
        yield Cluster(ready[1].decode(), ready[2].decode())
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.mark.django_db(transaction=True)  # runs before the other test here, whose end empties the tables
def test_the_two_workers_enqueue_each_periodic_task_once(cluster: Cluster) -> None:
    import redis
    from django.conf import settings
    from rq.job import Job

    from xiaobao.ops.management.commands.run_worker import HEARTBEAT_SECONDS

    # given two workers on the Redis queue, started together (a worker beats before its first pass over the
    # periodic tasks, and a task locked by the other worker is passed by: the test waits for every first enqueue)
    expected = {spec["task"] for spec in settings.XIAOBAO_PERIODIC_TASKS.values()}
    expected.add("xiaobao.ops.tasks.push_lost_jobs")  # registered on the Redis queue
    connection = redis.Redis.from_url(cluster.redis_url)

    def runs() -> Counter[str]:
        """The jobs in Redis by task (a retried job keeps its id: it counts once)."""
        ids = [key.decode().removeprefix("rq:job:") for key in connection.scan_iter("rq:job:*")]
        return Counter(job.func_name for job in Job.fetch_many(ids, connection=connection) if job is not None)

    # when every periodic task has reached Redis, and both workers have had another pass after that
    until(lambda: expected <= set(runs()), 60)
    time.sleep(2 * HEARTBEAT_SECONDS + 1)  # a second enqueue by either worker would show now
    counted = runs()

    # then each periodic task was enqueued exactly once, whichever worker did it
    assert {path: counted[path] for path in expected} == dict.fromkeys(expected, 1)
    from xiaobao.ops.models import PeriodicRun

    assert PeriodicRun.objects.filter(last_enqueued_at__isnull=False).count() == len(expected)


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def _post(url: str, body: dict[str, Any], token: str) -> tuple[int, Any]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, json.load(response)


@pytest.mark.django_db(transaction=True)
def test_a_complaint_through_the_proxy_is_registered_and_its_notice_sent_once(
    cluster: Cluster, seeded_calendar: None, world: World
) -> None:
    from xiaobao.complaints.models import Complaint, Receipt
    from xiaobao.identity.actions import staff_key_issue
    from xiaobao.identity.models import Role
    from xiaobao.notifications.models import Notification, Status

    # given the cluster is up: two live task workers on Redis (and two intake workers) behind the proxy
    # (the tables were emptied after the test before: each worker writes its heartbeat again within 5 s)
    until(
        lambda: (h := _get(f"{cluster.url}/healthz"))["status"] == "ok" and h["worker"]["alive"] == 2, 60
    )  # on a busy machine a worker's next beat can take longer than its 5 s
    health = _get(f"{cluster.url}/healthz")
    assert health["status"] == "ok", health
    assert health["database"]["vendor"] == "postgresql"
    assert health["worker"]["alive"] == 2
    assert health["redis"]["status"] == "ok"
    _, handler = world.ours.staff(Role.HANDLER)
    _, token = staff_key_issue(actor=handler, label="cluster")

    # when complaints are sent through nginx (acknowledged with a receipt: write-behind intake, ADR 0023)
    references = []
    for n in range(4):
        status, created = _post(
            f"{cluster.url}/api/v1/complaints",
            {
                "handling_branch_id": world.ours.city.pk,
                "channel": "hotline",
                "received_at": "2026-03-02T09:15:00+08:00",
                "product_line": "medical",
                "reason": "claims",
                "description": f"住院医疗费用理赔被拒。（{n}）",
                "complainant": {"name": "赵敏", "phone": f"1380013800{n}"},
            },
            token,
        )
        assert status == 202, created
        references.append(created["reference"])

    # then the intake workers register each once, and the task workers send every notice about them, once
    receipts = Receipt.objects.all()  # this test's own: the tables were emptied before it
    assert sorted(receipt.reference for receipt in receipts) == sorted(references)
    assert until(lambda: receipts.filter(state="done").count() == 4, 30), list(receipts.values_list("state", "error"))
    complaint_ids = set(receipts.values_list("complaint_id", flat=True))
    assert len(complaint_ids) == 4
    assert Complaint.objects.filter(pk__in=complaint_ids).count() == 4
    notices = Notification.objects.filter(
        about_type="complaints.complaint", about_id__in=[str(i) for i in complaint_ids]
    )
    assert until(lambda: notices.exists() and not notices.exclude(status=Status.SENT).exists(), 30), list(
        notices.values_list("status", "attempts")
    )
    assert set(notices.values_list("attempts", flat=True)) == {1}
    time.sleep(0.5)
    assert _get(f"{cluster.url}/healthz")["redis"]["failed"] == 0
