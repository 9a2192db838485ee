"""XIAOBAO_TASK_QUEUE chooses where tasks wait (ADR 0022): the database by default (`make run`), Redis when asked;
anything else stops start-up with a message naming the variable."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.support.processes import PROJECT

SHOW = (
    "import django, json; django.setup(); from django.conf import settings; "
    "print(json.dumps([settings.TASKS['default']['BACKEND'], 'django_rq' in settings.INSTALLED_APPS, "
    "'ops.push_lost_jobs' in settings.XIAOBAO_PERIODIC_TASKS]))"
)


def _start(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"XIAOBAO_TASK_QUEUE", "REDIS_URL"}}
    return subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=PROJECT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "xiaobao.config.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_database_queue_is_the_default() -> None:
    started = _start()

    assert started.returncode == 0, started.stderr
    assert json.loads(started.stdout) == ["django_tasks_db.DatabaseBackend", False, False]


def test_the_redis_queue_pushes_on_commit_and_pushes_lost_jobs_again() -> None:
    started = _start(XIAOBAO_TASK_QUEUE="redis", REDIS_URL="redis://127.0.0.1:6390/0")

    assert started.returncode == 0, started.stderr
    assert json.loads(started.stdout) == ["xiaobao.ops.task_queue.OnCommitRQBackend", True, True]


def test_another_queue_stops_start_up_naming_the_variable() -> None:
    started = _start(XIAOBAO_TASK_QUEUE="celery")

    assert started.returncode != 0
    assert "XIAOBAO_TASK_QUEUE is database or redis, not 'celery'" in started.stderr
