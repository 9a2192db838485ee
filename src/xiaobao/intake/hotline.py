"""Complaints from the call centre (CHN-1): the call-centre system, or an agent by hand, sends each call once.

A call naming a reference of the caller's complaint is a further message on it;
any other call registers a complaint (repeats are linked by the complaint
actions' duplicate rule). The recording reference stays with the case (CMP-A2).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from xiaobao.complaints import actions
from xiaobao.complaints.actions import NewComplaint
from xiaobao.complaints.domain.classification import Channel, ProductLine, Reason
from xiaobao.complaints.models import Complaint
from xiaobao.identity import access as identity_access
from xiaobao.identity.actions import ConsumerDetails, consumer_register
from xiaobao.identity.domain.permissions import Permission
from xiaobao.identity.models import Consumer
from xiaobao.intake.models import ReceivedMessage
from xiaobao.kernel.actors import SYSTEM, Actor
from xiaobao.ops import clock
from xiaobao.privacy.domain.identifiers import normalise_phone
from xiaobao.privacy.keys import blind_indexer


@dataclass(frozen=True)
class Call:
    call_id: str
    caller_number: str
    summary: str
    handling_branch_id: int
    caller_name: str = ""
    recording_ref: str = ""
    product_line: ProductLine = ProductLine.OTHER_PROPERTY
    reason: Reason = Reason.OTHER_SERVICE
    complaint_reference: str = ""


@transaction.atomic
def take_call(*, actor: Actor, call: Call) -> tuple[Complaint, str]:
    """(the complaint, "created" | "appended" | "repeat") — a call id is taken in once."""
    identity_access.require(actor, Permission.REGISTER_COMPLAINTS)
    assert actor.insurer_id is not None
    seen = (
        ReceivedMessage.objects.filter(insurer_id=actor.insurer_id, channel="hotline", external_id=call.call_id)
        .select_related("complaint")
        .first()
    )
    if seen is not None:
        return seen.complaint, "repeat"
    phone = normalise_phone(call.caller_number)
    consumer = _caller(phone, call.caller_name, actor.insurer_id)
    text = call.summary + (f"\n[通话录音 {call.recording_ref}]" if call.recording_ref else "")
    existing = (
        Complaint.objects.filter(
            reference=call.complaint_reference.strip().upper(), insurer_id=actor.insurer_id, complainant=consumer
        ).first()
        if call.complaint_reference
        else None
    )
    if existing is not None:
        complaint = actions.complaint_add_message(
            actor=actor, complaint_id=existing.pk, channel=Channel.HOTLINE, text=text
        )
        outcome = "appended"
    else:
        complaint = actions.complaint_register(
            actor=actor,
            idempotency_key=f"hotline:{call.call_id}",
            data=NewComplaint(
                handling_branch_id=call.handling_branch_id,
                channel=Channel.HOTLINE,
                received_at=clock.now(),
                product_line=call.product_line,
                reason=call.reason,
                description=text,
                complainant_id=consumer.pk,
            ),
        )
        outcome = "created"
    ReceivedMessage.objects.create(
        insurer_id=actor.insurer_id,
        channel="hotline",
        external_id=call.call_id,
        complaint=complaint,
        received_at=clock.now(),
    )
    return complaint, outcome


def _caller(phone: str, name: str, insurer_id: int) -> Consumer:
    """A consumer this insurer already deals with who has this number; or a new one with the number alone (PI-1).

    A caller's number proves little (it can be spoofed) and says nothing about another insurer's customers:
    matching it across insurers would have tied a stranger's record, with its name and ID number, to the
    calling insurer. Staff who check who the caller is can link the records afterwards.
    """
    known = (
        Consumer.objects.filter(phone_index=blind_indexer().index("phone", phone), relationships__insurer_id=insurer_id)
        .order_by("pk")
        .first()
    )
    if known is not None:
        return known
    return consumer_register(
        actor=SYSTEM, insurer_id=insurer_id, details=ConsumerDetails(name=name or "来电人", phone=phone)
    )
