"""Complaint intake through the API on PostgreSQL, beside a bare Django insert, measured in one run.

The full path: authentication, pydantic validation, encryption of personal
data, the statutory deadline, the audit event, the idempotency record and the
notification enqueue — all in one transaction. The bare endpoint inserts one
row. Both are driven by wrk with 32 connections against one gunicorn.

    scripts/with-postgres.sh .venv/bin/python bench/intake.py [--seconds 15]

Aim: full path at least half the bare rate, p99 under 50 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

from _support import PROJECT, gunicorn, require_postgres, setup_django, wrk


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    require_postgres()
    for command in (["migrate", "-v0"], ["demo_load"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=PROJECT, check=True, capture_output=True)
    setup_django()
    from xiaobao.identity.actions import staff_key_issue
    from xiaobao.identity.actors import actor_for_user
    from xiaobao.identity.models import Branch, Consumer, Staff

    staff = Staff.objects.get(user__username="anhe.handler")
    _, token = staff_key_issue(actor=actor_for_user(staff.user), label="bench")
    body = json.dumps(
        {
            "handling_branch_id": Branch.objects.get(insurer=staff.insurer, code="LN-SY").pk,
            "channel": "web",
            "received_at": "2026-01-05T09:00:00+08:00",
            "product_line": "medical",
            "reason": "claims",
            "description": "住院医疗费用理赔被拒，理由不清楚，请重新审核。",
            "requested_outcome": "按合同赔付",
            "complainant_id": Consumer.objects.get(user__username="consumer.elder").pk,
        },
        ensure_ascii=False,
    )
    env = {"XIAOBAO_BENCH_ENDPOINTS": "1", "DATABASE_URL": os.environ["DATABASE_URL"], "DEBUG": "false"}
    results = {}
    with gunicorn(env, workers=args.workers, threads=args.threads) as url:
        for name, path, headers in (
            ("bare insert", "/bench/bare-insert", {}),
            ("full intake", "/api/v1/complaints", {"Authorization": f"Bearer {token}"}),
        ):
            wrk(url, path, body, headers, connections=args.connections, seconds=3, prefix=f"warm-{name}")
            results[name] = wrk(
                url,
                path,
                body,
                headers,
                connections=args.connections,
                seconds=args.seconds,
                prefix=name.replace(" ", "-"),
            )
    for name, load in results.items():
        print(
            f"{name:<12} {load.rate:8.1f} req/s  p50 {load.p50_ms:6.1f} ms  p99 {load.p99_ms:6.1f} ms  "
            f"({load.requests} requests, {load.errors} errors)"
        )
    ratio = results["full intake"].rate / results["bare insert"].rate
    print(
        f"full / bare = {ratio:.2f}  (aim >= 0.50; p99 aim < 50 ms)  "
        f"[{args.connections} connections, gunicorn {args.workers}x{args.threads} gthread, PostgreSQL]"
    )


if __name__ == "__main__":
    main()
