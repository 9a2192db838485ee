"""Who sees which complaint statistics (CMP-S2) — the one gate of ``reports``.

- a compliance officer: every branch of their insurer;
- a senior manager: their own branch and the branches below it (at the head office: the whole insurer);
- the regulator (``ActorKind.REGULATOR``, no insurer's staff): every insurer's aggregates, and nothing else —
  no case, no person, no row of any other app;
- anyone else: nothing (``NotFound``, as for a page that is not there).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from xiaobao.identity import access as identity_access
from xiaobao.identity.domain.branches import BranchLevel
from xiaobao.identity.domain.permissions import Permission, staff_may
from xiaobao.identity.models import Branch, Insurer, Regulator
from xiaobao.kernel.actors import Actor, ActorKind, Role
from xiaobao.kernel.errors import NotFound
from xiaobao.reports.models import Denominator, MonthFigure


@dataclass(frozen=True)
class Scope:
    """What the actor's statistics cover: ``insurer_ids`` (None: every insurer) and ``branch_ids`` (None: every
    branch of those insurers)."""

    insurer_ids: frozenset[int] | None
    branch_ids: frozenset[int] | None
    regulator: bool

    @property
    def whole_insurer(self) -> bool:
        return self.branch_ids is None


def _subtree(insurer_id: int, root_id: int) -> frozenset[int]:
    """The branch and every branch below it (the hierarchy is four levels deep: ``identity.domain.branches``)."""
    parents = dict(Branch.objects.filter(insurer_id=insurer_id).values_list("pk", "parent_id"))
    found, frontier = {root_id}, {root_id}
    while frontier:
        frontier = {pk for pk, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return frozenset(found)


def scope_of(actor: Actor) -> Scope:
    """The actor's scope, or ``NotFound`` for anyone who may see no statistics."""
    if actor.kind is ActorKind.REGULATOR:
        return Scope(insurer_ids=None, branch_ids=None, regulator=True)
    if not staff_may(actor, Permission.VIEW_REPORTS) or actor.insurer_id is None:
        raise NotFound()
    insurer = frozenset({actor.insurer_id})
    if actor.has_role(Role.COMPLIANCE_OFFICER):
        return Scope(insurer_ids=insurer, branch_ids=None, regulator=False)
    branch = Branch.objects.filter(pk=actor.branch_id or 0, insurer_id=actor.insurer_id).first()
    if branch is None:
        raise NotFound()
    if branch.level == BranchLevel.HEAD_OFFICE:
        return Scope(insurer_ids=insurer, branch_ids=None, regulator=False)
    return Scope(insurer_ids=insurer, branch_ids=_subtree(actor.insurer_id, branch.pk), regulator=False)


def figures_for(scope: Scope) -> QuerySet[MonthFigure]:
    """The summary rows the scope covers."""
    rows = MonthFigure.objects.all()
    if scope.insurer_ids is not None:
        rows = rows.filter(insurer_id__in=scope.insurer_ids)
    if scope.branch_ids is not None:
        rows = rows.filter(branch_id__in=scope.branch_ids)
    return rows


def insurers_in(scope: Scope) -> QuerySet[Insurer]:
    """The insurers the scope covers: their names are public (CMP-P1)."""
    insurers = Insurer.objects.order_by("pk")
    return insurers if scope.insurer_ids is None else insurers.filter(pk__in=scope.insurer_ids)


def branches_in(scope: Scope) -> QuerySet[Branch]:
    """The branches the scope covers, with their parents, to name rows and roll branches up to their province."""
    branches = Branch.objects.order_by("insurer_id", "level", "pk")
    if scope.insurer_ids is not None:
        branches = branches.filter(insurer_id__in=scope.insurer_ids)
    if scope.branch_ids is not None:
        branches = branches.filter(pk__in=scope.branch_ids)
    return branches


def denominators_for(scope: Scope) -> QuerySet[Denominator]:
    """The denominators of the whole insurers in scope (a branch manager's scope is not an insurer's size)."""
    if not scope.whole_insurer:
        return Denominator.objects.none()
    rows = Denominator.objects.all()
    return rows if scope.insurer_ids is None else rows.filter(insurer_id__in=scope.insurer_ids)


def denominator_insurer(actor: Actor, *, for_update: bool = False) -> Insurer:
    """The insurer whose denominators the actor records: their own, if their roles allow it."""
    identity_access.require(actor, Permission.RECORD_REPORT_DENOMINATORS)
    return identity_access.one(Insurer.objects.all(), actor.insurer_id, for_update=for_update)


def denominator_of(insurer_id: int, period: str, *, for_update: bool = False) -> Denominator | None:
    rows = Denominator.objects.filter(insurer_id=insurer_id, period=period)
    return (rows.select_for_update() if for_update else rows).first()


def export_subject(actor: Actor, scope: Scope) -> tuple[Insurer | Regulator, int | None]:
    """What an export's audit event is about: the staff member's insurer, or the regulator's own account."""
    if scope.regulator:
        return Regulator.objects.get(user_id=actor.user_id or 0), None
    return Insurer.objects.get(pk=actor.insurer_id or 0), actor.insurer_id
