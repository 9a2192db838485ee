"""A surge of claims through the API on PostgreSQL: each claim reported, then two documents sent as
multipart uploads, by many clients at once — then every claim and document counted.

Clients retry on purpose: every 20th report is sent twice with its Idempotency-Key and every 20th
document twice, as a phone on a bad network does. The counts at the end show each claim and each
document stored once, and each file on disk once.

    scripts/with-postgres.sh .venv/bin/python bench/claims_surge.py [--claims 10000] [--clients 16]
"""

from __future__ import annotations

# isort: off
import _support  # first: it moves bench/ to the end of sys.path (bench/queue.py shadows the standard queue)

# isort: on
import argparse
import http.client
import json
import os
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 64


class Client:
    """One keep-alive connection per client thread, as an app on one phone would hold."""

    def __init__(self, url: str, token: str) -> None:
        host, port = url.removeprefix("http://").split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=60)
        self.auth = {"Authorization": f"Bearer {token}"}

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, object]]:
        self.connection.request("POST", path, body=body, headers={**self.auth, **headers})
        response = self.connection.getresponse()
        payload = response.read()
        return response.status, json.loads(payload) if payload else {}


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=16)
    _support.server_arguments(parser)
    args = parser.parse_args()
    _support.require_postgres()
    media = tempfile.mkdtemp(prefix="xiaobao-surge-")
    os.environ["XIAOBAO_MEDIA_ROOT"] = media
    _support.prepare_database()
    _support.setup_django()
    from xiaobao.claims.models import Claim, ClaimDocument
    from xiaobao.identity.actions import staff_key_issue
    from xiaobao.identity.actors import actor_for_user
    from xiaobao.identity.models import Consumer, Staff

    staff = Staff.objects.get(user__username="anhe.handler")
    _, token = staff_key_issue(actor=actor_for_user(staff.user), label="claims surge")
    claimant = Consumer.objects.get(user__username="consumer.newcomer").pk
    run = uuid.uuid4().hex[:8]
    before_claims, before_documents = Claim.objects.count(), ClaimDocument.objects.count()

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
        status, claim = client.post("/api/v1/claims", body, headers)
        if number % 20 == 0:  # the answer was lost: the app sends the same report again
            status, claim = client.post("/api/v1/claims", body, headers)
        if status != 201:
            errors.append(f"report {number}: {status} {claim}")
            return None
        for item, name, content in (
            ("accident_report", "事故认定书.pdf", PDF),
            ("repair_estimate", "定损单.jpg", JPEG + number.to_bytes(4, "big")),
        ):
            upload, content_type = multipart(item, name, content)
            path = f"/api/v1/claims/{claim['id']}/documents"
            for _attempt in range(2 if number % 20 == 10 else 1):  # and sometimes a document twice
                status, sent = client.post(path, upload, {"Content-Type": content_type})
                if status != 201:
                    errors.append(f"document {number}/{item}: {status} {sent}")
        return int(str(claim["id"]))

    env = {"DATABASE_URL": os.environ["DATABASE_URL"], "DEBUG": "false", "XIAOBAO_MEDIA_ROOT": media}
    with _support.gunicorn(env, args) as url:
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            ids = list(pool.map(lambda n: one(n, url), range(1, args.claims + 1)))
        elapsed = time.perf_counter() - started

    made = {i for i in ids if i is not None}
    claims = Claim.objects.filter(pk__in=made)
    documents = ClaimDocument.objects.filter(claim_id__in=made)
    files = sum(1 for path in Path(media).rglob("*") if path.is_file())
    per_minute = len(made) / elapsed * 60
    print(
        f"{len(made)} claims with 2 documents each in {elapsed:.1f} s: {per_minute:,.0f} claims/minute "
        f"({len(made) / elapsed:.1f}/s; {args.clients} clients, gunicorn {args.workers} {args.worker_class} workers, PostgreSQL)"
    )
    print(
        f"stored: {Claim.objects.count() - before_claims} new claims (expected {args.claims}), "
        f"{claims.count()} answered, {ClaimDocument.objects.count() - before_documents} new documents "
        f"(expected {2 * args.claims}), {documents.values('claim_id', 'item_code').distinct().count()} distinct "
        f"(claim, item), {files} files on disk; "
        f"{args.claims // 20} reports and {args.claims // 20 * 2} documents were sent twice on purpose"
    )
    print(f"errors: {len(errors)}" + (f" — first: {errors[0]}" if errors else ""))
    once = (
        len(made) == args.claims
        and Claim.objects.count() - before_claims == args.claims
        and ClaimDocument.objects.count() - before_documents == 2 * args.claims
        and files == 2 * args.claims
        and not errors
    )
    print("every claim and every document stored once" if once else "NOT stored exactly once")
    raise SystemExit(0 if once else 1)


if __name__ == "__main__":
    main()
