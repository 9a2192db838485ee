"""A surge of claims through the API on PostgreSQL: each claim reported, then two documents sent as
multipart uploads, by many clients at once — then every claim, document and file counted.

The clients behave like an app on a phone with a bad network: every request is retried on a connection
error, a timeout or a 5xx answer, with the same Idempotency-Key and the same bytes, until it gets an answer.
On top of that, on purpose:

- every 20th report is sent twice (the answer was lost) and every 20th document twice;
- every 15th document is first cut off mid-body (the connection closed halfway), then retried;
- every 25th report and every 12th document is first sent with a very short timeout (the client gives up
  before the answer, the server may still finish), then retried;
- with ``--kill-every S`` a gunicorn worker is killed outright (SIGKILL) every S seconds, mid-request —
  what a crash or the OOM killer does; its clients see the connection reset and retry.

At the end it counts claims, documents and files: each claim and document stored once, and the files on
disk exactly the rows' files (no file without a row, no row without a file).

    scripts/with-postgres.sh .venv/bin/python bench/claims_surge.py [--claims 10000] [--clients 16] [--kill-every 2]
"""

from __future__ import annotations

# isort: off
import _support  # first: it moves bench/ to the end of sys.path (bench/queue.py shadows the standard queue)

# isort: on
import argparse
import collections
import http.client
import json
import os
import shutil
import signal
import socket
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 64
ATTEMPTS = 30
SHORT_TIMEOUT = 0.003

tally: collections.Counter[str] = collections.Counter()
tally_lock = threading.Lock()


def count(what: str) -> None:
    with tally_lock:
        tally[what] += 1


class Client:
    """One keep-alive connection per client thread, as an app on one phone would hold; retries like the app."""

    def __init__(self, url: str, token: str) -> None:
        host, port = url.removeprefix("http://").split(":")
        self.host, self.port = host, int(port)
        self.auth = {"Authorization": f"Bearer {token}"}
        self.connection = self._connect(60)

    def _connect(self, timeout: float) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def post(
        self, path: str, body: bytes, headers: dict[str, str], *, first_timeout: float | None = None
    ) -> tuple[int, dict[str, object]]:
        """POST until an answer that is not a 5xx; every attempt sends the same bytes and headers."""
        for attempt in range(ATTEMPTS):
            if attempt == 0 and first_timeout is not None:
                self.connection.close()
                self.connection = self._connect(first_timeout)
            try:
                self.connection.request("POST", path, body=body, headers={**self.auth, **headers})
                response = self.connection.getresponse()
                payload = response.read()
            except TimeoutError:
                count("retried after a timeout")
            except (OSError, http.client.HTTPException):
                count("retried after a connection error")
            else:
                if response.status < 500:
                    return response.status, json.loads(payload) if payload else {}
                count(f"retried after {response.status}")
            self.connection.close()
            self.connection = self._connect(60)
            time.sleep(min(0.05 * 2**attempt, 2.0))
        raise RuntimeError(f"no answer after {ATTEMPTS} attempts: POST {path}")

    def cut_off(self, path: str, body: bytes, headers: dict[str, str]) -> None:
        """Send the headers and half the body, then close the connection: a phone losing its signal."""
        head = "".join(f"{k}: {v}\r\n" for k, v in {**self.auth, **headers}.items())
        request = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nContent-Length: {len(body)}\r\n{head}\r\n"
        ).encode()
        try:
            with socket.create_connection((self.host, self.port), timeout=5) as raw:
                raw.sendall(request + body[: len(body) // 2])
        except OSError:
            pass
        count("cut off mid-body, then retried")


def multipart(item_code: str, name: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="item_code"\r\n\r\n{item_code}\r\n'.encode(),
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + content
        + b"\r\n",
        f"--{boundary}--\r\n".encode(),
    ]
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def gunicorn_workers(port: int) -> list[int]:
    """The worker processes of the gunicorn this script started (children of the one bound to ``port``)."""
    bound = f"127.0.0.1:{port}"
    found: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if bound not in (entry / "cmdline").read_bytes().decode(errors="replace"):
                continue
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        found[int(entry.name)] = parent
    return [pid for pid, parent in found.items() if parent in found]


def killer(port: int, every: float, stop: threading.Event) -> None:
    while not stop.wait(every):
        workers = gunicorn_workers(port)
        if workers:
            try:
                os.kill(workers[int(time.monotonic() * 1000) % len(workers)], signal.SIGKILL)
                count("gunicorn workers killed mid-request")
            except ProcessLookupError:
                pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--kill-every", type=float, default=0, help="SIGKILL a gunicorn worker every S seconds")
    _support.server_arguments(parser)
    args = parser.parse_args()
    _support.require_postgres()
    media = tempfile.mkdtemp(prefix="xiaobao-surge-")
    os.environ["XIAOBAO_MEDIA_ROOT"] = media
    _support.prepare_database()
    _support.setup_django()
    from django.db.models import Max

    from xiaobao.claims.models import Claim, ClaimDocument
    from xiaobao.complaints.models import Attachment
    from xiaobao.identity.actions import staff_key_issue
    from xiaobao.identity.actors import actor_for_user
    from xiaobao.identity.models import Consumer, Staff

    staff = Staff.objects.get(user__username="anhe.handler")
    _, token = staff_key_issue(actor=actor_for_user(staff.user), label="claims surge")
    claimant = Consumer.objects.get(user__username="consumer.newcomer").pk
    run = uuid.uuid4().hex[:8]
    last_claim_before = Claim.objects.aggregate(last=Max("pk"))["last"] or 0

    local = threading.local()
    errors: list[str] = []

    def one(number: int, url: str) -> int | None:
        if not hasattr(local, "client"):
            local.client = Client(url, token)
        client: Client = local.client
        body = json.dumps(
            {
                "policy_number": f"MOT-{run}-{number:06d}",
                "product_line": "motor",
                "claim_type": "vehicle_damage",
                "incident_date": "2026-07-20",
                "incident_region": "210211",
                "description": f"暴雨中车辆涉水熄火，发动机进水（第 {number} 辆）。",
                "amount_claimed": "18500.00",
                "claimant_id": claimant,
            },
            ensure_ascii=False,
        ).encode()
        headers = {"Content-Type": "application/json", "Idempotency-Key": f"{run}-{number}"}
        short = SHORT_TIMEOUT if number % 25 == 0 else None
        status, claim = client.post("/api/v1/claims", body, headers, first_timeout=short)
        if number % 20 == 0:  # the answer was lost: the app sends the same report again
            status, claim = client.post("/api/v1/claims", body, headers)
        if status != 201:
            errors.append(f"report {number}: {status} {claim}")
            return None
        for index, (item, name, content) in enumerate(
            (
                ("accident_report", "事故认定书.pdf", PDF),
                ("repair_estimate", "定损单.jpg", JPEG + number.to_bytes(4, "big")),
            )
        ):
            upload, content_type = multipart(item, name, content)
            path = f"/api/v1/claims/{claim['id']}/documents"
            document_headers = {"Content-Type": content_type, "Idempotency-Key": f"{run}-{number}-{item}"}
            sequence = 2 * number + index
            if sequence % 15 == 0:
                client.cut_off(path, upload, document_headers)
            short = SHORT_TIMEOUT if sequence % 12 == 0 else None
            for _attempt in range(2 if number % 20 == 10 else 1):  # and sometimes a document twice
                status, sent = client.post(path, upload, document_headers, first_timeout=short)
                if status != 201:
                    errors.append(f"document {number}/{item}: {status} {sent}")
        return int(str(claim["id"]))

    env = {"DATABASE_URL": os.environ["DATABASE_URL"], "DEBUG": "false", "XIAOBAO_MEDIA_ROOT": media}
    with _support.gunicorn(env, args) as url:
        stop = threading.Event()
        if args.kill_every:
            threading.Thread(target=killer, args=(int(url.rsplit(":", 1)[1]), args.kill_every, stop)).start()
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            ids = list(pool.map(lambda n: one(n, url), range(1, args.claims + 1)))
        elapsed = time.perf_counter() - started
        stop.set()

    made = {i for i in ids if i is not None}
    new_claims = Claim.objects.filter(pk__gt=last_claim_before)
    rows = ClaimDocument.objects.filter(claim__in=new_claims)
    row_files = set(rows.values_list("file", flat=True))
    # The media directory is this run's own: it holds the demo data's files too, and nothing else.
    every_row_file = set(ClaimDocument.objects.values_list("file", flat=True)) | set(
        Attachment.objects.values_list("file", flat=True)
    )
    disk_files = {str(path.relative_to(media)) for path in Path(media).rglob("*") if path.is_file()}
    per_minute = len(made) / elapsed * 60
    print(
        f"{len(made)} claims with 2 documents each in {elapsed:.1f} s: {per_minute:,.0f} claims/minute "
        f"({len(made) / elapsed:.1f}/s; {args.clients} clients, gunicorn {args.workers} {args.worker_class} workers, "
        "PostgreSQL)"
    )
    print("client behaviour: " + ", ".join(f"{n} {what}" for what, n in sorted(tally.items())))
    print(
        f"claims: {new_claims.count()} stored (expected {args.claims}), {len(made)} answered, "
        f"{args.claims // 20} reports sent twice on purpose"
    )
    print(
        f"documents: {rows.count()} rows (expected {2 * args.claims}), "
        f"{rows.values('claim_id', 'item_code').distinct().count()} distinct (claim, item)"
    )
    print(
        f"files: {len(disk_files)} on disk, {len(every_row_file)} named by a row ({len(row_files)} by this run's "
        f"documents, the rest the demo data's); {len(disk_files - every_row_file)} files without a row, "
        f"{len(every_row_file - disk_files)} rows without a file"
    )
    print(f"errors: {len(errors)}" + (f" — first: {errors[0]}" if errors else ""))
    once = (
        len(made) == args.claims
        and new_claims.count() == args.claims
        and rows.count() == 2 * args.claims
        and len(row_files) == 2 * args.claims
        and disk_files == every_row_file
        and not errors
    )
    print("every claim, document and file stored once" if once else "NOT stored exactly once")
    shutil.rmtree(media, ignore_errors=True)
    raise SystemExit(0 if once else 1)


if __name__ == "__main__":
    main()
