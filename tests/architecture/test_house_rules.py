"""The house rules hold on the tree, and each would catch a planted violation (DESIGN.md, issue #13)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps

from tests.architecture.house_rules import Violation, tree_violations, violations_in

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "xiaobao"
TENANT_FIELDS = frozenset({"insurer", "insurer_id", "insurer_id_copy"})


def _our_models() -> list[type]:
    return [m for m in apps.get_models() if m.__module__.startswith("xiaobao.")]


def tenant_models() -> set[str]:
    """Models that belong to an insurer — by an insurer field, or by a required link to such a model — and the
    consumer's own record (personal data, read only through identity.access)."""
    owned = {"Consumer"}
    changed = True
    while changed:
        changed = False
        for model in _our_models():
            if model.__name__ in owned:
                continue
            fields = [f for f in model._meta.get_fields() if getattr(f, "concrete", False)]
            by_field = any(f.name in TENANT_FIELDS or f.attname in TENANT_FIELDS for f in fields)
            by_link = any(
                f.many_to_one and not f.null and f.related_model.__name__ in owned for f in fields if f.is_relation
            )
            if by_field or by_link:
                owned.add(model.__name__)
                changed = True
    return owned


def model_names() -> set[str]:
    return {m.__name__ for m in _our_models()}


OPS_BOOKKEEPING = (
    "operations' own bookkeeping rows, about no person and no case: the machinery every action runs on "
    "(rate limits, idempotency keys, periodic runs, worker heartbeats and task leases)"
)

# The exceptions, each with its reason: module -> (reason, the reads and writes it may make).
ALLOWED: dict[str, tuple[str, set[str]]] = {
    "audit/recorder.py": (
        "the audit log's one writer: record() appends inside the transaction of the action it records, after "
        "locking its chain's head (which names the chain's insurer since issue #18)",
        {"write event.save()", "write head.save()", "write ChainHead.objects…create()", "read ChainHead.objects"},
    ),
    "audit/timeline.py": (
        "the timeline of a case its caller already opened through that case's gate (it takes the row, not an id)",
        {"read AuditEvent.objects"},
    ),
    "audit/verification.py": (
        "audit_verify walks every chain as the system; it reports breaks and changes nothing (the auditor's scope, "
        "one case or one insurer, is chosen in audit.actions through audit.access)",
        {"read AuditEvent.objects", "read ChainHead.objects"},
    ),
    "identity/actors.py": (
        "authentication: who is calling is resolved from the session or bearer key before there is an actor to "
        "check (one plain query for staff tokens, docs/adr/0001), and a key's last use is noted",
        {
            "read Staff.objects",
            "read Consumer.objects",
            "read PartnerKey.objects",
            "read connection.cursor()",
            "read connection.prepared_cursor()",
            "write model.objects.filter(pk=pk).update()",
        },
    ),
    "ops/sessions.py": ("Django's session table read in one plain query (docs/adr/0001)", {"read connection.cursor()"}),
    "ops/health.py": ("/healthz asks the database for SELECT 1", {"read connection.cursor()"}),
    "privacy/rotation.py": (
        "rotate_keys re-encrypts every encrypted column as the system; it handles ciphertext only",
        {"read connection.cursor()"},
    ),
    "demo/data.py": (
        "demo_load (system, start-up) finds what it loaded before, so a second run changes nothing; it writes "
        "only through actions",
        {"read Branch.objects", "read Staff.objects", "read Consumer.objects"},
    ),
    "complaints/management/commands/generate_demo.py": (
        "volume for benchmarks only: bulk rows with no audit trail, as the README says; never in a request",
        {
            "read Branch.objects",
            "read Staff.objects",
            "read Consumer.objects",
            "read Complaint.objects",
            "read Deadline.objects",
            "write Complaint.objects…bulk_create()",
            "write Deadline.objects…bulk_create()",
            "write Consumer.objects…bulk_create()",
        },
    ),
    "notifications/gateways.py": (
        "the recording SMS gateway is the edge of the outside world: it keeps what it would have sent",
        {"write RecordedSms.objects…get_or_create()"},
    ),
    "ops/ratelimit.py": (
        OPS_BOOKKEEPING,
        {"write RateLimitHit.objects…create()", "write RateLimitHit.objects…delete()"},
    ),
    "ops/idempotency.py": (OPS_BOOKKEEPING, {"write IdempotentRequest.objects…create()"}),
    "workbench/previews.py": (
        "Pillow's Image.save draws the JPEG preview of a phone photo into memory: no row, no file",
        {"write upright.save()"},
    ),
    "ops/periodic.py": (OPS_BOOKKEEPING, {"write PeriodicRun.objects…get_or_create()", "write run.save()"}),
    "ops/management/commands/run_worker.py": (
        OPS_BOOKKEEPING,
        {"write WorkerHeartbeat.objects…update_or_create()", "write WorkerHeartbeat.objects…delete()"},
    ),
    "ops/tasks_lease.py": (
        OPS_BOOKKEEPING,
        {"write task.save()", "write current.save()", "write WorkerHeartbeat.objects…delete()"},
    ),
    "ops/task_queue.py": (
        OPS_BOOKKEEPING + "; on the Redis queue, each job's row, so a job Redis lost is pushed again (ADR 0022)",
        {"write PushedJob.objects…create()", "write PushedJob.objects…delete()", "write PushedJob.objects…update()"},
    ),
    "casework/receipts.py": (
        "the write-behind kernel (ADR 0023): the one writer of every kind's receipt rows — the request's one "
        "insert, a worker's claim, done, refused, failed, handed back — called by the kinds' own actions and by "
        "run_intake, never by a view",
        {
            "write receipt.save()",
            "write objects.filter(pk__in=ids).update()",
            "write model.objects.filter(state=ReceiptState.CLAIMED.value, claimed_by=worker_id).update()",
            "write stale.filter(attempts__lt=receipts.MAX_ATTEMPTS).update()",
        },
    ),
    "ops/bench_views.py": (
        "the bare-insert baseline of bench/intake.py, mounted only with XIAOBAO_BENCH_ENDPOINTS",
        {"write LoadProbe.objects…create()"},
    ),
}


def _found() -> list[Violation]:
    return tree_violations(PACKAGE, tenant_models(), model_names())


def test_the_tree_keeps_the_house_rules() -> None:
    unexplained = [str(v) for v in _found() if f"{v.rule} {v.what}" not in ALLOWED.get(v.module, ("", set()))[1]]
    assert unexplained == []


def test_the_allow_list_names_only_what_is_there() -> None:
    found = {(v.module, f"{v.rule} {v.what}") for v in _found()}
    listed = {(module, what) for module, (_reason, whats) in ALLOWED.items() for what in whats}
    assert listed - found == set()  # a stale exception would hide the next real one


PLANTED = {
    "a view reading a tenant model": (
        "portal/views.py",
        "def page(request):\n    return Complaint.objects.filter(pk=1).first()\n",
        Violation("portal/views.py", 2, "read", "Complaint.objects"),
    ),
    "an API writing through a manager": (
        "claims/api.py",
        "def end(request):\n    Claim.objects.filter(pk=1).update(state='closed')\n",
        Violation("claims/api.py", 2, "write", "Claim.objects…update()"),
    ),
    "a task saving an instance": (
        "complaints/tasks.py",
        "def run(complaint):\n    complaint.state = 'closed'\n    complaint.save(update_fields=['state'])\n",
        Violation("complaints/tasks.py", 3, "write", "complaint.save()"),
    ),
    "a view reading through an import alias": (
        "portal/views.py",
        "from xiaobao.complaints.models import Complaint as C\n\ndef page():\n    return C.objects.all()\n",
        Violation("portal/views.py", 4, "read", "Complaint.objects"),
    ),
    "a view reading a module-qualified model": (
        "portal/views.py",
        "def page():\n    return models.Complaint.objects.all()\n",
        Violation("portal/views.py", 2, "read", "Complaint.objects"),
    ),
    "a view reading through the default manager": (
        "portal/views.py",
        "def page():\n    return Claim._meta.default_manager.all()\n",
        Violation("portal/views.py", 2, "read", "Claim.objects"),
    ),
    "a view updating a queryset from the gate": (
        "workbench/views.py",
        "def page(actor):\n    complaints_for(actor).update(state='closed')\n",
        Violation("workbench/views.py", 2, "write", "complaints_for(actor).update()"),
    ),
    "a view creating through a related manager": (
        "workbench/views.py",
        "def page(complaint):\n    complaint.attachments.create(size=1)\n",
        Violation("workbench/views.py", 2, "write", "complaint.attachments.create()"),
    ),
    "a view with its own SQL": (
        "workbench/views.py",
        "def page():\n    with connection.cursor() as c:\n        c.execute('SELECT 1')\n",
        Violation("workbench/views.py", 2, "read", "connection.cursor()"),
    ),
    "a template tag creating a row": (
        "web/templatetags/tags.py",
        "def tag():\n    RateLimitHit.objects.create(bucket='x')\n",
        Violation("web/templatetags/tags.py", 2, "write", "RateLimitHit.objects…create()"),
    ),
}


@pytest.mark.parametrize("planted", PLANTED.values(), ids=PLANTED.keys())
def test_a_planted_violation_is_caught(planted: tuple[str, str, Violation]) -> None:
    module, source, expected = planted
    found = list(violations_in(source, module, tenant_models(), model_names()))
    assert expected in found


def test_the_same_code_in_its_proper_place_is_not_a_violation() -> None:
    reading = "def complaints_for(actor):\n    return Complaint.objects.filter(insurer_id=actor.insurer_id)\n"
    writing = "def complaint_close(*, actor, complaint):\n    complaint.save(update_fields=['state'])\n"
    assert list(violations_in(reading, "complaints/access.py", tenant_models(), model_names())) == []
    assert list(violations_in(writing, "complaints/actions/_handling.py", tenant_models(), model_names())) == []


def test_the_tenant_models_are_the_ones_that_belong_to_an_insurer() -> None:
    owned = tenant_models()
    assert {"Complaint", "Deadline", "Pause", "Claim", "ClaimDocument", "Notification", "Consumer"} <= owned
    assert {"Insurer", "CalendarDay", "RateLimitHit"}.isdisjoint(owned)
    assert "ChecklistItem" in owned  # an insurer may keep its own checklist (#14); the platform's has no insurer
