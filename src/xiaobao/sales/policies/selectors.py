"""Read models of policies: the staff list and page, the holder's own policies with the cooling-off period and the
refund's progress (issue #16 item 5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext

from xiaobao.kernel.actors import Actor
from xiaobao.sales.domain.policies import SURRENDER_PATH_TEXT, SurrenderPath, within_cooling_off
from xiaobao.sales.models import Policy, RefundDeadline, Surrender
from xiaobao.sales.policies import access


@dataclass(frozen=True)
class PolicyView:
    policy: Policy
    surrender: Surrender | None
    deadline: RefundDeadline | None
    in_cooling_off: bool
    cooling_off_days_left: int
    refund_days_left: int | None

    @property
    def path_text(self) -> str:
        """The surrender's path in the active language ("" when the policy is not surrendered)."""
        if self.surrender is None:
            return ""
        return gettext(SURRENDER_PATH_TEXT[SurrenderPath(self.surrender.path)])


def policy_view(actor: Actor, policy_id: Any, today: date) -> PolicyView:
    policy = access.policy_for(actor, policy_id)
    surrender = access.surrender_of(policy)
    deadline = access.refund_deadline_of(surrender) if surrender is not None else None
    return PolicyView(
        policy=policy,
        surrender=surrender,
        deadline=deadline,
        in_cooling_off=within_cooling_off(today, policy.received_on, policy.cooling_off_days),
        cooling_off_days_left=(policy.cooling_off_ends - today).days,
        refund_days_left=(deadline.due - today).days if deadline is not None and deadline.active else None,
    )


def policies_list(actor: Actor) -> list[Policy]:
    return list(access.policies_for(actor).select_related("product").order_by("-issued_at")[:200])


def policy_of_sale(actor: Actor, sale_id: int) -> Policy | None:
    return access.policies_for(actor).filter(sale_id=sale_id).first()
