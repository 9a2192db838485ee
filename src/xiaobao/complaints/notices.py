"""What the complainant and staff are told at each key step, in the complainant's language, on their channel.

Called inside the action's transaction, so a notice exists exactly when its change does (CMP-2, CMP-N3).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext_noop

from xiaobao.complaints.models import Complaint
from xiaobao.identity.models import Staff
from xiaobao.kernel.actors import Actor
from xiaobao.notifications.actions import NoticeFooter, tell_consumer
from xiaobao.notifications.actions import tell_staff as notify_staff
from xiaobao.notifications.models import Notification


def tell_complainant(
    *, actor: Actor, complaint: Complaint, purpose: str, template: str, **context: object
) -> Notification:
    return tell_consumer(
        actor=actor,
        consumer=complaint.complainant,
        template=f"complaints/notices/{template}.txt",
        subject=gettext_noop("Your complaint %(reference)s"),
        subject_params={"reference": complaint.reference},
        purpose=purpose,
        insurer_id=complaint.insurer_id,
        about=complaint,
        complaint=complaint,
        footer=NoticeFooter(
            case_path=reverse("portal:tracking", args=[complaint.reference]),
            hotline=complaint.insurer.complaint_phone,
            call_back_path=reverse("portal:insurer_call_back", args=[complaint.insurer.code]),
        ),
        **context,
    )


def tell_staff(*, actor: Actor, staff: Iterable[Staff], complaint: Complaint, purpose: str, body: str) -> None:
    notify_staff(
        actor=actor,
        staff=staff,
        reference=complaint.reference or "",
        purpose=purpose,
        body=body,
        insurer_id=complaint.insurer_id,
        about=complaint,
    )
