"""Complaint intake through the API on PostgreSQL, beside a bare Django insert, measured in one run.

The full path: authentication, pydantic validation, encryption of personal
data, the duplicate check, the statutory deadline, the audit event, the
idempotency record and the notification enqueue — all in one transaction. Each
request carries a different description and Idempotency-Key (wrk puts a counter
in ``{{n}}``), so every one creates a new complaint rather than joining the first
as a repeat. The bare endpoint inserts one row. Both are driven by wrk with 32
connections against one gunicorn as deployed (xiaobao/config/gunicorn.py).

    scripts/with-postgres.sh .venv/bin/python bench/intake.py [--seconds 15]

Aim: full path at least half the bare rate, p99 under 50 ms.
"""

from __future__ import annotations

import argparse
import json
import os

from _support import gunicorn, load_arguments, prepare_database, print_comparison, require_postgres, setup_django, wrk


def main() -> None:
    parser = argparse.ArgumentParser()
    load_arguments(parser)
    args = parser.parse_args()
    require_postgres()
    prepare_database()
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
            "description": "住院医疗费用理赔被拒，理由不清楚，请重新审核。（{{n}}）",  # each one different
            "requested_outcome": "按合同赔付",
            "complainant_id": Consumer.objects.get(user__username="consumer.elder").pk,
        },
        ensure_ascii=False,
    )
    from xiaobao.audit.models import AuditEvent
    from xiaobao.complaints.models import Complaint

    before = Complaint.objects.count(), AuditEvent.objects.filter(event_type="complaint.duplicate_linked").count()
    env = {"XIAOBAO_BENCH_ENDPOINTS": "1", "DATABASE_URL": os.environ["DATABASE_URL"], "DEBUG": "false"}
    results = {}
    with gunicorn(env, args) as url:
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
    print_comparison(results, full="full intake", bare="bare insert", p99_aim_ms=50, args=args)
    created = Complaint.objects.count() - before[0]
    repeats = AuditEvent.objects.filter(event_type="complaint.duplicate_linked").count() - before[1]
    print(f"new complaints: {created} (warm-up included), linked as repeats: {repeats}")


if __name__ == "__main__":
    main()
