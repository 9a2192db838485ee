"""Writes about personal data: revealing a full value is an action, checked and logged."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from xiaobao.audit.recorder import record
from xiaobao.identity import access
from xiaobao.identity.domain.permissions import Permission
from xiaobao.kernel.actors import Actor, ActorKind
from xiaobao.kernel.errors import InvalidInput, PermissionDenied
from xiaobao.kernel.i18n import _
from xiaobao.ops import clock
from xiaobao.ops.context import request_id
from xiaobao.privacy import access as privacy_access
from xiaobao.privacy import events
from xiaobao.privacy.domain.agreements import Release, check_agreement, check_approval, check_ending
from xiaobao.privacy.models import DataSharingAgreement, PartnerDataRead, PersonalDataAccess

REVEALABLE_FIELDS = ("name", "resident_id", "phone", "email")


@transaction.atomic
def personal_data_reveal(*, actor: Actor, consumer_id: int, field: str, reason: str) -> str:
    """Return one full value of a consumer's personal data, leaving a record of who saw it and why."""
    if field not in REVEALABLE_FIELDS:
        raise InvalidInput(_("This field cannot be revealed."))
    if actor.kind is not ActorKind.STAFF:
        raise PermissionDenied()
    consumer = access.consumer_for(actor, consumer_id, Permission.REVEAL_PERSONAL_DATA)
    if len(reason.strip()) < 5:
        raise InvalidInput(_("Say why you need to see the full value (at least 5 characters)."))
    assert actor.insurer_id is not None
    assert actor.staff_id is not None
    seen = PersonalDataAccess.objects.create(
        insurer_id=actor.insurer_id,
        staff_id=actor.staff_id,
        consumer=consumer,
        field=field,
        reason=reason.strip(),
        at=clock.now(),
        request_id=request_id.get(),
    )
    record(
        event_type=events.PERSONAL_DATA_REVEALED,
        actor=actor,
        subject=consumer,
        insurer_id=actor.insurer_id,
        new={"field": field, "access": seen.pk},  # the reason, staff words about the person, stays on that row
    )
    value: str | None = getattr(consumer, field)
    return value or ""


@dataclass(frozen=True, slots=True)
class AgreementTerms:
    """Every term PIPL Art.21 (PI-3) asks the agreement to fix."""

    reference: str
    purpose: str
    purpose_detail: str
    data_categories: Sequence[str]
    method: str
    protection_measures: str
    valid_from: date
    valid_until: date


@transaction.atomic
def agreement_record(*, actor: Actor, partner_id: int, terms: AgreementTerms) -> DataSharingAgreement:
    """Record a signed data-sharing agreement with a partner of the actor's insurer (PI-3). It counts only once
    another person approves it (``agreement_approve``); from then, from its first day to its last, the partner
    may receive the kinds of data it names for its purpose (SEC-2). The reference is the insurer's own, once:
    the same agreement sent twice is refused, not recorded twice."""
    partner = access.partner_for(actor, partner_id, Permission.MANAGE_PARTNERS, for_update=True)
    reference, detail, measures = terms.reference.strip(), terms.purpose_detail.strip(), terms.protection_measures
    categories = sorted(set(terms.data_categories))
    check_agreement(
        reference=reference,
        purpose=terms.purpose,
        purpose_detail=detail,
        categories=categories,
        method=terms.method,
        protection_measures=measures,
        valid_from=terms.valid_from,
        valid_until=terms.valid_until,
    )
    if DataSharingAgreement.objects.filter(insurer_id=partner.insurer_id, reference=reference).exists():
        raise InvalidInput(_("An agreement with this reference is already recorded."))
    agreement = DataSharingAgreement.objects.create(
        insurer_id=partner.insurer_id,
        partner=partner,
        reference=reference,
        purpose=terms.purpose,
        purpose_detail=detail,
        data_categories=categories,
        method=terms.method,
        protection_measures=measures.strip(),
        valid_from=terms.valid_from,
        valid_until=terms.valid_until,
        recorded_by_id=actor.staff_id,
    )
    record(
        event_type=events.AGREEMENT_SIGNED,
        actor=actor,
        subject=agreement,
        insurer_id=partner.insurer_id,
        first=True,
        new={
            "partner": partner.pk,
            "reference": reference,
            "purpose": terms.purpose,
            "purpose_detail": detail,
            "categories": categories,
            "method": terms.method,
            "protection_measures": measures.strip(),
            "valid_from": terms.valid_from.isoformat(),
            "valid_until": terms.valid_until.isoformat(),
        },
    )
    return agreement


@transaction.atomic
def agreement_approve(*, actor: Actor, agreement_id: int) -> DataSharingAgreement:
    """PI-3, four eyes: staff with compliance or administration rights other than the recorder approve the
    agreement; only approved agreements release data (SEC-2)."""
    if actor.kind is not ActorKind.STAFF or actor.staff_id is None:
        raise PermissionDenied()
    agreement = privacy_access.agreement_for(actor, agreement_id, Permission.MANAGE_PARTNERS, for_update=True)
    check_approval(
        recorded_by=agreement.recorded_by_id,
        approver=actor.staff_id,
        approved=agreement.approved_at is not None,
        ended=agreement.ended_at is not None,
    )
    agreement.approved_at, agreement.approved_by_id = clock.now(), actor.staff_id
    agreement.save(update_fields=["approved_at", "approved_by"])
    record(
        event_type=events.AGREEMENT_APPROVED,
        actor=actor,
        subject=agreement,
        insurer_id=agreement.insurer_id,
        new={"approved_at": agreement.approved_at.isoformat(), "recorded_by": agreement.recorded_by_id},
    )
    return agreement


@transaction.atomic
def agreement_end(*, actor: Actor, agreement_id: int, reason: str) -> DataSharingAgreement:
    """End an agreement before its last day (the partner breached it, the contract was terminated): from this
    moment the partner receives nothing under it (SEC-2)."""
    agreement = privacy_access.agreement_for(actor, agreement_id, Permission.MANAGE_PARTNERS, for_update=True)
    check_ending(
        ended=agreement.ended_at is not None, valid_until=agreement.valid_until, today=clock.today(), reason=reason
    )
    agreement.ended_at, agreement.ended_by_id, agreement.end_reason = clock.now(), actor.staff_id, reason.strip()
    agreement.save(update_fields=["ended_at", "ended_by", "end_reason"])
    record(
        event_type=events.AGREEMENT_ENDED,
        actor=actor,
        subject=agreement,
        insurer_id=agreement.insurer_id,
        new={"ended_at": agreement.ended_at.isoformat(), "reason": reason.strip()},
    )
    return agreement


@dataclass(frozen=True, slots=True)
class PartnerRead:
    """One record of one consumer's data given to a partner in this request (a forwarded complaint)."""

    consumer_id: int
    record: str


@transaction.atomic
def partner_reads_record(*, actor: Actor, granted: Release, reads: Sequence[PartnerRead]) -> int:
    """SEC-2, PI-4: log what the partner read in this request — one row per record and agreement (whose data,
    which categories, under which agreement and purpose, by which key, when, in which request) in one insert,
    and one audit event. Nothing is written when nothing was read."""
    if actor.kind is not ActorKind.PARTNER or actor.partner_id is None:
        raise PermissionDenied()
    if not reads or not granted.agreement_of:
        return 0
    partner = access.partner_for(actor, actor.partner_id)
    by_agreement = granted.by_agreement()
    now, request = clock.now(), request_id.get()
    rows = [
        PartnerDataRead(
            insurer_id=partner.insurer_id,
            partner_id=partner.pk,
            partner_key_id=actor.partner_key_id,
            consumer_id=read.consumer_id,
            agreement_id=agreement_id,
            purpose=granted.purpose,
            categories=categories,
            record=read.record[:64],
            at=now,
            request_id=request,
        )
        for read in reads
        for agreement_id, categories in by_agreement.items()
    ]
    PartnerDataRead.objects.bulk_create(rows)
    record(
        event_type=events.PARTNER_DATA_READ,
        actor=actor,
        subject=partner,
        insurer_id=partner.insurer_id,
        new={
            "reads": len(reads),
            "categories": granted.categories,
            "agreements": sorted(by_agreement),
            "purpose": granted.purpose,
            "key": actor.partner_key_id,
        },
    )
    return len(rows)
