"""What xiaobao holds about one person, as the consumer reads it and downloads it (PIPL Art.45), and the staff
queue of data requests.

All and only their data: their consumer records on their verified phone, their complaints and claims with their
own texts and the decisions on them, the messages sent to them, their call-backs, drafts and data requests. Never
a staff member's name (a step shows who took it by role), never another person's data, never what stays inside
the insurer: notes of a call, what was sent to an agent, reasons recorded for a conflict of interest or an
extension request.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from xiaobao.audit.timeline import timeline
from xiaobao.identity.models import Consumer
from xiaobao.kernel.actors import Actor
from xiaobao.ops import clock
from xiaobao.rights import access
from xiaobao.rights.domain.requests import days_left
from xiaobao.rights.models import DataRequest

EXPORT_FORMAT = "xiaobao-personal-data/1"


def _value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _row(instance: Any, fields: list[str]) -> dict[str, Any]:
    return {name: _value(getattr(instance, name)) for name in fields}


WHO_TEXT = {
    "consumer": gettext_lazy("you"),
    "staff": gettext_lazy("insurer staff"),
    "partner": gettext_lazy("agent or outsourcer"),
}


def _who(actor_kind: str) -> str:
    """A step's actor by role only, in the reader's language: never a staff member's name or id."""
    return str(WHO_TEXT.get(actor_kind, gettext_lazy("xiaobao")))


def _story(subject: Any) -> list[dict[str, Any]]:
    return [
        {"at": _value(entry.at), "what": str(entry.label), "by": _who(entry.actor.split(":")[0])}
        for entry in timeline(subject, consumer_view=True)
    ]


def _file(name: str, content_type: str, size: int, sha256: str, at: datetime) -> dict[str, Any]:
    return {"name": name, "content_type": content_type, "size": size, "sha256": sha256, "received_at": _value(at)}


PERSON_FIELDS = [
    "name", "id_kind", "resident_id", "phone", "email", "birth_year", "preferred_language", "preferred_channel",
    "visually_impaired", "disabled", "new_urban_resident", "created_at",
]  # fmt: skip
COMPLAINT_FIELDS = [
    "reference", "channel", "received_on", "registered_at", "product_line", "reason", "policy_number",
    "claim_reference", "description", "requested_outcome", "state", "declined_reason", "outcome", "findings",
    "basis", "reasons", "remedy", "decided_at", "notified_at", "closed_at", "withdrawn_on", "review_requested_on",
    "review_outcome", "mediation_wanted_on", "next_step", "next_step_chosen_on", "dispute_chosen_on", "elderly",
    "disabled", "new_urban_resident",
]  # fmt: skip
CLAIM_FIELDS = [
    "reference", "policy_number", "product_line", "claim_type", "beneficiary_name", "incident_date",
    "incident_region", "description", "amount_claimed", "reported_at", "received_on", "state", "green_channel",
    "home_visit_requested", "home_visit_on", "home_visit_note", "documents_complete_on", "agreed_amount",
    "paid_amount", "advance_paid_amount", "refusal_reasons", "refusal_basis",
]  # fmt: skip
CALLBACK_FIELDS = [
    "reference", "phone", "slot", "language", "dialect", "note", "requested_at", "state", "first_attempt_at",
]  # fmt: skip
NOTICE_FIELDS = ["channel", "to_address", "subject", "body", "language", "purpose", "created_at", "sent_at", "status"]
REQUEST_FIELDS = [
    "reference", "kind", "field", "new_value", "note", "state", "requested_at", "due", "decided_at", "refusal_reasons",
]  # fmt: skip


def personal_data(consumers: list[Consumer]) -> dict[str, Any]:
    """Everything held about the person whose records these are, as plain JSON-ready values."""
    ids = [c.pk for c in consumers]
    insurers: dict[int, str] = {}
    people = []
    for consumer in consumers:
        person = _row(consumer, PERSON_FIELDS)
        person["insurers"] = []
        people.append(person)
        for relationship in access.relationships_of([consumer.pk]):
            insurers[relationship.insurer_id] = relationship.insurer.name
            person["insurers"].append(relationship.insurer.name)

    complaints = list(access.complaints_of(ids).select_related("insurer"))
    parts = access.complaint_parts_of([c.pk for c in complaints])
    messages: dict[int, list[dict[str, Any]]] = {}
    for message in parts["messages"]:
        messages.setdefault(message.complaint_id, []).append(_row(message, ["channel", "received_at", "text"]))
    asked: dict[int, list[dict[str, Any]]] = {}
    for info in parts["information_requests"]:
        asked.setdefault(info.complaint_id, []).append(_row(info, ["requested_at", "text", "answered_at"]))
    sent: dict[int, list[dict[str, Any]]] = {}
    for attachment in parts["attachments"]:
        sent.setdefault(attachment.complaint_id, []).append(
            _file(attachment.original_name, attachment.content_type, attachment.size, attachment.sha256,
                  attachment.uploaded_at)
        )  # fmt: skip
    complaint_rows = []
    for complaint in complaints:
        row = {"insurer": complaint.insurer.name, **_row(complaint, COMPLAINT_FIELDS)}
        row["messages"] = messages.get(complaint.pk, [])
        row["information_asked_of_you"] = asked.get(complaint.pk, [])
        row["files"] = sent.get(complaint.pk, [])
        row["steps"] = _story(complaint)
        complaint_rows.append(row)

    claims = list(access.claims_of(ids).select_related("insurer"))
    documents: dict[int, list[dict[str, Any]]] = {}
    for document in access.claim_documents_of([c.pk for c in claims]):
        documents.setdefault(document.claim_id, []).append(
            {"item": document.item_code, **_file(document.original_name, document.content_type, document.size,
                                                 document.sha256, document.received_at)}
        )  # fmt: skip
    claim_rows = []
    for claim in claims:
        row = {"insurer": claim.insurer.name, **_row(claim, CLAIM_FIELDS)}
        row["files"] = documents.get(claim.pk, [])
        row["steps"] = _story(claim)
        claim_rows.append(row)

    return {
        "format": EXPORT_FORMAT,
        "generated_at": _value(clock.now()),
        "people": people,
        "complaints": complaint_rows,
        "claims": claim_rows,
        "call_backs": [
            {"insurer": cb.insurer.name, **_row(cb, CALLBACK_FIELDS)}
            for cb in access.callbacks_of(consumers).select_related("insurer")
        ],
        "drafts": [
            {
                "insurer": d.insurer.name,
                "kind": d.kind,
                "fields": _draft_fields(d.fields),
                "saved_at": _value(d.saved_at),
                "expires_at": _value(d.expires_at),
            }
            for d in access.drafts_of(ids).select_related("insurer")
        ],
        "messages_sent_to_you": [
            {"insurer": n.insurer.name if n.insurer else "", **_row(n, NOTICE_FIELDS)}
            for n in access.notices_to(ids).select_related("insurer")
        ],
        "data_requests": [
            {"insurer": r.insurer.name, **_row(r, REQUEST_FIELDS)}
            for r in access.requests_of(ids).select_related("insurer")
        ],
        "erasures": [
            {"insurer": e.insurer.name if e.insurer else "", "why": e.why, "erased_at": _value(e.erased_at)}
            for e in access.erasures_of(ids).select_related("insurer")
        ],
    }


def _draft_fields(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def export_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False).encode()


def records_count(data: dict[str, Any]) -> int:
    sections = ("people", "complaints", "claims", "call_backs", "drafts", "messages_sent_to_you", "data_requests")
    return sum(len(data[section]) for section in sections)


@dataclass(frozen=True)
class QueueRow:
    request: DataRequest
    days_left: int


def data_request_queue(actor: Actor) -> list[QueueRow]:
    """The staff member's insurer's open requests first, earliest due first; then the 50 last answered."""
    today = clock.today()
    scoped: QuerySet[DataRequest] = access.data_requests_for(actor).select_related("consumer")
    open_rows = list(scoped.filter(state="open").order_by("due", "pk"))
    answered = list(scoped.exclude(state="open").order_by("-decided_at", "-pk")[:50])
    return [QueueRow(r, days_left(r.due, today)) for r in [*open_rows, *answered]]


def requests_of_person(actor: Actor) -> list[QueueRow]:
    today = clock.today()
    return [QueueRow(r, days_left(r.due, today)) for r in access.requests_of_person(actor)]
