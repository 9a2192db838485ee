"""Periodic tasks run once across several workers on the Redis queue (issue #20 item 3): two real workers
started together both reach every periodic task's turn, and each task is enqueued, and run, once."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from tests.scaleout.conftest import RedisServer
from tests.support.processes import running_worker, until

pytestmark = [pytest.mark.postgres_only]


def test_two_workers_enqueue_each_periodic_task_once(
    seeded_calendar: None, redis_queue: RedisServer, tmp_path: Path
) -> None:
    import redis
    from rq.job import Job

    from xiaobao.ops.models import PeriodicRun, WorkerHeartbeat

    env = {"XIAOBAO_TASK_QUEUE": "redis", "REDIS_URL": redis_queue.url, "XIAOBAO_MAILDIR": str(tmp_path / "mail")}
    expected = {spec["task"] for spec in settings.XIAOBAO_PERIODIC_TASKS.values()}
    expected.add("xiaobao.notifications.tasks.resend_lost_notifications")  # registered on the Redis queue

    # given two workers on the Redis queue, started together
    with running_worker(tmp_path / "one.log", **env), running_worker(tmp_path / "two.log", **env):
        assert until(lambda: WorkerHeartbeat.objects.count() == 2, 30), (tmp_path / "one.log").read_text()
        # when both have reached every periodic task's turn, and beaten again (every 5 s) since
        assert until(lambda: PeriodicRun.objects.filter(last_enqueued_at__isnull=False).count() == len(expected), 30)
        time.sleep(6)
        connection = redis.Redis.from_url(redis_queue.url)
        jobs = [
            Job.fetch(key.decode().removeprefix("rq:job:"), connection=connection)
            for key in connection.keys("rq:job:*")
        ]
        runs = Counter(job.func_name for job in jobs)

    # then each periodic task was enqueued exactly once, whichever worker did it
    assert {path: runs[path] for path in expected} == dict.fromkeys(expected, 1)
