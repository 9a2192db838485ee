"""Seeing one full value of a complainant's or claimant's personal data from their case page (SEC-1, PI-4):
the case's own gate finds the person, the reveal action checks the role and logs it, and the page is drawn
again with the value on that one answer only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponseBase

from xiaobao.identity.domain.permissions import Permission, staff_may
from xiaobao.kernel.actors import Actor
from xiaobao.kernel.errors import DomainError, NotFound
from xiaobao.ops.i18n import message_of
from xiaobao.privacy import actions as privacy_actions
from xiaobao.workbench.labels import REVEAL_FIELD_TEXT


def reveal_and_draw(
    request: HttpRequest, actor: Actor, person_of_case: Callable[[], int], draw: Callable[..., HttpResponseBase]
) -> HttpResponseBase:
    """``person_of_case()`` opens the case through its gate and names the person; ``draw(**extra)`` draws the page."""
    field = request.POST.get("field", "")
    try:
        value = privacy_actions.personal_data_reveal(
            actor=actor, consumer_id=person_of_case(), field=field, reason=request.POST.get("reason", "")
        )
    except NotFound:
        raise Http404 from None
    except DomainError as refused:
        return draw(reveal_error=message_of(refused), form={"step": "reveal", **request.POST.dict()})
    return draw(revealed={"field": field, "value": value or "—"})


def reveal_context(actor: Actor, revealed: dict[str, str] | None, reveal_error: str) -> dict[str, Any]:
    """What the person panel (``workbench/_person.html``) needs on a case page."""
    return {
        "revealed": revealed or {},
        "reveal_error": reveal_error,
        "reveal_fields": REVEAL_FIELD_TEXT,
        "may_reveal": staff_may(actor, Permission.REVEAL_PERSONAL_DATA),
    }
