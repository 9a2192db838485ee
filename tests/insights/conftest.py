"""An insurer's complaints for the root-cause and fairness tests, written straight to the table (the texts go
through the encrypted field as any complaint's do); the clock is the settable one of ``tests.support.desk``."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from tests.support.world import Tenant
from xiaobao.complaints.domain.classification import Channel, ProductLine, Reason
from xiaobao.complaints.domain.lifecycle import State
from xiaobao.complaints.models import Complaint
from xiaobao.identity.models import Branch, Consumer
from xiaobao.ops import clock

_numbers = itertools.count(1)

WAITING = [
    "理赔被拒，理由是等待期内出险，但合同没有说明等待期",
    "保险公司以等待期为由拒绝理赔，销售时没有告知等待期",
    "等待期内住院，理赔申请被拒绝，业务员从未提过等待期",
    "重疾险等待期出险拒赔，投保时不知道有等待期",
]
SURRENDER = [
    "退保手续费太高，退保只退了一半现金价值",
    "要求退保，扣除的手续费太多，现金价值太低",
    "犹豫期过后退保，手续费扣了很多，现金价值很少",
]


def complaint(
    tenant: Tenant,
    complainant: Consumer,
    text: str,
    received_at: datetime,
    *,
    branch: Branch | None = None,
    decided_at: datetime | None = None,
    outcome: str = "",
    **flags: bool,
) -> Complaint:
    n = next(_numbers)
    return Complaint.objects.create(
        insurer=tenant.insurer,
        handling_branch=branch or tenant.city,
        reference=f"LN-2026-8{tenant.insurer.pk}{n:05d}",
        channel=Channel.HOTLINE.value,
        received_at=received_at,
        received_on=clock.statutory_date_of(received_at),
        registered_at=received_at,
        complainant=complainant,
        product_line=ProductLine.MEDICAL.value,
        reason=Reason.CLAIMS.value,
        description=text,
        state=State.DECIDED.value if decided_at else State.ACCEPTED.value,
        decided_at=decided_at,
        outcome=outcome,
        **flags,
    )


def days_before(moment: datetime, days: float) -> datetime:
    return moment - timedelta(days=days)
