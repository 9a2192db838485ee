"""A mediation world: the desk's insurer, two mediation organisations each with a mediator, a data-sharing
agreement between our insurer and the first, and a decided complaint under review with one file attached."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.support.desk import Desk
from xiaobao.complaints import actions as complaint_actions
from xiaobao.complaints.actions import Upload
from xiaobao.complaints.models import Attachment, Complaint
from xiaobao.disputes import actions
from xiaobao.disputes.models import Consent, Referral
from xiaobao.identity import actions as identity_actions
from xiaobao.identity.actors import actor_for_user
from xiaobao.identity.models import MediationOrganisation
from xiaobao.kernel.actors import SYSTEM, Actor, ActorKind

PNG = b"\x89PNG\r\n\x1a\n photo"
PDF = b"%PDF-1.4 evidence"
_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@dataclass
class Mediation:
    desk: Desk
    centre: MediationOrganisation
    other: MediationOrganisation
    mediator: Actor
    other_mediator: Actor
    complainant: Actor

    def organisation(self, **details: object) -> MediationOrganisation:
        n = next(_numbers)
        return identity_actions.mediation_organisation_create(
            actor=SYSTEM, code=f"org-{n}", name=f"调解中心 {n}", **details
        )

    def mediator_of(self, organisation: MediationOrganisation) -> Actor:
        n = next(_numbers)
        mediator = identity_actions.mediator_create(
            actor=SYSTEM,
            organisation_id=organisation.pk,
            username=f"mediator-{n}",
            display_name=f"调解员 {n}",
            password="correct-horse-battery-staple",
        )
        return actor_for_user(mediator.user)

    def under_review(self, *, with_file: bool = True) -> Complaint:
        """A decided, notified complaint whose complainant asked for a review: the review's clock runs."""
        complaint = self.desk.in_state("notified")
        if with_file:
            complaint_actions.complaint_attach(
                actor=self.complainant, complaint_id=complaint.pk, uploads=[Upload("receipt.png", PNG)]
            )
        complaint_actions.complaint_request_review(actor=self.complainant, complaint_id=complaint.pk, grounds="不同意")
        return Complaint.objects.get(pk=complaint.pk)

    def consent(self, complaint: Complaint, shared: tuple[str, ...] = ("decision", "timeline", "documents")) -> Consent:
        files = list(Attachment.objects.filter(complaint=complaint).values_list("pk", flat=True))
        return actions.consent_give(
            actor=self.complainant,
            complaint_id=complaint.pk,
            organisation_id=self.centre.pk,
            shared=shared,
            documents=files if "documents" in shared else [],
        )

    def referred(self, complaint: Complaint | None = None) -> Referral:
        complaint = complaint or self.under_review()
        consent = self.consent(complaint)
        return actions.referral_make(
            actor=self.desk.handler,
            complaint_id=complaint.pk,
            organisation_id=self.centre.pk,
            shared=consent.shared,
            documents=consent.documents,
        )

    def agreed(self, effective_on: date = date(2026, 3, 10)) -> Referral:
        from decimal import Decimal

        referral = self.referred()
        actions.referral_accept(actor=self.mediator, referral_id=referral.pk)
        return actions.referral_record_outcome(
            actor=self.mediator,
            referral_id=referral.pk,
            outcome="agreement",
            terms="保险公司一次性补偿人民币 3,000 元，消费者不再就此事投诉。",
            amount=Decimal("3000.00"),
            effective_on=effective_on,
        )


@pytest.fixture
def mediation(desk: Desk) -> Mediation:
    centre = identity_actions.mediation_organisation_create(
        actor=SYSTEM, code="centre", name="辽宁省保险纠纷调解中心", email="centre@example.org", product_lines=[]
    )
    other = identity_actions.mediation_organisation_create(actor=SYSTEM, code="other", name="另一调解中心")
    desk.world.ours.insurer.uscc = "91210100MA0XXXXX1A"
    desk.world.ours.insurer.save(update_fields=["uscc"])
    admin_staff, _ = desk.world.ours.staff()
    from xiaobao.disputes.models import SharingAgreement
    from xiaobao.ops import clock

    SharingAgreement.objects.create(
        insurer=desk.world.ours.insurer,
        organisation=centre,
        reference="MSA-2026-01",
        valid_from=date(2026, 1, 1),
        valid_until=date(2026, 12, 31),
        recorded_by=admin_staff,
        recorded_at=clock.now(),
    )
    world = Mediation(
        desk=desk,
        centre=centre,
        other=other,
        mediator=SYSTEM,
        other_mediator=SYSTEM,
        complainant=Actor(kind=ActorKind.CONSUMER, consumer_id=desk.complainant.pk),
    )
    world.mediator = world.mediator_of(centre)
    world.other_mediator = world.mediator_of(other)
    return world
