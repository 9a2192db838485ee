"""`make cluster` (scripts/cluster.sh, issue #20 item 3): nginx in front of two gunicorn processes, two RQ
workers on Redis, all on the test's PostgreSQL. A complaint registered through the proxy is answered by a web
process and its notice is sent by a worker, once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import World
from tests.scaleout.conftest import free_port
from tests.support.processes import PROJECT, database_url, until

pytestmark = [pytest.mark.postgres_only]


@pytest.fixture
def cluster(seeded_calendar: None, tmp_path: Path) -> Iterator[str]:
    """scripts/cluster.sh on the test database (no demo data), its address once it says it is ready."""
    port = free_port()
    log = tmp_path / "cluster.log"
    process = subprocess.Popen(
        ["scripts/cluster.sh"],
        cwd=PROJECT,
        env={
            **os.environ,
            "DATABASE_URL": database_url(),
            "CLUSTER_PORT": str(port),
            "CLUSTER_DEMO": "0",
            "VENV_BIN": str(Path(sys.executable).parent),
            "XIAOBAO_MAILDIR": str(tmp_path / "mail"),
        },
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        until(lambda: b"cluster ready" in log.read_bytes() or process.poll() is not None, 90)
        assert b"cluster ready" in log.read_bytes(), log.read_text(errors="replace")[-3000:]
        assert process.poll() is None
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


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


def test_a_complaint_through_the_proxy_is_registered_and_its_notice_sent_once(cluster: str, world: World) -> None:
    from xiaobao.complaints.models import Complaint
    from xiaobao.identity.actions import staff_key_issue
    from xiaobao.identity.models import Role
    from xiaobao.notifications.models import Notification, Status

    # given the cluster is up: two live workers on Redis behind the proxy
    health = _get(f"{cluster}/healthz")
    assert health["status"] == "ok", health
    assert health["database"]["vendor"] == "postgresql"
    assert health["worker"]["alive"] == 2
    assert health["redis"]["status"] == "ok"
    _, handler = world.ours.staff(Role.HANDLER)
    _, token = staff_key_issue(actor=handler, label="cluster")

    # when complaints are registered through nginx
    references = []
    for n in range(4):
        status, created = _post(
            f"{cluster}/api/v1/complaints",
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
        assert status == 201, created
        references.append(created["id"])

    # then each is registered once, and every notice about them is sent by a worker, once
    assert Complaint.objects.filter(pk__in=references).count() == 4
    notices = Notification.objects.filter(about_type="complaints.complaint", about_id__in=[str(r) for r in references])
    assert until(lambda: notices.exists() and not notices.exclude(status=Status.SENT).exists(), 30), list(
        notices.values_list("status", "attempts")
    )
    assert set(notices.values_list("attempts", flat=True)) == {1}
    time.sleep(0.5)
    assert _get(f"{cluster}/healthz")["redis"]["failed"] == 0
