"""Sales sessions through the API on PostgreSQL (issue #16, SAL-3): each session a partner's sales system starting
a sale, sending 50 events in two batches, uploading a 20 MB recording in 4 MB chunks (resumable, ADR 0018), the
insurer's counter staff assessing the buyer's suitability in-process (SAL-2: no sale completes without it), and
completing the sale — by several clients at once, against a gunicorn this script starts, over real HTTP.

Deliberate retries, as a client that lost the answers would make them:

- every session's first event batch is sent twice (each event must be stored once: idempotent by client event id);
- every session's second chunk is sent twice (stored once: same offset, same bytes);
- every 5th session's start is sent twice with the same Idempotency-Key (one sale);
- every session asks the upload where it stands before finishing (as a client resuming would);
- every 4th session sends its whole recording again through a second upload (a client that started again instead
  of resuming): the second upload finishes on the recording already kept, stored once.

At the end it counts: sales, events (50 per sale, each client event id once), recordings (one per sale, each
whole: its SHA-256 computed again through the encrypted storage), upload chunks left (none) and files on disk
(exactly the recordings: no chunk left behind, no file without a row).

    scripts/with-postgres.sh .venv/bin/python bench/sales.py [--sessions 20] [--clients 4]
"""

from __future__ import annotations

# isort: off
import _support  # first: it moves bench/ to the end of sys.path (bench/queue.py shadows the standard queue)

# isort: on
import argparse
import collections
import hashlib
import http.client
import json
import os
import shutil
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from pathlib import Path

EVENTS = 50
RECORDING_BYTES = 20 * 1024 * 1024
CHUNK_BYTES = 4 * 1024 * 1024
PAGE = "<h1>福寿终身寿险 · 投保须知</h1><p>本产品为保险产品。犹豫期 15 日。</p>" * 20

tally: collections.Counter[str] = collections.Counter()
tally_lock = threading.Lock()


def count(what: str) -> None:
    with tally_lock:
        tally[what] += 1


class Client:
    """One keep-alive connection per client thread; a request that fails on the network is sent again."""

    def __init__(self, url: str, token: str) -> None:
        host, port = url.removeprefix("http://").split(":")
        self.host, self.port = host, int(port)
        self.auth = {"Authorization": f"Bearer {token}"}
        self.connection = http.client.HTTPConnection(self.host, self.port, timeout=120)

    def send(self, method: str, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, object]]:
        for attempt in range(10):
            try:
                self.connection.request(method, path, body=body, headers={**self.auth, **headers})
                response = self.connection.getresponse()
                payload = response.read()
            except (OSError, http.client.HTTPException):
                count("retried after a connection error")
            else:
                if response.status < 500:
                    return response.status, json.loads(payload) if payload else {}
                count(f"retried after {response.status}")
            self.connection.close()
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
            time.sleep(min(0.05 * 2**attempt, 2.0))
        raise RuntimeError(f"no answer: {method} {path}")

    def json(self, method: str, path: str, value: object, **headers: str) -> tuple[int, dict[str, object]]:
        body = json.dumps(value, ensure_ascii=False).encode()
        return self.send(method, path, body, {"Content-Type": "application/json", **headers})


def events(run: str, number: int, first: int, last: int) -> dict[str, object]:
    kinds = ["page_shown", "trail", "consent", "trail", "signature"]
    batch = []
    for n in range(first, last):
        kind = kinds[n % len(kinds)]
        batch.append(
            {
                "client_event_id": f"{run}-{number}-{n}",
                "kind": kind,
                "occurred_at": f"2026-06-01T10:{n // 60:02d}:{n % 60:02d}+08:00",
                "content": PAGE if kind == "page_shown" else "",
                "details": {"step": n, "clicks": n % 7, "scrolled_to": 0.9} if kind == "trail" else {"step": n},
            }
        )
    return {"events": batch}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--clients", type=int, default=4)
    _support.server_arguments(parser)
    args = parser.parse_args()
    _support.require_postgres()
    media = tempfile.mkdtemp(prefix="xiaobao-sales-")
    os.environ["XIAOBAO_MEDIA_ROOT"] = media
    _support.prepare_database()
    _support.setup_django()
    from django.db.models import Count

    from xiaobao.identity.actions import partner_create, partner_key_issue, staff_create
    from xiaobao.identity.actors import actor_for_user
    from xiaobao.identity.models import Branch, Insurer
    from xiaobao.kernel.actors import SYSTEM, Role
    from xiaobao.ops import clock
    from xiaobao.sales.actions import product_save, recording_verify
    from xiaobao.sales.domain.suitability import Answers, Need, PremiumMode, Proposal
    from xiaobao.sales.models import (
        Product,
        RecordingChunk,
        RecordingUpload,
        Sale,
        SaleEvent,
        SaleRecording,
        Salesperson,
    )
    from xiaobao.sales.suitability.actions import Questionnaire, sale_assess_suitability

    run = uuid.uuid4().hex[:8]
    insurer = Insurer.objects.order_by("pk").first()
    assert insurer is not None
    partner = partner_create(actor=SYSTEM, insurer_id=insurer.pk, kind="agent", code=f"B{run}", name=f"bench {run}")
    seller = Salesperson.objects.create(
        insurer=insurer, partner=partner, name="李销售", practice_number=f"PN-{run}", grade=3
    )
    product = product_save(
        actor=SYSTEM,
        product=Product(
            insurer=insurer,
            code=f"bench-{run}",
            name="福寿终身寿险",
            product_line="ordinary_life",
            summary="被保险人身故，按基本保险金额给付。",
            terms="第一条 保险责任……",
            register_number="〔2024〕终身寿险 018 号",
            register_url="https://tiaokuan.iachina.example/products/fushou",
            term_months=240,
        ),
        changed_by="bench",
    )
    _, token = partner_key_issue(actor=SYSTEM, partner_id=partner.pk, label="bench sales system")
    branch = Branch.objects.filter(insurer=insurer).order_by("pk").first()
    assert branch is not None
    counter_staff = staff_create(
        actor=SYSTEM,
        insurer_id=insurer.pk,
        branch_id=branch.pk,
        username=f"bench-sales-{run}",
        display_name="bench counter",
        password=uuid.uuid4().hex,
        roles=[Role.HANDLER],
    )
    counter = actor_for_user(counter_staff.user)
    today = clock.today()
    suitable = Questionnaire(  # a buyer of 62 who wants cover, careful, a modest premium: nothing to declare
        answers=Answers(
            needs=frozenset({Need.PROTECTION}),
            risk={"drop": "take_out", "horizon": "medium", "preference": "sure", "experience": "none"},
            household_income_yuan=Decimal("100000"),
            budget_yuan=Decimal("10000"),
            has_similar_cover=False,
            birth_date=date(today.year - 63, 1, 1),
        ),
        proposal=Proposal(Decimal("3000"), PremiumMode.ANNUAL, 5),
    )
    recording = bytearray(os.urandom(RECORDING_BYTES))
    local = threading.local()
    errors: list[str] = []

    def one(number: int, url: str) -> int | None:
        if not hasattr(local, "client"):
            local.client = Client(url, token)
        client: Client = local.client
        start = {
            "seller_id": seller.pk,
            "product_id": product.pk,
            "channel": "face_to_face",
            "buyer_age": 62,
            "started_at": "2026-06-01T10:00:00+08:00",
        }
        key = f"{run}-{number}"
        status, sale = client.json("POST", "/api/v1/sales", start, **{"Idempotency-Key": key})
        if number % 5 == 0:  # the answer was lost: the same start again
            status, sale = client.json("POST", "/api/v1/sales", start, **{"Idempotency-Key": key})
            count("starts sent twice")
        if status != 201:
            errors.append(f"start {number}: {status} {sale}")
            return None
        sale_id = sale["id"]
        first = events(run, number, 0, EVENTS // 2)
        for _ in range(2):  # the first batch twice
            status, stored = client.json("POST", f"/api/v1/sales/{sale_id}/events", first)
            if status != 200:
                errors.append(f"events {number}: {status} {stored}")
        count("event batches sent twice")
        status, stored = client.json(
            "POST", f"/api/v1/sales/{sale_id}/events", events(run, number, EVENTS // 2, EVENTS)
        )
        if status != 200:
            errors.append(f"events {number}: {status} {stored}")
        mine = bytes(recording[:-8]) + number.to_bytes(8, "big")  # each session's recording its own
        status, upload = client.json(
            "POST",
            f"/api/v1/sales/{sale_id}/recordings",
            {
                "media_type": "video/mp4",
                "duration_seconds": 900,
                "recorded_at": "2026-06-01T10:30:00+08:00",
                "size_bytes": RECORDING_BYTES,
            },
        )
        if status != 201:
            errors.append(f"upload {number}: {status} {upload}")
            return None
        kept = upload_whole(client, number, upload["token"], mine, twice=1)
        if number % 4 == 0:  # the whole recording again, through a second upload: kept once, both linked
            status, again = client.json(
                "POST",
                f"/api/v1/sales/{sale_id}/recordings",
                {
                    "media_type": "video/mp4",
                    "duration_seconds": 900,
                    "recorded_at": "2026-06-01T10:30:00+08:00",
                    "size_bytes": RECORDING_BYTES,
                },
            )
            second = upload_whole(client, number, again["token"], mine) if status == 201 else {}
            if second.get("id") != kept.get("id"):
                errors.append(f"second upload {number}: {status} {second}")
            count("recordings sent again through a second upload")
        # the insurer's counter staff assess the buyer's suitability (SAL-2): a sale completes only then
        sale_assess_suitability(actor=counter, sale_id=int(str(sale_id)), questionnaire=suitable)
        status, done = client.json("POST", f"/api/v1/sales/{sale_id}/complete", {})
        if status != 200:
            errors.append(f"complete {number}: {status} {done}")
        return int(str(sale_id))

    def upload_whole(client: Client, number: int, token: str, mine: bytes, twice: int = -1) -> dict[str, object]:
        """Send the chunks in order (chunk ``twice`` sent twice), ask where the upload stands, finish it."""
        path = f"/api/v1/sales/recording-uploads/{token}"
        octets = {"Content-Type": "application/octet-stream"}
        for index, offset in enumerate(range(0, RECORDING_BYTES, CHUNK_BYTES)):
            chunk = mine[offset : offset + CHUNK_BYTES]
            for _ in range(2 if index == twice else 1):  # the second chunk twice
                status, state = client.send("PUT", f"{path}?offset={offset}", chunk, octets)
                if status != 200:
                    errors.append(f"chunk {number}@{offset}: {status} {state}")
        if twice >= 0:
            count("chunks sent twice")
        status, state = client.send("GET", path, b"", {})
        if state.get("received_bytes") != RECORDING_BYTES:
            errors.append(f"upload {number} stands at {state.get('received_bytes')}")
        status, kept = client.json("POST", f"{path}/finish", {"sha256": hashlib.sha256(mine).hexdigest()})
        if status != 200:
            errors.append(f"finish {number}: {status} {kept}")
        return dict(kept) if isinstance(kept, dict) else {}

    env = {"DATABASE_URL": os.environ["DATABASE_URL"], "DEBUG": "false", "XIAOBAO_MEDIA_ROOT": media}
    with _support.gunicorn(env, args) as url:
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            ids = list(pool.map(lambda n: one(n, url), range(1, args.sessions + 1)))
        elapsed = time.perf_counter() - started

    made = {i for i in ids if i is not None}
    sales = Sale.objects.filter(seller=seller)
    stored_events = SaleEvent.objects.filter(sale__in=sales)
    per_sale = set(stored_events.values("sale").annotate(n=Count("pk")).values_list("n", flat=True))
    distinct_ids = stored_events.values("client_event_id").distinct().count()
    recordings = list(SaleRecording.objects.filter(sale__in=sales))
    whole = sum(recording_verify(kept) for kept in recordings)
    on_disk = {str(p.relative_to(media)) for p in Path(media).rglob("*") if p.is_file()}
    recording_files = {name for name in on_disk if name.startswith("sales/recordings/")}
    chunk_files = {name for name in on_disk if name.startswith("sales/uploads/")}
    expected_uploads = args.sessions + args.sessions // 4
    finished_uploads = RecordingUpload.objects.filter(sale__in=sales, recording__in=recordings).count()
    per_minute = len(made) / elapsed * 60
    megabytes = len(made) * RECORDING_BYTES / 1024 / 1024
    print(
        f"{len(made)} sessions of {EVENTS} events and a 20 MB recording in {elapsed:.1f} s: "
        f"{per_minute:.1f} sessions/minute ({megabytes / elapsed:.1f} MB/s of recordings uploaded; "
        f"{args.clients} clients, gunicorn {args.workers} {args.worker_class} workers, PostgreSQL)"
    )
    print("deliberate retries: " + ", ".join(f"{n} {what}" for what, n in sorted(tally.items())))
    print(
        f"sales: {sales.count()} stored (expected {args.sessions}), {sales.filter(completed_at__isnull=False).count()} completed"
    )
    print(
        f"events: {stored_events.count()} stored (expected {EVENTS * args.sessions}), per sale {sorted(per_sale)}, "
        f"{distinct_ids} distinct client event ids"
    )
    print(
        f"recordings: {len(recordings)} rows (expected {args.sessions}), {whole} whole (SHA-256 checked again "
        f"through the encrypted storage); {len(recording_files)} recording files on disk, "
        f"{RecordingChunk.objects.filter(upload__sale__in=sales).count()} chunk rows and {len(chunk_files)} chunk files left; "
        f"{finished_uploads} finished uploads linked to them (expected {expected_uploads})"
    )
    print(f"errors: {len(errors)}" + (f" — first: {errors[0]}" if errors else ""))
    once = (
        len(made) == args.sessions
        and sales.count() == args.sessions
        and stored_events.count() == EVENTS * args.sessions
        and per_sale == {EVENTS}
        and distinct_ids == EVENTS * args.sessions
        and len(recordings) == args.sessions
        and whole == args.sessions
        and len(recording_files) == args.sessions
        and finished_uploads == expected_uploads
        and not chunk_files
        and not errors
    )
    print("every event and file stored once" if once else "NOT stored exactly once")
    shutil.rmtree(media, ignore_errors=True)
    raise SystemExit(0 if once else 1)


if __name__ == "__main__":
    main()
