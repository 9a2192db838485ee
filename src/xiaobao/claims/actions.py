"""The only code that writes claims (CLM-1..3; RULES.md CLM-T1..T6).

Each step: fetch through ``claims.access`` with a row lock, ask the domain,
save, record one audit event, and queue what the claimant must be told.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_noop

from xiaobao.audit.recorder import record
from xiaobao.calendars.selectors import business_calendar
from xiaobao.claims import access, events
from xiaobao.claims.domain import clocks, documents, green_channel
from xiaobao.claims.domain.lifecycle import ClaimState, ClaimStep, next_claim_state
from xiaobao.claims.models import ChecklistItem, Claim, ClaimDeadline, ClaimDocument, DocumentRequest, Emergency
from xiaobao.complaints.domain.files import check_file
from xiaobao.deadlines.clock import due_date
from xiaobao.deadlines.rules import DEFAULT as RULES
from xiaobao.identity import access as identity_access
from xiaobao.identity.actions import consumer_relate
from xiaobao.identity.domain.permissions import Permission
from xiaobao.identity.models import Branch, Consumer, Insurer
from xiaobao.kernel.actors import SYSTEM, Actor, ActorKind
from xiaobao.kernel.errors import InvalidInput, NotFound, PermissionDenied
from xiaobao.kernel.i18n import _
from xiaobao.notifications.actions import tell_consumer
from xiaobao.ops import clock

# Documents the insurer holds itself and never asks for (CMP-I2): the policy it issued.
HELD_BY_INSURER = frozenset({"policy"})


@dataclass(frozen=True)
class NewClaim:
    policy_number: str
    product_line: str
    claim_type: str
    incident_date: date
    incident_region: str
    description: str
    amount_claimed: Decimal
    beneficiary_name: str = ""
    simple: bool = True
    contract_decision_days: int | None = None
    home_visit_requested: bool = False


def _tell(actor: Actor, claim: Claim, purpose: str, template: str, **context: object) -> None:
    tell_consumer(
        actor=actor,
        consumer=claim.claimant,
        template=f"claims/notices/{template}.txt",
        subject=gettext_noop("Your claim %(reference)s"),
        subject_params={"reference": claim.reference},
        purpose=purpose,
        insurer_id=claim.insurer_id,
        about=claim,
        claim=claim,
        **context,
    )


def _step(claim: Claim, step: ClaimStep, *fields: str) -> tuple[str, str]:
    old = claim.state
    claim.state = next_claim_state(ClaimState(old), step).value
    claim.save(update_fields=["state", *fields])
    return old, claim.state


def _open_clock(
    claim: Claim, which: clocks.ClaimClock, rule_id: str, start: date, *, length: int | None = None
) -> ClaimDeadline:
    rules = RULES.with_lengths({rule_id: length}) if length else RULES
    rule = rules[rule_id]
    due = due_date(rule, start, business_calendar(), rules=rules)
    target_days = clocks.internal_target_days(rules.total_length(rule), green_channel=bool(claim.green_channel))
    target = min(due, start + timedelta(days=target_days))
    return ClaimDeadline.objects.create(
        claim=claim,
        insurer_id_copy=claim.insurer_id,
        clock=which.value,
        rule_id=rule_id,
        start=start,
        due=due,
        target=target,
    )


def _close_clock(claim: Claim, which: clocks.ClaimClock) -> ClaimDeadline | None:
    deadline = ClaimDeadline.objects.select_for_update().filter(claim=claim, clock=which.value, active=True).first()
    if deadline is None:
        return None
    today = clock.today()
    deadline.state = ClaimDeadline.MET if today <= deadline.due else ClaimDeadline.MISSED
    deadline.active, deadline.closed_on = False, today
    deadline.save(update_fields=["state", "active", "closed_on"])
    return deadline


def checklist(claim: Claim) -> list[documents.ChecklistEntry]:
    return [
        documents.ChecklistEntry(item.code, item.required, item.waivable_in_green_channel)
        for item in ChecklistItem.objects.filter(product_line=claim.product_line, claim_type=claim.claim_type)
    ]


def missing(claim: Claim) -> list[str]:
    received = set(claim.documents.values_list("item_code", flat=True))
    return documents.missing_items(
        checklist(claim), received=received, held_by_insurer=HELD_BY_INSURER, green_channel=bool(claim.green_channel)
    )


@transaction.atomic
def claim_report(*, actor: Actor, insurer_id: int, data: NewClaim, claimant_id: int | None = None) -> Claim:
    """A claim from the claimant (portal, API) or from staff on their behalf; flags the green channel (CLM-2)."""
    if actor.kind is ActorKind.CONSUMER:
        claimant = identity_access.consumer_for(actor, actor.consumer_id)
    elif actor.kind is ActorKind.STAFF:
        identity_access.require_for_insurer(actor, Permission.HANDLE_CLAIMS, insurer_id)
        claimant = identity_access.consumer_for(actor, claimant_id)
    elif actor.kind is ActorKind.SYSTEM:
        claimant = identity_access.one(Consumer.objects.all(), claimant_id)
    else:
        raise PermissionDenied()
    insurer = Insurer.objects.filter(pk=insurer_id).first()
    if insurer is None:
        raise NotFound()
    now = clock.now()
    if data.incident_date > clock.today():
        raise InvalidInput(_("The date of the incident cannot be in the future."))
    if data.amount_claimed <= 0 or not data.description.strip() or len(data.description) > 10_000:
        raise InvalidInput(_("Give the amount claimed and describe what happened (at most 10,000 characters)."))
    if not ChecklistItem.objects.filter(product_line=data.product_line, claim_type=data.claim_type).exists():
        raise InvalidInput(_("There is no document checklist for this kind of claim."))
    branch = Branch.objects.filter(insurer=insurer, level=2).order_by("pk").first() or insurer.branches.first()
    assert branch is not None
    claim = Claim.objects.create(
        insurer=insurer,
        handling_branch=branch,
        policy_number=data.policy_number,
        product_line=data.product_line,
        claim_type=data.claim_type,
        claimant=claimant,
        beneficiary_name=data.beneficiary_name,
        incident_date=data.incident_date,
        incident_region=data.incident_region,
        description=data.description,
        amount_claimed=data.amount_claimed,
        reported_at=now,
        received_on=clock.today(),
        simple=data.simple,
        contract_decision_days=data.contract_decision_days,
        home_visit_requested=data.home_visit_requested,
    )
    claim.reference = f"CL-{now.year}-{claim.pk:06d}"
    claim.green_channel = _green_reasons(claim)
    claim.save(update_fields=["reference", "green_channel"])
    _open_clock(claim, clocks.ClaimClock.ADVANCE_PAYMENT, "CLM-T5", claim.received_on)
    record(
        event_type=events.REPORTED,
        actor=actor,
        subject=claim,
        insurer_id=insurer.pk,
        first=True,
        new={"reference": claim.reference, "green_channel": claim.green_channel},
    )
    consumer_relate(actor=SYSTEM, consumer=claimant, insurer_id=insurer.pk)
    _tell(actor, claim, "claim_received", "received", missing=_explained(claim, missing(claim)))
    return claim


def _green_reasons(claim: Claim) -> list[str]:
    consumer = claim.claimant
    age = claim.received_on.year - consumer.birth_year if consumer.birth_year else None
    emergencies = [
        green_channel.Emergency(e.region_prefixes, e.first_day, e.last_day)
        for e in Emergency.objects.filter(first_day__lte=claim.incident_date, last_day__gte=claim.incident_date)
    ]
    return green_channel.green_channel_reasons(
        claimant_age=age,
        disabled=consumer.disabled or consumer.visually_impaired,
        region_code=claim.incident_region,
        incident_date=claim.incident_date,
        emergencies=emergencies,
    )


def _explained(claim: Claim, codes: list[str]) -> list[tuple[str, str]]:
    items = {
        i.code: i for i in ChecklistItem.objects.filter(product_line=claim.product_line, claim_type=claim.claim_type)
    }
    return [(items[c].name, items[c].explanation) if c in items else (c, "") for c in codes]


@transaction.atomic
def claim_request_documents(
    *, actor: Actor, claim_id: int, items: list[str] | None = None, new_fact: str = ""
) -> DocumentRequest:
    """The first request asks for every missing item at once (CLM-T1); a later one needs its new fact stated."""
    claim = access.claim_for(actor, claim_id, Permission.HANDLE_CLAIMS, for_update=True)
    previous = [set(r.items) for r in claim.document_requests.order_by("requested_at")]
    wanted: list[str] = (items or []) if previous else missing(claim)
    if not previous and items is not None and set(items) != set(wanted):
        raise InvalidInput(_("The first request lists every missing document: %(items)s."), items=", ".join(wanted))
    documents.check_request(
        set(wanted or []), previous_requests=previous, held_by_insurer=HELD_BY_INSURER, new_fact=new_fact
    )
    _step(claim, ClaimStep.REQUEST_DOCUMENTS)
    request = DocumentRequest.objects.create(
        claim=claim,
        items=list(wanted),
        new_fact=new_fact.strip(),
        requested_at=clock.now(),
        requested_by=actor.audit_id,
    )
    record(
        event_type=events.DOCUMENTS_REQUESTED,
        actor=actor,
        subject=claim,
        insurer_id=claim.insurer_id,
        new={"items": request.items, "request": len(previous) + 1, "new_fact": request.new_fact},
    )
    _tell(
        actor,
        claim,
        "claim_documents_requested",
        "documents_requested",
        missing=_explained(claim, request.items),
        new_fact=request.new_fact,
    )
    return request


@transaction.atomic
def claim_receive_document(*, actor: Actor, claim_id: int, item_code: str, name: str, content: bytes) -> ClaimDocument:
    """A document arrives (portal, API, counter); once nothing is missing the decision clock starts (CLM-T2/T6)."""
    claim = (
        access.claim_of_claimant(actor, claim_id, for_update=True)
        if actor.kind is ActorKind.CONSUMER
        else access.claim_for(actor, claim_id, Permission.HANDLE_CLAIMS, for_update=True)
    )
    if ClaimState(claim.state) not in {ClaimState.REPORTED, ClaimState.DOCUMENTS_REQUESTED, ClaimState.ASSESSING}:
        raise InvalidInput(_("This claim no longer takes documents."))
    if not ChecklistItem.objects.filter(
        product_line=claim.product_line, claim_type=claim.claim_type, code=item_code
    ).exists():
        raise InvalidInput(_("That is not a document this claim needs."))
    content_type = check_file(name, len(content), content[:16])
    digest = hashlib.sha256(content).hexdigest()
    document = ClaimDocument(
        claim=claim,
        item_code=item_code,
        original_name=name[:200],
        content_type=content_type,
        size=len(content),
        sha256=digest,
        received_at=clock.now(),
    )
    document.file.save(f"{claim.pk}-{item_code}-{digest[:12]}", ContentFile(content), save=False)
    document.save()
    record(
        event_type=events.DOCUMENT_RECEIVED,
        actor=actor,
        subject=claim,
        insurer_id=claim.insurer_id,
        new={"item": item_code, "sha256": digest},
    )
    if claim.state != ClaimState.ASSESSING and not missing(claim):
        claim.documents_complete_on = clock.today()
        _step(claim, ClaimStep.COMPLETE_DOCUMENTS, "documents_complete_on")
        rule_id = clocks.decision_rule(claim.product_line, simple=claim.simple)
        length = clocks.decision_length(rule_id, claim.contract_decision_days, RULES[rule_id].length)
        deadline = _open_clock(claim, clocks.ClaimClock.DECISION, rule_id, claim.documents_complete_on, length=length)
        record(
            event_type=events.DOCUMENTS_COMPLETE,
            actor=actor,
            subject=claim,
            insurer_id=claim.insurer_id,
            new={"decision_due": deadline.due.isoformat(), "rule": rule_id},
        )
    return document


@transaction.atomic
def claim_assess(*, actor: Actor, claim_id: int) -> Claim:
    claim = access.claim_for(actor, claim_id, Permission.HANDLE_CLAIMS, for_update=True)
    claim.adjuster_id = actor.staff_id
    old, new = _step(claim, ClaimStep.ASSESS, "adjuster")
    record(
        event_type=events.ASSESSING,
        actor=actor,
        subject=claim,
        insurer_id=claim.insurer_id,
        old={"state": old},
        new={"state": new},
    )
    return claim


@transaction.atomic
def claim_agree_amount(*, actor: Actor, claim_id: int, amount: Decimal) -> Claim:
    """The amount is agreed: the decision clock is met and payment is due within 10 days (CLM-T3)."""
    claim = access.claim_for(actor, claim_id, Permission.HANDLE_CLAIMS, for_update=True)
    if amount <= 0:
        raise InvalidInput(_("The agreed amount must be more than zero."))
    claim.agreed_amount = amount
    _step(claim, ClaimStep.AGREE_AMOUNT, "agreed_amount")
    decision = _close_clock(claim, clocks.ClaimClock.DECISION)
    payment = _open_clock(claim, clocks.ClaimClock.PAYMENT, "CLM-T3", clock.today())
    record(
        event_type=events.AMOUNT_AGREED,
        actor=actor,
        subject=claim,
        insurer_id=claim.insurer_id,
        new={
            "amount": str(amount),
            "decision": decision.state if decision else None,
            "pay_by": payment.due.isoformat(),
        },
    )
    _tell(actor, claim, "claim_amount_agreed", "amount_agreed", pay_by=payment.due)
    return claim


@transaction.atomic
def claim_pay(*, actor: Actor, claim_id: int) -> Claim:
    claim = access.claim_for(actor, claim_id, Permission.HANDLE_CLAIMS, for_update=True)
    claim.paid_amount = (claim.agreed_amount or Decimal(0)) - claim.advance_paid_amount
    _step(claim, ClaimStep.PAY, "paid_amount")
    payment = _close_clock(claim, clocks.ClaimClock.PAYMENT)
    _close_clock(claim, clocks.ClaimClock.ADVANCE_PAYMENT)
    record(
        event_type=events.PAID,
        actor=actor,
        subject=claim,
        insurer_id=claim.insurer_id,
        new={"paid": str(claim.paid_amount), "payment": payment.state if payment else None},
    )
    _tell(actor, claim, "claim_paid", "paid")
    return claim


@transaction.atomic
def claim_refuse(*, actor: Actor, claim_id: int, reasons: str, basis: str) -> Claim:
    """A refusal states its reasons and basis; the written notice goes out at once (CLM-T4: within 3 days)."""
    clocks.check_refusal(reasons, basis)
    claim = access.claim_for(actor, claim_id, Permission.HANDLE_CLAIMS, for_update=True)
    claim.refusal_reasons, claim.refusal_basis = reasons.strip(), basis.strip()
    _step(claim, ClaimStep.REFUSE, "refusal_reasons", "refusal_basis")
    decision = _close_clock(claim, clocks.ClaimClock.DECISION)
    _close_clock(claim, clocks.ClaimClock.ADVANCE_PAYMENT)
    _open_clock(claim, clocks.ClaimClock.REFUSAL_NOTICE, "CLM-T4", clock.today())
    _tell(actor, claim, "claim_refusal_notice", "refused")
    notice = _close_clock(claim, clocks.ClaimClock.REFUSAL_NOTICE)  # the notice is queued in this transaction
    record(
        event_type=events.REFUSED,
        actor=actor,
        subject=claim,
        insurer_id=claim.insurer_id,
        new={"decision": decision.state if decision else None, "notice": notice.state if notice else None},
    )
    return claim


@transaction.atomic
def claim_advance_payment(*, actor: Actor, claim_id: int, amount: Decimal) -> Claim:
    """Pay the part already certain when the amount is not fixed (CLM-T5)."""
    claim = access.claim_for(actor, claim_id, Permission.HANDLE_CLAIMS, for_update=True)
    next_claim_state(ClaimState(claim.state), ClaimStep.ADVANCE_PAYMENT)
    if amount <= 0 or amount + claim.advance_paid_amount > claim.amount_claimed:
        raise InvalidInput(_("An advance is more than zero and not more than the amount claimed."))
    claim.advance_paid_amount += amount
    claim.save(update_fields=["advance_paid_amount"])
    advance = _close_clock(claim, clocks.ClaimClock.ADVANCE_PAYMENT)
    record(
        event_type=events.ADVANCE_PAID,
        actor=actor,
        subject=claim,
        insurer_id=claim.insurer_id,
        new={"amount": str(amount), "clock": advance.state if advance else None},
    )
    return claim


@transaction.atomic
def emergency_declare(
    *, actor: Actor, name: str, region_prefixes: list[str], first_day: date, last_day: date
) -> Emergency:
    """Declare a major emergency; open claims inside it join the green channel at once (CLM-2)."""
    if actor.kind is not ActorKind.SYSTEM:
        raise PermissionDenied()  # a platform decision, taken by the operator (command or admin)
    if not region_prefixes or last_day < first_day or not all(p.isdigit() for p in region_prefixes):
        raise InvalidInput(_("An emergency has area codes and a first day not after its last day."))
    emergency = Emergency.objects.create(
        name=name, region_prefixes=region_prefixes, first_day=first_day, last_day=last_day, declared_at=clock.now()
    )
    record(
        event_type=events.EMERGENCY_DECLARED,
        actor=actor,
        subject=emergency,
        insurer_id=None,
        first=True,
        new={"name": name, "regions": region_prefixes, "from": first_day.isoformat(), "to": last_day.isoformat()},
    )
    zone = green_channel.Emergency(region_prefixes, first_day, last_day)
    open_claims = Claim.objects.select_for_update().exclude(state__in=[ClaimState.PAID, ClaimState.REFUSED])
    for claim in open_claims.filter(incident_date__gte=first_day, incident_date__lte=last_day):
        if zone.covers(region_code=claim.incident_region, incident_date=claim.incident_date) and (
            "major_emergency" not in claim.green_channel
        ):
            claim.green_channel = [*claim.green_channel, "major_emergency"]
            claim.save(update_fields=["green_channel"])
            record(
                event_type=events.GREEN_CHANNEL,
                actor=actor,
                subject=claim,
                insurer_id=claim.insurer_id,
                new={"reasons": claim.green_channel},
            )
    return emergency
