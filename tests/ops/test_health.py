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
