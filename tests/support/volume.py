"""Many open complaints at once, written in bulk as ``manage.py generate_demo`` writes them (no audit trail:
this is volume for a test of the queue, not history), every one accepted and waiting for an investigator."""

from __future__ import annotations

from datetime import timedelta

from tests.support.world import Tenant
from xiaobao.calendars.selectors import business_calendar
from xiaobao.complaints.domain.classification import Channel, ProductLine, Reason
from xiaobao.complaints.domain.lifecycle import State
from xiaobao.complaints.models import Complaint, Deadline
from xiaobao.deadlines.clock import provisional_due_date
from xiaobao.deadlines.rules import DEFAULT
from xiaobao.identity.models import Consumer
from xiaobao.ops import clock


def open_complaints(tenant: Tenant, complainant: Consumer, n: int, *, first: int = 1) -> list[Complaint]:
    """``n`` accepted complaints of ``tenant``, received over the last 30 days, referenced LN-2026-9xxxxx."""
    now = clock.now()
    rule = DEFAULT["CMP-T1"]
    calendar = business_calendar()
    made = Complaint.objects.bulk_create(
        [
            Complaint(
                insurer=tenant.insurer,
                handling_branch=tenant.city,
                reference=f"LN-2026-9{first + i:05d}",
                channel=Channel.HOTLINE.value,
                received_at=(received := now - timedelta(days=i % 30, minutes=i)),
                received_on=clock.statutory_date_of(received),
                registered_at=received,
                complainant=complainant,
                product_line=ProductLine.MEDICAL.value,
                reason=Reason.CLAIMS.value,
                description="批量生成的投诉。",
                state=State.ACCEPTED.value,
            )
            for i in range(n)
        ]
    )
    Deadline.objects.bulk_create(
        [
            Deadline(
                complaint=c,
                insurer_id_copy=c.insurer_id,
                rule_id=rule.id,
                start=c.received_on,
                due=(computed := provisional_due_date(rule, c.received_on, calendar))[0],
                provisional=computed[1],
                state=Deadline.RUNNING,
                active=True,
            )
            for c in made
        ]
    )
    return made
