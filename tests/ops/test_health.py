"""/healthz reports the database and the worker; every response carries a request id and a strict CSP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from xiaobao.ops.management.commands.run_worker import beat
from xiaobao.ops.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def test_without_a_worker_the_service_is_degraded_but_answers(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"]["status"] == "ok"
    assert body["worker"]["status"] == "absent"


def test_with_a_live_worker_the_service_is_ok(client: Client) -> None:
    beat("worker-1", timezone.now())

    body = client.get("/healthz").json()

    assert body["status"] == "ok"
    assert body["worker"]["alive"] == 1


def test_a_worker_silent_for_too_long_is_reported_stale(client: Client) -> None:
    beat("worker-1", timezone.now())
    WorkerHeartbeat.objects.update(last_seen=timezone.now() - timedelta(minutes=5))

    body = client.get("/healthz").json()

    assert (body["status"], body["worker"]["status"]) == ("degraded", "stale")


def test_responses_carry_a_request_id_and_a_strict_content_security_policy(client: Client) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": "caller-trace-0001"})

    assert response["X-Request-ID"] == "caller-trace-0001"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_a_malformed_request_id_is_replaced(client: Client) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": "<script>"})
    assert len(response["X-Request-ID"]) == 32


def test_healthz_accepts_only_get(client: Client) -> None:
    assert client.post("/healthz").status_code == 405


def _running_task(worker_id: str) -> None:
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    from xiaobao.kernel.actors import SYSTEM
    from xiaobao.notifications.actions import notification_queue

    with transaction.atomic():
        notification_queue(actor=SYSTEM, channel="sms", to_address="+8613800138000", body="x", purpose="test")
    DBTaskResult.objects.get().claim(worker_id)


def test_a_task_running_on_a_dead_worker_is_reported_stuck_and_the_service_degraded(client: Client) -> None:
    # given a live worker, and a task claimed by a worker that has no heartbeat any more (killed)
    beat("worker-live", timezone.now())
    _running_task("worker-killed")

    body = client.get("/healthz").json()

    assert body["status"] == "degraded"
    assert body["worker"]["status"] == "ok"
    assert (body["worker"]["running"], body["worker"]["stuck"]) == (1, 1)


def test_a_task_running_on_a_live_worker_is_counted_but_not_stuck(client: Client) -> None:
    beat("worker-live", timezone.now())
    _running_task("worker-live")

    body = client.get("/healthz").json()

    assert body["status"] == "ok"
    assert (body["worker"]["running"], body["worker"]["stuck"], body["worker"]["queued"]) == (1, 0, 0)


def test_a_caller_off_the_operators_networks_gets_the_status_alone(client: Client) -> None:
    beat("worker-1", timezone.now())

    # the machine itself (the default network) sees the details
    assert client.get("/healthz", REMOTE_ADDR="127.0.0.1").json()["worker"]["alive"] == 1

    # anyone else sees whether the service is up, not its workers, queues and receipts across every insurer
    response = client.get("/healthz", REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_a_forged_forwarded_for_does_not_open_the_details(client: Client, settings: object) -> None:
    settings.XIAOBAO_PROXY_HOPS = 1  # type: ignore[attr-defined]

    # the client wrote 127.0.0.1 itself; the proxy appended the address it saw
    response = client.get("/healthz", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="127.0.0.1, 203.0.113.7")

    assert set(response.json()) == {"status"}


def test_the_operators_networks_are_configurable(client: Client, settings: object) -> None:
    from xiaobao.config.environment import ConfigurationError, env_networks

    settings.XIAOBAO_HEALTH_DETAIL_NETWORKS = env_networks(  # type: ignore[attr-defined]
        {"XIAOBAO_HEALTH_DETAIL_NETWORKS": "10.1.0.0/16, 192.0.2.9"}, "XIAOBAO_HEALTH_DETAIL_NETWORKS", []
    )

    assert "worker" in client.get("/healthz", REMOTE_ADDR="10.1.4.4").json()
    assert "worker" in client.get("/healthz", REMOTE_ADDR="192.0.2.9").json()
    assert "worker" not in client.get("/healthz", REMOTE_ADDR="127.0.0.1").json()
    with pytest.raises(ConfigurationError, match="XIAOBAO_HEALTH_DETAIL_NETWORKS"):
        env_networks({"XIAOBAO_HEALTH_DETAIL_NETWORKS": "10.1.0.0/33"}, "XIAOBAO_HEALTH_DETAIL_NETWORKS", [])
