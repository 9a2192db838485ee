"""Benchmark of the auditor's verification (issue #18 item 5): every chain of one insurer, and one case.

Writes ``--events`` audit events (default 100,000) for one insurer, in chains of ``--chain`` events (default
20, a long complaint's story), with their heads, straight into the tables (hashed as ``record()`` hashes),
then times ``verify_scope`` over the insurer's chains and over one chain. Another insurer's events of the
same number are there too, so the scope's filter is part of what is timed.

    scripts/with-postgres.sh .venv/bin/python bench/audit_verify.py
    DATABASE_URL=sqlite:////tmp/audit-bench.sqlite3 .venv/bin/python bench/audit_verify.py
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime, timedelta

from _support import setup_django


def populate(insurer_id: int, events: int, chain_length: int, subject_type: str) -> None:
    from xiaobao.audit import chain
    from xiaobao.audit.models import AuditEvent, ChainHead

    start = datetime(2026, 1, 1, tzinfo=UTC)
    batch: list[AuditEvent] = []
    heads: list[ChainHead] = []
    for subject in range(events // chain_length):
        prev = chain.GENESIS
        for sequence in range(1, chain_length + 1):
            event = AuditEvent(
                subject_type=subject_type,
                subject_id=str(subject),
                sequence=sequence,
                event_type="complaint.noted",
                insurer_id=insurer_id,
                actor_kind="staff",
                actor_id="staff:7",
                old_values={"state": "investigating"},
                new_values={"state": "decided", "outcome": "upheld", "note": "已核实，退还保费"},
                occurred_at=start + timedelta(minutes=subject * chain_length + sequence),
                request_id="bench",
                visible_to_consumer=sequence % 3 == 0,
                prev_hash=prev,
            )
            event.hash = prev = chain.event_hash(prev, event.chain_content())
            batch.append(event)
        heads.append(
            ChainHead(
                subject_type=subject_type,
                subject_id=str(subject),
                sequence=chain_length,
                hash=prev,
                insurer_id=insurer_id,
            )
        )
        if len(batch) >= 10_000:
            AuditEvent.objects.bulk_create(batch)
            batch = []
    AuditEvent.objects.bulk_create(batch)
    ChainHead.objects.bulk_create(heads, batch_size=5000)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--chain", type=int, default=20)
    args = parser.parse_args()
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from xiaobao.audit import actions
    from xiaobao.audit.models import AuditEvent, ChainHead
    from xiaobao.audit.verification import verify_parts, verify_scope

    call_command("migrate", "-v0")
    if AuditEvent.objects.filter(subject_type__startswith="bench.").exists():
        raise SystemExit("the bench's events are already there (PostgreSQL keeps audit rows): use a fresh database")
    started = time.perf_counter()
    populate(910_001, args.events, args.chain, "bench.ours")
    populate(910_002, args.events, args.chain, "bench.theirs")
    print(f"{connection.vendor}: wrote {2 * args.events:,} events in {time.perf_counter() - started:.1f} s", flush=True)

    for _ in range(2):
        started = time.perf_counter()
        report = verify_parts(actions._insurer_parts(910_001), break_limit=actions.BREAKS_KEPT)
        took = time.perf_counter() - started
        if not report.ok or report.events != args.events:
            raise SystemExit(f"unexpected: {report}")
        print(
            f"every chain of one insurer: {report.events:,} events, {report.chains:,} chains in {took:.2f} s",
            flush=True,
        )
    started = time.perf_counter()
    one = verify_scope(
        AuditEvent.objects.filter(subject_type="bench.ours", subject_id="7"),
        ChainHead.objects.filter(subject_type="bench.ours", subject_id="7"),
    )
    print(f"one case: {one.events} events in {1000 * (time.perf_counter() - started):.1f} ms", flush=True)


if __name__ == "__main__":
    main()
