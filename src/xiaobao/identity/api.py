"""Identity endpoints: who am I, and my insurer's branches."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from xiaobao.identity import access
from xiaobao.identity.actors import api_actor

router = Router(tags=["identity"])


class ActorOut(Schema):
    kind: str
    insurer_id: int | None
    branch_id: int | None
    partner_id: int | None
    roles: list[str]


class BranchOut(Schema):
    id: int
    code: str
    name: str
    level: int
    parent_id: int | None


@router.get("/me", response=ActorOut, summary="The authenticated actor")
def me(request: HttpRequest) -> ActorOut:
    actor = api_actor(request)
    return ActorOut(
        kind=actor.kind.value,
        insurer_id=actor.insurer_id,
        branch_id=actor.branch_id,
        partner_id=actor.partner_id,
        roles=sorted(role.value for role in actor.roles),
    )


@router.get("/branches/{branch_id}", response=BranchOut, summary="One branch of the caller's insurer")
def branch(request: HttpRequest, branch_id: int) -> BranchOut:
    found = access.branch_for(api_actor(request), branch_id)
    return BranchOut(id=found.pk, code=found.code, name=found.name, level=found.level, parent_id=found.parent_id)
