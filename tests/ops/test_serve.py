"""What `make run` starts: gunicorn and the worker from the Procfile, healthy, stopped by one Ctrl-C.

A real start on a fresh SQLite file under a temporary var/ directory; the
worker really delivers a queued notice.
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
