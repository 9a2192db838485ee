"""Who holds a role at an insurer: the people a reminder, an escalation or an approval goes to."""

from __future__ import annotations

from xiaobao.identity.models import Authenticator, EnrolmentTicket, Staff
from xiaobao.kernel.actors import Role


def staff_with(insurer_id: int, *roles: Role) -> list[Staff]:
    """Active staff of the insurer holding any of ``roles`` (with their user, for the email address)."""
    return list(
        Staff.objects.filter(insurer_id=insurer_id, active=True, role_grants__role__in=[r.value for r in roles])
        .select_related("user")
        .distinct()
    )


def has_authenticator(member: Staff) -> bool:
    """Whether the staff member (fetched through ``access``) has a confirmed two-factor authenticator."""
    return bool(Authenticator.objects.filter(user_id=member.user_id, confirmed=True).exists())


def awaits_set_up_code(member: Staff) -> bool:
    """Whether a reset issued the staff member a set-up code not used yet (they have no authenticator until)."""
    return bool(EnrolmentTicket.objects.filter(user_id=member.user_id).exists())
