"""Sales material (SAL-1): leaflets, scripts, web pages an insurer uses to sell. Registered, then approved by
someone other than the person who registered it (four eyes), before any use; withdrawn when it must no longer
be used. Only approved material, not withdrawn, may be shown in a sale.

    draft (registered, awaiting approval) ─approve→ approved ─withdraw→ withdrawn
    draft ─reject (with a reason)→ rejected
    draft ─withdraw→ withdrawn
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from xiaobao.kernel.errors import DomainError, InvalidInput, TransitionNotAllowed
from xiaobao.kernel.i18n import _

RULE_ID = "SAL-1"
MIN_REASON = 5


class MaterialState(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class MaterialKind(StrEnum):
    LEAFLET = "leaflet"
    SCRIPT = "script"
    WEB_PAGE = "web_page"
    POSTER = "poster"
    VIDEO_SCRIPT = "video_script"


STATE_TEXT: dict[str, str] = {
    MaterialState.DRAFT: _("awaiting approval"),
    MaterialState.APPROVED: _("approved for use"),
    MaterialState.REJECTED: _("rejected"),
    MaterialState.WITHDRAWN: _("withdrawn"),
}
KIND_TEXT: dict[str, str] = {
    MaterialKind.LEAFLET: _("leaflet"),
    MaterialKind.SCRIPT: _("sales script"),
    MaterialKind.WEB_PAGE: _("web page"),
    MaterialKind.POSTER: _("poster"),
    MaterialKind.VIDEO_SCRIPT: _("video script"),
}

_NEXT: dict[MaterialState, frozenset[MaterialState]] = {
    MaterialState.DRAFT: frozenset({MaterialState.APPROVED, MaterialState.REJECTED, MaterialState.WITHDRAWN}),
    MaterialState.APPROVED: frozenset({MaterialState.WITHDRAWN}),
    MaterialState.REJECTED: frozenset(),
    MaterialState.WITHDRAWN: frozenset(),
}


class MaterialNotUsable(DomainError):
    """SAL-1: material not approved, or withdrawn, may not be used in a sale."""

    code = "material_not_usable"
    default_message = _(
        "This sales material may not be used: it is %(state)s. Only material approved by compliance, and not "
        "withdrawn, may be shown to a buyer."
    )


class MaterialNotUsableThen(MaterialNotUsable):
    """SAL-1: the material may be used now, but could not be when the event says the buyer was shown it."""

    default_message = _(
        "This sales material could not be used at the moment the event says it was shown: it was approved only "
        "after that moment, or withdrawn before it. Send the moment it was really shown."
    )


class MaterialEmpty(InvalidInput):
    code = "material_empty"
    default_message = _("Give the material's text, or attach its file (or both).")


class MaterialSelfApproval(DomainError):
    code = "material_self_approval"
    default_message = _(
        "You registered this material: someone else with the right to approve sales material must approve it."
    )


def check_content(*, text: str, has_file: bool) -> None:
    if not text.strip() and not has_file:
        raise MaterialEmpty()


def check_step(current: str, wanted: MaterialState) -> None:
    """SAL-1: the step table above; anything else is refused."""
    if wanted not in _NEXT[MaterialState(current)]:
        raise TransitionNotAllowed()


def check_approver(*, registered_by: int | None, approver: int | None) -> None:
    """SAL-1, four eyes: the person who approves material is not the person who registered it."""
    if approver is None or registered_by == approver:
        raise MaterialSelfApproval()


def check_reason(reason: str) -> str:
    if len(reason.strip()) < MIN_REASON:
        raise InvalidInput(_("Say why, in at least 5 characters."))
    return reason.strip()


def usable(state: str) -> bool:
    """SAL-1: only approved material is used in a sale (withdrawn, rejected or still a draft: not)."""
    return state == MaterialState.APPROVED


def usable_on(*, approved_at: datetime | None, withdrawn_at: datetime | None, on: date | datetime) -> bool:
    """SAL-1: whether material could be used at a moment (a ``datetime``: approved before it, not withdrawn by
    it) or on a day (a ``date`` in the insurer's time zone: approved by that day, not withdrawn on or before
    it). For a replayed sale: was what the buyer was shown usable when they were shown it."""
    if approved_at is None:
        return False
    if isinstance(on, datetime):
        return approved_at <= on and (withdrawn_at is None or on < withdrawn_at)
    return approved_at.date() <= on and (withdrawn_at is None or on < withdrawn_at.date())


def check_usable(state: str, state_text: str) -> None:
    if not usable(state):
        raise MaterialNotUsable(state=state_text)


def check_usable_at(*, approved_at: datetime | None, withdrawn_at: datetime | None, shown_at: datetime) -> None:
    """SAL-1: material shown at ``shown_at`` was approved before it and not withdrawn by it."""
    if not usable_on(approved_at=approved_at, withdrawn_at=withdrawn_at, on=shown_at):
        raise MaterialNotUsableThen()
