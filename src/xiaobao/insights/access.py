"""The one gate to root causes, remediation actions and the facts fairness is measured on (CMP-S1, INC-4).

Staff whose roles grant ``insights.view`` (compliance officers) see their own insurer's groups and no other's;
not found and not allowed give the same answer. The complaint texts are read only here and only by the grouping
run (``texts_of``): decrypted in memory, reduced to words that hold no personal data, never stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from xiaobao.complaints.models import Complaint
from xiaobao.identity.access import one, tenant_scoped
from xiaobao.identity.domain.permissions import Permission
from xiaobao.identity.models import Insurer, Staff
from xiaobao.insights.models import GroupingRun, GroupMember, RemediationAction, RootCauseGroup
from xiaobao.kernel.actors import Actor


def runs_for(actor: Actor) -> QuerySet[GroupingRun]:
    return tenant_scoped(GroupingRun.objects.all(), actor, Permission.VIEW_INSIGHTS).order_by("-finished_at", "-pk")


def groups_for(actor: Actor) -> QuerySet[RootCauseGroup]:
    return tenant_scoped(RootCauseGroup.objects.select_related("run"), actor, Permission.VIEW_INSIGHTS)


def group_for(actor: Actor, group_id: Any, *, for_update: bool = False) -> RootCauseGroup:
    return one(groups_for(actor), group_id, for_update=for_update)


def actions_for(actor: Actor, permission: Permission = Permission.VIEW_INSIGHTS) -> QuerySet[RemediationAction]:
    return tenant_scoped(RemediationAction.objects.select_related("owner", "group"), actor, permission)


def action_for(actor: Actor, action_id: Any, *, for_update: bool = False) -> RemediationAction:
    return one(actions_for(actor, Permission.REMEDIATE), action_id, for_update=for_update)


def owners_for(actor: Actor) -> QuerySet[Staff]:
    """The active staff of the actor's insurer an action may be given to."""
    staff = tenant_scoped(Staff.objects.filter(active=True), actor, Permission.REMEDIATE)
    return staff.order_by("display_name", "pk")


def owner_for(actor: Actor, staff_id: Any) -> Staff:
    return one(owners_for(actor), staff_id)


def members_of(group: RootCauseGroup) -> QuerySet[GroupMember]:
    """The members of a group its caller already opened through ``group_for``."""
    return GroupMember.objects.filter(group=group)


def members_of_many(groups: list[RootCauseGroup]) -> QuerySet[GroupMember]:
    """The members of groups their caller already opened through ``groups_for``."""
    return GroupMember.objects.filter(group__in=groups)


def insurer_ids() -> list[int]:
    return list(Insurer.objects.order_by("pk").values_list("pk", flat=True))


@dataclass(frozen=True)
class Text:
    complaint_id: int
    received_at: datetime
    description: str
    names: tuple[str, ...]
    """The complainant's own name: none of its pieces may become a term."""


def texts_of(insurer_id: int, since: datetime) -> Iterator[Text]:
    """The insurer's complaints received since ``since``, decrypted — for the grouping run only."""
    rows = (
        Complaint.objects.filter(insurer_id=insurer_id, received_at__gte=since)
        .select_related("complainant")
        .only("pk", "received_at", "description", "complainant__name")
        .order_by("received_at", "pk")
    )
    for row in rows.iterator(chunk_size=500):
        yield Text(row.pk, row.received_at, row.description or "", (row.complainant.name or "",))


@dataclass(frozen=True)
class Decided:
    days: float
    outcome: str
    decided_at: datetime
    birth_year: int | None
    elderly: bool
    disabled: bool
    language: str
    new_urban_resident: bool
    region: str


def decided_in(actor: Actor, insurer_id: int, start: datetime, end: datetime) -> list[Decided]:
    """The insurer's complaints decided in [start, end), as the facts fairness compares (none when the actor may
    not see the insurer's)."""
    rows = (
        tenant_scoped(Complaint.objects.all(), actor, Permission.VIEW_INSIGHTS)
        .filter(insurer_id=insurer_id, decided_at__gte=start, decided_at__lt=end)
        .exclude(outcome="")
    )
    fields = ("received_at", "decided_at", "outcome", "complainant__birth_year", "elderly", "disabled",
              "complainant__preferred_language", "new_urban_resident", "handling_branch__name")  # fmt: skip
    return [
        Decided(
            (decided - received).total_seconds() / 86400,
            outcome,
            decided,
            birth,
            elderly,
            disabled,
            language,
            urban,
            region,
        )
        for received, decided, outcome, birth, elderly, disabled, language, urban, region in rows.values_list(*fields)
    ]
