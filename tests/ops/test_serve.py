"""What `make run` starts: gunicorn, the worker and the intake worker from the Procfile, healthy, stopped by one
Ctrl-C.

A real start on a fresh SQLite file under a temporary var/ directory; the
worker really delivers a queued notice, and a complaint posted to the API is a case moments later (write-behind
intake, ADR 0023: the `intake:` process registers it).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _healthz(port: int) -> dict[str, object] | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            loaded: dict[str, object] = json.load(response)
            return loaded
    except OSError:
        return None


@pytest.mark.sqlite_demo
def test_make_run_serves_healthz_ok_and_stops_on_one_interrupt(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "PATH": f"{BIN}:{os.environ['PATH']}",
        "PORT": str(port),
        "XIAOBAO_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}",
        "XIAOBAO_ENV": "development",
    }
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "-v0"], ["demo_load"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([*manage, *command], cwd=PROJECT, env=env, check=True, capture_output=True)
    subprocess.run(
        [
            *manage,
            "shell",
            "--no-imports",
            "-c",
            "from django.db import transaction\n"
            "from xiaobao.kernel.actors import SYSTEM\n"
            "from xiaobao.notifications.actions import notification_queue\n"
            "with transaction.atomic():\n"
            "    notification_queue(actor=SYSTEM, channel='sms', to_address='+8613800138000', body='hi', purpose='smoke')",
        ],
        cwd=PROJECT,
        env=env,
        check=True,
        capture_output=True,
    )

    server = subprocess.Popen(
        [str(BIN / "honcho"), "--no-colour", "-f", "Procfile", "start"],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        report = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            report = _healthz(port)
            if report and report["status"] == "ok":
                break
            time.sleep(0.5)
        assert report is not None
        assert report["status"] == "ok", report
        assert report["database"] == {"status": "ok", "vendor": "sqlite"}

        delivered = False
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not delivered:
            probe = subprocess.run(
                [
                    *manage,
                    "shell",
                    "--no-imports",
                    "-c",
                    "from xiaobao.notifications.models import Notification as N; print(N.objects.get(purpose='smoke').status)",
                ],
                cwd=PROJECT,
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            delivered = probe.stdout.strip() == "sent"
            time.sleep(0.5)
        assert delivered, "the worker did not deliver the queued notice"
        assert _complaint_registered_moments_after_posting(port, manage, env)

        os.killpg(server.pid, signal.SIGINT)  # what one Ctrl-C in the terminal sends
        server.wait(timeout=20)
        assert _healthz(port) is None
    finally:
        if server.poll() is None:  # the test failed midway: stop gently, then firmly
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
    output = server.stdout.read().decode() if server.stdout else ""
    assert "web.1" in output
    assert "worker.1" in output
    assert "intake.1" in output


def _complaint_registered_moments_after_posting(port: int, manage: list[str], env: dict[str, str]) -> bool:
    token = subprocess.run(
        [
            *manage,
            "shell",
            "--no-imports",
            "-c",
            "from xiaobao.identity.actions import staff_key_issue\n"
            "from xiaobao.identity.actors import actor_for_user\n"
            "from xiaobao.identity.models import Branch, Staff\n"
            "staff = Staff.objects.get(user__username='anhe.handler')\n"
            "print(staff_key_issue(actor=actor_for_user(staff.user), label='serve')[1])\n"
            "print(Branch.objects.get(insurer=staff.insurer, code='LN-SY').pk)",
        ],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    headers = {"Authorization": f"Bearer {token[0]}", "Content-Type": "application/json"}
    complaint = {
        "handling_branch_id": int(token[1]),
        "channel": "web",
        "product_line": "medical",
        "reason": "claims",
        "description": "住院医疗费用理赔被拒。",
        "complainant": {"name": "赵敏", "phone": "13800138005"},
    }
    posted = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/complaints", json.dumps(complaint).encode(), headers, method="POST"
    )
    with urllib.request.urlopen(posted, timeout=10) as response:
        assert response.status == 202
        location = json.load(response)["location"]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        asked = urllib.request.Request(f"http://127.0.0.1:{port}{location}", headers=headers)
        with urllib.request.urlopen(asked, timeout=10) as response:
            if json.load(response)["complaint_reference"]:
                return True
        time.sleep(0.3)
    return False
