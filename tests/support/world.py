"""A small world for tests: two insurers with branches, staff factories, consumers.

Everything is made through the product's own actions, as the system actor.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from xiaobao.demo.data import resident_id
from xiaobao.identity import actions
from xiaobao.identity.actions import ConsumerDetails
from xiaobao.identity.actors import actor_for_user
from xiaobao.identity.domain.branches import BranchLevel
from xiaobao.identity.models import Branch, Consumer, Insurer, Partner, Staff
from xiaobao.kernel.actors import SYSTEM, Actor, Role

_counter = itertools.count(1)
PASSWORD = "correct-horse-battery-staple"
"""Every test staff member's password (the browser tests sign in with it)."""


@dataclass
class Tenant:
    insurer: Insurer
    head_office: Branch
    province: Branch
    city: Branch

    def staff(self, *roles: Role, branch: Branch | None = None) -> tuple[Staff, Actor]:
        n = next(_counter)
        staff = actions.staff_create(
            actor=SYSTEM,
            insurer_id=self.insurer.pk,
            branch_id=(branch or self.city).pk,
            username=f"{self.insurer.code}-staff-{n}",
            display_name=f"Staff {n}",
            password=PASSWORD,
            roles=roles,
        )
        return staff, actor_for_user(staff.user)

    def partner(self, kind: str = Partner.AGENT) -> Partner:
        n = next(_counter)
        return actions.partner_create(
            actor=SYSTEM, insurer_id=self.insurer.pk, kind=kind, code=f"P{n}", name=f"Partner {n}"
        )

    def partner_under_agreement(
        self,
        categories: Iterable[str] = ("complaint",),
        *,
        valid_from: date = date(2026, 1, 1),
        valid_until: date = date(2026, 12, 31),
        purpose: str = "complaint_handling",
        approved: bool = True,
    ) -> Partner:
        """An agent with an approved data-sharing agreement in force through 2026 (unless told otherwise) for
        these kinds of data, for complaint handling (SEC-2, PI-3)."""
        from django.utils import timezone

        from xiaobao.privacy.models import DataSharingAgreement

        partner = self.partner(Partner.AGENT)
        DataSharingAgreement.objects.create(
            insurer=self.insurer,
            partner=partner,
            reference=f"DSA-{partner.pk}",
            purpose=purpose,
            purpose_detail="投诉处理",
            data_categories=list(categories),
            method="partner_api",
            protection_measures="传输加密，仅投诉专员可见，结案后删除",
            valid_from=valid_from,
            valid_until=valid_until,
            approved_at=timezone.now() if approved else None,
        )
        return partner

    def consumer(self, **details: object) -> Consumer:
        return make_consumer(insurer_ids=[self.insurer.pk], **details)


def make_tenant(code: str) -> Tenant:
    insurer = actions.insurer_create(actor=SYSTEM, code=code, name=f"{code} insurance")
    head = actions.branch_create(
        actor=SYSTEM, insurer_id=insurer.pk, code="HO", name="head office", level=BranchLevel.HEAD_OFFICE
    )
    province = actions.branch_create(
        actor=SYSTEM, insurer_id=insurer.pk, code="LN", name="Liaoning", level=BranchLevel.PROVINCIAL, parent_id=head.pk
    )
    city = actions.branch_create(
        actor=SYSTEM, insurer_id=insurer.pk, code="SY", name="Shenyang", level=BranchLevel.CITY, parent_id=province.pk
    )
    return Tenant(insurer=insurer, head_office=head, province=province, city=city)


def fresh_resident_id(born: date = date(1985, 5, 17)) -> str:
    n = next(_counter)
    return resident_id("210102", born, f"{n % 1000:03d}")


def make_consumer(insurer_ids: Iterable[int] = (), **details: object) -> Consumer:
    values: dict[str, object] = {"name": "张三丰", "resident_id": fresh_resident_id(), "phone": "13912345678"}
    values.update(details)
    insurer_ids = list(insurer_ids)
    consumer = actions.consumer_register(
        actor=SYSTEM,
        details=ConsumerDetails(**values),  # type: ignore[arg-type]
        insurer_id=insurer_ids[0] if insurer_ids else None,
    )
    for other in insurer_ids[1:]:
        actions.consumer_relate(actor=SYSTEM, consumer=consumer, insurer_id=other)
    return consumer
