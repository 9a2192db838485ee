"""Reporting a claim (portal, API, counter) and declaring a major emergency (CLM-1, CLM-2)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import IntegrityError, transaction

from xiaobao.audit.recorder import record
from xiaobao.claims import events
from xiaobao.claims.actions._shared import _open_clock, _tell, explained, missing
from xiaobao.claims.domain import clocks, green_channel
from xiaobao.claims.domain.lifecycle import ClaimState
from xiaobao.claims.models import ChecklistItem, Claim, Emergency
from xiaobao.identity import access as identity_access
from xiaobao.identity.actions import ConsumerDetails, consumer_register, consumer_relate
from xiaobao.identity.domain.permissions import Permission
from xiaobao.identity.models import Consumer, Insurer
from xiaobao.kernel.actors import SYSTEM, Actor, ActorKind
from xiaobao.kernel.errors import InvalidInput, NotFound, PermissionDenied
from xiaobao.kernel.i18n import _
from xiaobao.ops import clock, idempotency
from xiaobao.privacy.keys import blind_indexer

SCOPE = "claim_report"


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


def claim_report(
    *,
    actor: Actor,
    insurer_id: int,
    data: NewClaim,
    claimant_id: int | None = None,
    claimant: ConsumerDetails | None = None,
    idempotency_key: str | None = None,
) -> Claim:
    """A claim from the claimant (portal, API) or from staff on their behalf; flags the green channel (CLM-2).

    A retried request with the same ``idempotency_key`` returns the first claim.
    """
    for attempt in range(2):
        try:
            return _report(
                actor,
                insurer_id=insurer_id,
                data=data,
                claimant_id=claimant_id,
                details=claimant,
                idempotency_key=idempotency_key,
            )
        except IntegrityError:
            if attempt == 1 or idempotency_key is None:
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def _report(
    actor: Actor,
    *,
    insurer_id: int,
    data: NewClaim,
    claimant_id: int | None,
    details: ConsumerDetails | None,
    idempotency_key: str | None,
    received_at: datetime | None = None,
    receipt: str = "",
) -> Claim:
    """``received_at``/``receipt``: the moment and reference of the write-behind receipt this registers (ADR 0023):
    the claim is received then, however late the intake worker runs (CLM-T5/T6 count from it)."""
    if actor.kind is ActorKind.STAFF:
        identity_access.require_for_insurer(actor, Permission.HANDLE_CLAIMS, insurer_id)
    elif actor.kind not in {ActorKind.CONSUMER, ActorKind.SYSTEM}:
        raise PermissionDenied()
    hashed = idempotency.request_hash(data, claimant_id, details)
    if idempotency_key:
        previous = idempotency.previous_result(SCOPE, actor.audit_id, idempotency_key, hashed)
        if previous is not None:
            return Claim.objects.get(pk=previous)
    insurer = Insurer.objects.filter(pk=insurer_id).first()
    if insurer is None:
        raise NotFound()
    _check(data)
    claimant = _claimant(actor, insurer_id, claimant_id, details)
    branch = identity_access.intake_branch(insurer.pk)
    now = received_at or clock.now()
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
        received_on=clock.statutory_date_of(now),
        simple=data.simple,
        contract_decision_days=data.contract_decision_days,
        home_visit_requested=data.home_visit_requested,
    )
    claim.reference = f"CL-{now.year}-{claim.pk:06d}"
    access_code = f"{secrets.randbelow(10**8):08d}"
    claim.access_code_hash = access_code_hash(claim.reference, access_code)
    claim.green_channel = _green_reasons(claim)
    claim.save(update_fields=["reference", "access_code_hash", "green_channel"])
    _open_clock(claim, clocks.ClaimClock.ADVANCE_PAYMENT, "CLM-T5", claim.received_on)
    if clocks.notice_rule(claim.product_line):
        _open_clock(claim, clocks.ClaimClock.DOCUMENTS_NOTICE, "CLM-T6", claim.received_on)
    record(
        event_type=events.REPORTED,
        actor=actor,
        subject=claim,
        insurer_id=insurer.pk,
        first=True,
        new={
            "reference": claim.reference,
            "green_channel": claim.green_channel,
            **({"receipt": receipt, "received_at": now.isoformat()} if receipt else {}),
        },
    )
    consumer_relate(actor=SYSTEM, consumer=claimant, insurer_id=insurer.pk)
    _tell(
        actor,
        claim,
        "claim_received",
        "received",
        missing=explained(claim, missing(claim)),
        access_code=access_code,
    )
    if idempotency_key:
        idempotency.remember(SCOPE, actor.audit_id, idempotency_key, hashed, claim.pk)
    return claim


def access_code_hash(reference: str, code: str) -> str:
    """What is kept of a claim's access code: a keyed hash bound to its reference, never the code."""
    return blind_indexer().index("claim_access", f"{reference}:{code.strip()}")


def _check(data: NewClaim) -> None:
    if data.incident_date > clock.today():
        raise InvalidInput(_("The date of the incident cannot be in the future."))
    if data.amount_claimed <= 0 or not data.description.strip() or len(data.description) > 10_000:
        raise InvalidInput(_("Give the amount claimed and describe what happened (at most 10,000 characters)."))
    if not (len(data.incident_region) == 6 and data.incident_region.isdigit()):
        raise InvalidInput(_("Say where it happened (a six-digit area code)."))
    if not ChecklistItem.objects.filter(product_line=data.product_line, claim_type=data.claim_type).exists():
        raise InvalidInput(_("There is no document checklist for this kind of claim."))


def _claimant(actor: Actor, insurer_id: int, claimant_id: int | None, details: ConsumerDetails | None) -> Consumer:
    """A consumer claims in their own name; staff and the system name a known consumer or register one."""
    if actor.kind is ActorKind.CONSUMER:
        if claimant_id not in (None, actor.consumer_id) or details is not None:
            raise PermissionDenied(_("A consumer makes claims in their own name."))
        return identity_access.consumer_for(actor, actor.consumer_id)
    if claimant_id is not None:
        if actor.kind is ActorKind.SYSTEM:
            return identity_access.one(Consumer.objects.all(), claimant_id)
        return identity_access.consumer_for(actor, claimant_id)
    if details is not None:
        return consumer_register(actor=actor, details=details, insurer_id=insurer_id)
    raise InvalidInput(_("Say who the claimant is."))


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
