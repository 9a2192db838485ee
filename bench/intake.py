"""Complaint, claim and document intake through the API on PostgreSQL, beside a bare Django insert, measured in
one run (issue #20).

Write-behind (ADR 0023): the request checks the complaint, writes one receipt in autocommit and answers 202;
``manage.py run_intake`` registers it — routing, duplicate check, deadline, audit event, notice — and the task
worker delivers the notice. Claims and their documents go the same way (the addendum): a claim reported is one
receipt; a document sent (a multipart upload of a small real PDF) is its file stored, encrypted, then one
receipt naming it. One run prints:

1. the bare one-row insert, the write-behind intake, the portal's complaint form (write-behind: a consumer's
   session with a verified phone and a CSRF token, prepared before wrk), the intake registered in the request
   (``XIAOBAO_INTAKE_IMMEDIATE=1``, as before #20), a claim reported and a document sent (write-behind), each
   driven by wrk with 32 connections against one gunicorn as deployed: req/s, p50, p99, and the ratio to the
   bare insert (aim ≥ 0.5, p99 < 50 ms); the bare insert and the intake alternate in ``--pair-rounds`` rounds, so
   a burst of other work on the machine falls on both alike (each round's ratio is printed too);
2. sustained registrations per second with 1 and with 2 intake workers, from a backlog of receipts (complaints;
   claims and documents with 1 worker);
3. at a steady rate (``--paced-rate``) with one intake worker and one task worker running: the time from the
   acknowledgement to the case registered and to the notice sent, p50 and p99; and from the acknowledgement to
   the claim registered and to the document attached.

Each request carries a different description and Idempotency-Key, so every one is a new complaint. Without a
PostgreSQL ``DATABASE_URL`` it starts its own cluster with fsync, synchronous_commit and full_page_writes on
(the figures are about durable acknowledgements):

    .venv/bin/python bench/intake.py [--seconds 15] [--window 10] [--paced-rate 10]
"""

from __future__ import annotations

# isort: off
import _support  # first: it moves bench/ to the end of sys.path (bench/queue.py shadows the standard queue)

# isort: on
import argparse
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from _support import Load, combined, gunicorn, load_arguments, prepare_database, print_comparison, setup_django, wrk

BODY = {
    "channel": "web",
    "product_line": "medical",
    "reason": "claims",
    "description": "住院医疗费用理赔被拒，理由不清楚，请重新审核。（{{n}}）",  # each one different
    "requested_outcome": "按合同赔付",
}


CLAIM = {
    "policy_number": "P-BENCH-0001",
    "incident_date": "2026-01-05",
    "incident_region": "210102",
    "description": "住院治疗肺炎七天，申请报销医疗费用。（{{n}}）",  # each one different
    "amount_claimed": "12800.00",
}
BOUNDARY = "xiaobao-bench-boundary"


def small_pdf() -> bytes:
    """A real one-page PDF (about 600 bytes), its lines ended with CRLF: the Lua script that wrk runs reads its
    long strings with LF line ends and puts CRLF back (multipart needs it), which gives these very bytes."""
    text = b"BT /F1 18 Tf 72 760 Td (Claim document) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\r\nstream\r\n%s\r\nendstream" % (len(text), text),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\r\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\r\n" % number + body + b"\r\nendobj\r\n"
    xref = len(out)
    out += b"xref\r\n0 %d\r\n0000000000 65535 f\r\n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n\r\n" % offset for offset in offsets)
    out += b"trailer\r\n<< /Size %d /Root 1 0 R >>\r\nstartxref\r\n%d\r\n%%%%EOF\r\n" % (len(objects) + 1, xref)
    return out


def multipart(item_code: str, pdf: bytes, marker: str) -> bytes:
    """The form ``POST /claims/{id}/documents`` takes: the item and the file (``marker`` in a comment after the
    end of the PDF, so each upload is a different file)."""
    return (
        (
            f"--{BOUNDARY}\r\n"
            f'Content-Disposition: form-data; name="item_code"\r\n\r\n{item_code}\r\n'
            f"--{BOUNDARY}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="invoice.pdf"\r\n'
            f"Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + pdf
        + f"%{marker}\r\n\r\n--{BOUNDARY}--\r\n".encode()
    )


LOG = Path(tempfile.gettempdir()) / "xiaobao-bench-intake-workers.log"


def processes(command: str, count: int, env: dict[str, str], *extra: str) -> list[subprocess.Popen[bytes]]:
    """``count`` worker processes; what they say goes to ``LOG``."""
    with LOG.open("ab") as log:
        return [
            subprocess.Popen(
                [sys.executable, "manage.py", command, *extra],
                cwd=_support.PROJECT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            for _ in range(count)
        ]


def stop(running: list[subprocess.Popen[bytes]]) -> None:
    for process in running:
        process.terminate()
    for process in running:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def model_of(kind: str) -> type:
    from xiaobao.claims.models import ClaimReceipt, DocumentReceipt
    from xiaobao.complaints.models import Receipt

    return {"complaints": Receipt, "claims": ClaimReceipt, "claim_documents": DocumentReceipt}[kind]


def pending(kind: str = "complaints") -> int:
    return int(model_of(kind).objects.filter(state__in=["pending", "claimed"]).count())  # type: ignore[attr-defined]


def done(kind: str = "complaints") -> int:
    return int(model_of(kind).objects.filter(state__in=["done", "refused"]).count())  # type: ignore[attr-defined]


def sustained(workers: int, env: dict[str, str], window: float, kind: str = "complaints") -> float:
    """Registrations per second of ``workers`` intake processes taking only ``kind`` over ``window`` seconds,
    measured once they all register (a process starting on a busy machine takes seconds)."""
    running = processes("run_intake", workers, env, "--kind", kind)
    try:
        first = done(kind)
        until(lambda: done(kind) >= first + 20 * workers or not pending(kind), 120)  # a first batch each
        before, started = done(kind), time.monotonic()
        time.sleep(window)
        return (done(kind) - before) / (time.monotonic() - started)
    finally:
        stop(running)


def until(check: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return True
        time.sleep(0.5)
    return False


def paced(
    url: str,
    token: str,
    body: dict[str, object],
    rate: float,
    seconds: float,
    *,
    path: str = "/api/v1/complaints",
    upload: tuple[str, bytes] | None = None,
) -> list[int]:
    """Complaints (or claims to ``path``, or documents: ``upload`` = item and PDF) at a steady ``rate`` per
    second for ``seconds``; the receipt ids acknowledged."""
    host, port = url.removeprefix("http://").split(":")
    acknowledged: list[int] = []
    lock = threading.Lock()
    clients = 4
    started = time.monotonic()

    def client(number: int) -> None:
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        sent = 0
        while True:
            at = started + (sent * clients + number) / rate
            if at - started >= seconds:
                break
            time.sleep(max(0.0, at - time.monotonic()))
            key = f"paced-{number}-{sent}-{time.time_ns()}"
            headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key}
            if upload is None:
                payload = {**body, "description": str(body["description"]).replace("{{n}}", key)}
                content = json.dumps(payload, ensure_ascii=False).encode()
                headers["Content-Type"] = "application/json"
            else:
                content = multipart(upload[0], upload[1], key)
                headers["Content-Type"] = f"multipart/form-data; boundary={BOUNDARY}"
            connection.request("POST", path, content, headers)
            response = connection.getresponse()
            answer = json.loads(response.read())
            if response.status == 202:
                with lock:
                    acknowledged.append(int(re.sub(r"^[A-Z]{2}-\d{4}-[A-Z]", "", answer["reference"])))
            sent += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return acknowledged


def portal_form(insurer_code: str) -> tuple[str, str, dict[str, str], str]:
    """The portal's complaint details form as a consumer's browser posts it after the phone check: a session
    with the verified phone (``portal.session``) and a CSRF token, made here before wrk runs. Each request
    carries its own form token (the receipt's idempotency key: the same token is the same receipt, so wrk's
    counter goes into it) and its own description."""
    from urllib.parse import urlencode

    from django.conf import settings
    from django.middleware.csrf import _get_new_csrf_string  # type: ignore[attr-defined]

    from xiaobao.identity.models import Consumer
    from xiaobao.ops import clock
    from xiaobao.ops.sessions import SessionStore
    from xiaobao.portal.session import VERIFIED, VERIFIED_FOR

    consumer = Consumer.objects.get(user__username="consumer.elder")
    session = SessionStore()
    session[VERIFIED] = {"id": consumer.pk, "until": (clock.now() + VERIFIED_FOR).isoformat(), "confirmed": True}
    session.create()
    csrf = _get_new_csrf_string()
    fields = {
        "csrfmiddlewaretoken": csrf,
        "token": "NUMBER",
        "product_line": "medical",
        "reason": "claims",
        "description": "住院医疗费用理赔被拒，理由不清楚，请重新审核。（NUMBER）",
        "requested_outcome": "按合同赔付",
    }
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}",
    }
    body = urlencode(fields).replace("NUMBER", "{{n}}")
    return f"/i/{insurer_code}/complain/details/", body, headers, f"consumer:{consumer.pk}"


def percentiles(values: list[float], what: str = "complaints") -> str:
    if not values:
        return "none"
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered) * 1000:7.1f} ms  p99 {p99 * 1000:7.1f} ms  ({len(ordered)} {what})"


def acknowledged_to_done(kind: str, ids: list[int]) -> list[float]:
    """Seconds from each receipt's acknowledgement to its claim registered / document attached."""
    until(lambda: model_of(kind).objects.filter(pk__in=ids, state__in=["done", "refused"]).count() == len(ids), 120)  # type: ignore[attr-defined]
    rows = model_of(kind).objects.filter(pk__in=ids, state="done").values_list("received_at", "done_at")  # type: ignore[attr-defined]
    return [(finished - received).total_seconds() for received, finished in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    load_arguments(parser)
    parser.add_argument("--window", type=float, default=10, help="seconds each sustained-rate measurement lasts")
    parser.add_argument("--paced-rate", type=float, default=10, help="complaints per second for the latencies")
    parser.add_argument("--paced-seconds", type=float, default=10)
    parser.add_argument(
        "--pair-rounds",
        type=int,
        default=3,
        help="alternating rounds of the bare insert and the intake (--seconds in all)",
    )
    parser.add_argument(
        "--request-only",
        action="store_true",
        help="only the bare insert beside the write-behind intake (part 2's first pair)",
    )
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    with _support.given_or_durable_postgres() as url:
        os.environ["DATABASE_URL"] = url
        run(args, url)


def run(args: argparse.Namespace, database_url: str) -> None:
    prepare_database()
    setup_django()
    from django.db import connection

    from xiaobao.claims import actions as claim_actions
    from xiaobao.complaints.models import Receipt
    from xiaobao.identity.actions import staff_key_issue
    from xiaobao.identity.actors import actor_for_user
    from xiaobao.identity.models import Branch, Consumer, Staff
    from xiaobao.notifications.models import Notification

    with connection.cursor() as cursor:
        durability = []
        for name, statement in (
            ("fsync", "SHOW fsync"),
            ("synchronous_commit", "SHOW synchronous_commit"),
            ("full_page_writes", "SHOW full_page_writes"),
        ):
            cursor.execute(statement)
            durability.append(f"{name}={cursor.fetchone()[0]}")
    print(f"PostgreSQL: {' '.join(durability)}; {os.cpu_count()} cores shared by gunicorn, workers and PostgreSQL")

    staff = Staff.objects.get(user__username="anhe.handler")
    handler = actor_for_user(staff.user)
    _, token = staff_key_issue(actor=handler, label="bench")
    claimant = Consumer.objects.get(user__username="consumer.elder")
    claim_body = {**CLAIM, "product_line": "medical", "claim_type": "hospitalisation", "claimant_id": claimant.pk}
    claim = claim_actions.claim_report(
        actor=handler,
        insurer_id=staff.insurer_id,
        data=claim_actions.NewClaim(
            policy_number="P-BENCH-0001",
            product_line="medical",
            claim_type="hospitalisation",
            incident_date=date(2026, 1, 5),
            incident_region="210102",
            description="住院。",
            amount_claimed=Decimal("12800.00"),
        ),
        claimant_id=claimant.pk,
    )
    documents_path = f"/api/v1/claims/{claim.pk}/documents"
    pdf = small_pdf()
    document_body = multipart("invoice", pdf, "{{n}}").decode("latin-1")  # bytes as they are (the PDF is ASCII)
    document_headers = {"Authorization": f"Bearer {token}", "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
    body_of: dict[str, object] = {
        **BODY,
        "handling_branch_id": Branch.objects.get(insurer=staff.insurer, code="LN-SY").pk,
        "complainant_id": Consumer.objects.get(user__username="consumer.elder").pk,  # prefers SMS
    }
    body = json.dumps(body_of, ensure_ascii=False)
    headers = {"Authorization": f"Bearer {token}"}
    common = {"DATABASE_URL": database_url, "DEBUG": "false", "XIAOBAO_BENCH_ENDPOINTS": "1"}
    loads = {}

    def measure(
        name: str, path: str, with_headers: dict[str, str], url: str, sent: str | None = None, seconds: int = 0
    ) -> Load:
        sent = body if sent is None else sent
        crlf = "\r\n" in sent  # the multipart form
        options = {"connections": args.connections, "crlf": crlf}
        wrk(url, path, sent, with_headers, seconds=3, prefix=f"warm-{name[:8]}", **options)  # type: ignore[arg-type]
        loads[name] = wrk(url, path, sent, with_headers, seconds=seconds or args.seconds, prefix=name[:12], **options)  # type: ignore[arg-type]
        return loads[name]

    def measure_pair(url: str) -> None:
        """The bare insert and the write-behind intake in alternating rounds: a burst of other work on the machine
        falls on both alike. Rates over all rounds, p50 the rounds' median, p99 the worst round's."""
        rounds: dict[str, list[Load]] = {"bare insert": [], "write-behind intake": []}
        seconds = max(3, round(args.seconds / args.pair_rounds))
        for _ in range(args.pair_rounds):
            rounds["bare insert"].append(measure("bare insert", "/bench/bare-insert", {}, url, seconds=seconds))
            rounds["write-behind intake"].append(
                measure("write-behind intake", "/api/v1/complaints", headers, url, seconds=seconds)
            )
        for name, measured in rounds.items():
            loads[name] = combined(measured)
        print(
            "rounds' ratios: "
            + ", ".join(
                f"{full.rate / bare.rate:.2f}"
                for bare, full in zip(rounds["bare insert"], rounds["write-behind intake"], strict=True)
            )
        )

    form_path, form_body, form_headers, form_caller = portal_form(staff.insurer.code)

    env = {**os.environ, **common, "XIAOBAO_INTAKE_IMMEDIATE": "0"}
    LOG.write_bytes(b"")
    if args.request_only:
        with gunicorn({**common, "XIAOBAO_INTAKE_IMMEDIATE": "0"}, args) as url:
            measure_pair(url)
        print_comparison(loads, full="write-behind intake", bare="bare insert", p99_aim_ms=50, args=args)
        return

    # 1. acknowledgement → registered → notice sent, at a steady rate, one intake worker and one task worker, on an
    # empty queue (first: afterwards the backlog the loads leave would be in front)
    running = [
        *processes("run_intake", 1, env, "--interval", "0.05"),
        *processes("run_worker", 1, env, "--interval", "0.05"),
    ]
    complaints: dict[int, int] = {}

    def notices() -> dict[str, object]:
        return dict(
            Notification.objects.filter(
                about_type="complaints.complaint",
                purpose="complaint_received",
                about_id__in=[str(pk) for pk in complaints.values()],
                status="sent",
            ).values_list("about_id", "sent_at")
        )

    try:
        time.sleep(5.0)  # both processes up, the periodic tasks of a first start done
        with gunicorn({**common, "XIAOBAO_INTAKE_IMMEDIATE": "0"}, args) as url:
            ids = paced(url, token, body_of, args.paced_rate, args.paced_seconds)
            claim_ids = paced(url, token, claim_body, args.paced_rate, args.paced_seconds / 2, path="/api/v1/claims")
            document_ids = paced(
                url, token, {}, args.paced_rate, args.paced_seconds / 2, path=documents_path, upload=("invoice", pdf)
            )
        until(lambda: Receipt.objects.filter(pk__in=ids, state="done").count() == len(ids), 120)
        complaints = dict(Receipt.objects.filter(pk__in=ids).values_list("pk", "complaint_id"))
        until(lambda: len(notices()) == len(ids), 120)
        to_claim = acknowledged_to_done("claims", claim_ids)
        to_document = acknowledged_to_done("claim_documents", document_ids)
    finally:
        stop(running)
    receipts = {
        pk: (received, finished)
        for pk, received, finished in Receipt.objects.filter(pk__in=ids).values_list("pk", "received_at", "done_at")
    }
    sent = notices()
    to_registered = [(finished - received).total_seconds() for received, finished in receipts.values() if finished]
    to_notice = [
        (sent[str(complaints[pk])] - received).total_seconds()  # type: ignore[operator]
        for pk, (received, _) in receipts.items()
        if str(complaints.get(pk)) in sent
    ]
    print(f"at {args.paced_rate:.0f} complaints/s for {args.paced_seconds:.0f} s, 1 intake worker, 1 task worker:")
    print(f"acknowledged → registered   {percentiles(to_registered)}")
    print(f"acknowledged → notice sent  {percentiles(to_notice)}")
    if len(to_notice) < len(ids):
        print(f"({len(ids) - len(to_notice)} complaints had no notice sent within 120 s)")
    half = args.paced_seconds / 2
    print(f"then claims, then documents, at {args.paced_rate:.0f}/s for {half:.0f} s each:")
    print(f"acknowledged → claim registered   {percentiles(to_claim, 'claims')}")
    print(f"acknowledged → document attached  {percentiles(to_document, 'documents')}")

    # 2. the request's cost: no worker runs meanwhile, so the figures are the web tier's own
    print()
    with gunicorn({**common, "XIAOBAO_INTAKE_IMMEDIATE": "0"}, args) as url:
        measure_pair(url)
        measure("claim reported (write-behind)", "/api/v1/claims", headers, url, json.dumps(claim_body))
        measure("document sent (write-behind)", documents_path, document_headers, url, document_body)
        measure("portal form (write-behind)", form_path, form_headers, url, form_body)
    # A form answered with anything but its receipt (a redirect to the phone check, say) would count as a success
    # for wrk: the receipts the form kept say it was the real thing.
    form_receipts = Receipt.objects.filter(caller=form_caller).count()
    with gunicorn({**common, "XIAOBAO_INTAKE_IMMEDIATE": "1"}, args) as url:
        measure("registered in the request", "/api/v1/complaints", headers, url)
    print_comparison(loads, full="write-behind intake", bare="bare insert", p99_aim_ms=50, args=args)
    for name, note in (
        ("registered in the request", "intake before write-behind"),
        ("claim reported (write-behind)", "one receipt"),
        ("document sent (write-behind)", f"a {len(pdf)}-byte PDF stored encrypted, then one receipt"),
        (
            "portal form (write-behind)",
            f"the consumer's form after the phone check; {form_receipts} receipts kept by it, warm-up included",
        ),
    ):
        print(f"{name} / bare insert = {loads[name].rate / loads['bare insert'].rate:.2f}  ({note})")

    # 3. sustained registrations, from the receipts the load left (topped up when too few for two workers)
    print(f"\nreceipts waiting to be registered: {pending()}")
    rates: dict[int, float] = {}
    for workers in (1, 2):
        if workers > 1:
            needed = int(rates[1] * workers * 1.5 * (args.window + 5))
            with gunicorn({**common, "XIAOBAO_INTAKE_IMMEDIATE": "0"}, args) as url:
                while pending() < needed:
                    wrk(url, "/api/v1/complaints", body, headers, connections=args.connections, seconds=5, prefix="top")
        rates[workers] = sustained(workers, env, args.window)
        print(f"sustained registrations, {workers} intake worker{'s' if workers > 1 else ''}: {rates[workers]:7.1f}/s")
    print(
        f"2 workers / 1 worker = {rates[2] / rates[1]:.2f}  (on the same {os.cpu_count()} cores as PostgreSQL; "
        "the notices' delivery not running)"
    )
    for kind, what in (("claims", "claims registered"), ("claim_documents", "documents attached")):
        print(
            f"sustained {what}, 1 intake worker: {sustained(1, env, args.window, kind):7.1f}/s  ({pending(kind)} left)"
        )
    failures = LOG.read_text(errors="replace").count("Traceback")
    print(f"worker log: {LOG} ({failures} tracebacks)")


if __name__ == "__main__":
    main()
