"""Home visits for green-channel claimants (CLM-2, INC-2; CLM-T6: home visits after major disasters)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext

from xiaobao.audit.recorder import record
from xiaobao.claims import events
from xiaobao.claims.actions._shared import _for_claimant_or_staff, _staff_with, _tell
from xiaobao.claims.domain import green_channel
from xiaobao.claims.domain.lifecycle import ClaimState
from xiaobao.claims.models import Claim
from xiaobao.kernel.actors import Actor, Role
from xiaobao.kernel.errors import InvalidInput
from xiaobao.kernel.i18n import _
from xiaobao.notifications.actions import tell_staff
from xiaobao.ops import clock


@transaction.atomic
def claim_book_home_visit(*, actor: Actor, claim_id: int, day: date, note: str = "") -> Claim:
    """The claimant (or staff for them) books a visit on a working day ahead; the adjusters are told."""
    claim = _for_claimant_or_staff(actor, claim_id)
    green_channel.check_home_visit(
        reasons=claim.green_channel,
        closed=ClaimState(claim.state) in {ClaimState.PAID, ClaimState.REFUSED},
        day=day,
        today=clock.today(),
    )
    if len(note) > 500:
        raise InvalidInput(_("Keep the note short (at most 500 characters)."))
    claim.home_visit_requested, claim.home_visit_on, claim.home_visit_note = True, day, note.strip()
    claim.save(update_fields=["home_visit_requested", "home_visit_on", "home_visit_note"])
    record(
        event_type=events.HOME_VISIT_BOOKED,
        actor=actor,
        subject=claim,
        insurer_id=claim.insurer_id,
        new={"day": day.isoformat()},
    )
    _tell(actor, claim, "claim_home_visit", "home_visit")
    staff = [claim.adjuster] if claim.adjuster else _staff_with(claim, Role.SUPERVISOR)
    tell_staff(
        actor=actor,
        staff=staff,
        reference=claim.reference or "",
        purpose="claim_home_visit",
        body=gettext("%(reference)s: home visit booked for %(day)s.") % {"reference": claim.reference, "day": day},
        insurer_id=claim.insurer_id,
        about=claim,
    )
    return claim
