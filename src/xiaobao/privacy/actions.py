"""Writes about personal data: revealing a full value is an action, checked and logged."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from xiaobao.audit.recorder import record
from xiaobao.identity import access
from xiaobao.identity.domain.permissions import Permission
from xiaobao.kernel.actors import Actor, ActorKind
from xiaobao.kernel.errors import InvalidInput, PermissionDenied
from xiaobao.kernel.i18n import _
from xiaobao.ops.context import request_id
from xiaobao.privacy import events
from xiaobao.privacy.domain.agreements import check_agreement
from xiaobao.privacy.models import DataSharingAgreement, PersonalDataAccess

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
    PersonalDataAccess.objects.create(
        insurer_id=actor.insurer_id,
        staff_id=actor.staff_id,
        consumer=consumer,
        field=field,
        reason=reason.strip(),
        request_id=request_id.get(),
    )
    record(
        event_type=events.PERSONAL_DATA_REVEALED,
        actor=actor,
        subject=consumer,
        insurer_id=actor.insurer_id,
        new={"field": field, "reason": reason.strip()},
    )
    value: str | None = getattr(consumer, field)
    return value or ""


@transaction.atomic
def agreement_record(
    *,
    actor: Actor,
    partner_id: int,
    reference: str,
    purpose: str,
    data_categories: list[str],
    valid_from: date,
    valid_until: date,
) -> DataSharingAgreement:
    """Record a signed data-sharing agreement with a partner of the actor's insurer (PI-3): from its first day
    to its last, the partner may receive the kinds of data it names (SEC-2, ``partner_may_receive``). The
    reference is the insurer's own, once: the same agreement sent twice is refused, not recorded twice."""
    partner = access.partner_for(actor, partner_id, Permission.MANAGE_PARTNERS, for_update=True)
    reference, purpose = reference.strip(), purpose.strip()
    categories = sorted(set(data_categories))
    check_agreement(
        reference=reference, purpose=purpose, categories=categories, valid_from=valid_from, valid_until=valid_until
    )
    if DataSharingAgreement.objects.filter(insurer_id=partner.insurer_id, reference=reference).exists():
        raise InvalidInput(_("An agreement with this reference is already recorded."))
    agreement = DataSharingAgreement.objects.create(
        insurer_id=partner.insurer_id,
        partner=partner,
        reference=reference,
        purpose=purpose,
        data_categories=categories,
        valid_from=valid_from,
        valid_until=valid_until,
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
            "purpose": purpose,
            "categories": categories,
            "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat(),
        },
    )
    return agreement
