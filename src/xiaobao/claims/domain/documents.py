"""One complete request for missing documents (RULES.md CLM-T1, Insurance Law Art.22; CMP-I2).

The first request lists every item of the checklist not yet received and not
already held by the insurer. A later request is allowed only for items a new
fact made necessary — the adjuster states the fact — and never repeats an item.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from xiaobao.kernel.errors import InvalidInput, TransitionNotAllowed
from xiaobao.kernel.i18n import _


@dataclass(frozen=True)
class ChecklistEntry:
    code: str
    required: bool = True
    waivable_in_green_channel: bool = False


class SecondRequestNeedsNewFact(TransitionNotAllowed):
    code = "second_request_needs_new_fact"
    default_message = _(
        "All missing documents were asked for in one request (CLM-T1). A further request is allowed only for a "
        "document a new fact made necessary: state that fact."
    )


class ItemAlreadyRequested(InvalidInput):
    code = "item_already_requested"
    default_message = _("%(items)s was already asked for: it cannot be asked for again.")


class ItemAlreadyHeld(InvalidInput):
    code = "item_already_held"
    default_message = _("%(items)s is already held by the company: it must not be asked for (CMP-I2).")


class NothingToRequest(InvalidInput):
    code = "nothing_to_request"
    default_message = _("Nothing is missing: no request is needed.")


def missing_items(
    checklist: Sequence[ChecklistEntry],
    *,
    received: Collection[str],
    held_by_insurer: Collection[str],
    green_channel: bool,
) -> list[str]:
    """Every required item not received and not held; the green channel waives what the insurer allows."""
    return [
        entry.code
        for entry in checklist
        if entry.required
        and entry.code not in received
        and entry.code not in held_by_insurer
        and not (green_channel and entry.waivable_in_green_channel)
    ]


def check_request(
    items: Collection[str],
    *,
    previous_requests: Sequence[Collection[str]],
    held_by_insurer: Collection[str],
    new_fact: str,
) -> None:
    """Refuse a request that would break the one-complete-request rule."""
    if not items:
        raise NothingToRequest()
    held = sorted(set(items) & set(held_by_insurer))
    if held:
        raise ItemAlreadyHeld(items=", ".join(held))
    if not previous_requests:
        return
    if not new_fact.strip():
        raise SecondRequestNeedsNewFact()
    asked = set().union(*previous_requests)
    repeated = sorted(set(items) & asked)
    if repeated:
        raise ItemAlreadyRequested(items=", ".join(repeated))
