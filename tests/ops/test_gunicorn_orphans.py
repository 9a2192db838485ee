"""After ``kill -9`` of the gunicorn master its workers exit at once, so a new gunicorn can bind the same port."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.ops.test_serve import _free_port

PROJECT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _gunicorn(port: int, tmp_path: Path, log: str) -> subprocess.Popen[bytes]:
    """gunicorn as deployed (xiaobao/config/gunicorn.py), two sync workers, on a database of its own."""
    return subprocess.Popen(
        [str(BIN / "gunicorn"), "--config", "python:xiaobao.config.gunicorn", "xiaobao.config.wsgi"],
        cwd=PROJECT,
        env={
            **os.environ,
            "PORT": str(port),
            "WEB_CONCURRENCY": "2",
            "XIAOBAO_VAR_DIR": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
            "XIAOBAO_ENV": "development",
        },
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / log).open("wb"),
        start_new_session=True,
    )


def _answers(port: int) -> bool:
    """Any HTTP answer counts (the database here is empty): a worker has booted and accepts."""
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False
    return True


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def _running(pid: int) -> bool:
    """Alive and not a zombie (a zombie holds no socket; whoever adopted it may not have reaped it yet)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _until(check: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_workers_of_a_killed_master_exit_promptly_and_the_port_can_be_bound_again(tmp_path: Path) -> None:
    port = _free_port()
    first = _gunicorn(port, tmp_path, "first.log")
    workers: set[int] = set()
    try:
        # given gunicorn serving with its workers booted
        assert _until(lambda: _answers(port) and len(_children(first.pid)) == 2, 60), "gunicorn did not start"
        workers = _children(first.pid)

        # when its master is killed with -9
        os.kill(first.pid, signal.SIGKILL)
        first.wait()

        # then its workers are gone within a few seconds
        assert _until(lambda: not any(_running(pid) for pid in workers), 5), "orphaned workers still running"
    finally:
        for pid in workers:  # a failed run must not leave them holding the port
            if _running(pid):
                os.kill(pid, signal.SIGKILL)
        _stop(first)

    # and a new gunicorn binds the same port and serves
    second = _gunicorn(port, tmp_path, "second.log")
    try:
        assert _until(lambda: _answers(port), 60), (tmp_path / "second.log").read_text()[-2000:]
        assert second.poll() is None
    finally:
        _stop(second)
