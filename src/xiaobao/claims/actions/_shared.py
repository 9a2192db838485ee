"""What every claim step shares: the state step, the clocks, the checklist, telling the claimant."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse
from django.utils.translation import get_language, gettext_noop

from xiaobao.calendars.selectors import business_calendar
from xiaobao.claims import access
from xiaobao.claims.domain import clocks, documents
from xiaobao.claims.domain.lifecycle import ClaimState, ClaimStep, next_claim_state
from xiaobao.claims.models import ChecklistItem, ChecklistItemWording, Claim, ClaimDeadline
from xiaobao.deadlines.clock import provisional_due_date
from xiaobao.deadlines.rules import DEFAULT as RULES
from xiaobao.identity.domain.permissions import Permission
from xiaobao.identity.models import Staff
from xiaobao.identity.selectors import staff_with
from xiaobao.kernel.actors import Actor, ActorKind, Role
from xiaobao.notifications.actions import NoticeFooter, tell_consumer
from xiaobao.ops import clock

DEFAULT_LANGUAGE = "zh-hans"
"""The language checklist items are written in; other languages are ``ChecklistItemWording`` rows."""

# Documents the insurer holds itself and never asks for (CMP-I2): the policy it issued.
HELD_BY_INSURER = frozenset({"policy"})


def _tell(actor: Actor, claim: Claim, purpose: str, template: str, **context: object) -> None:
    tell_consumer(
        actor=actor,
        consumer=claim.claimant,
        template=f"claims/notices/{template}.txt",
        subject=gettext_noop("Your claim %(reference)s"),
        subject_params={"reference": claim.reference},
        purpose=purpose,
        insurer_id=claim.insurer_id,
        about=claim,
        claim=claim,
        footer=NoticeFooter(
            case_path=reverse("portal:claim", args=[claim.reference]),
            hotline=claim.insurer.complaint_phone,
            call_back_path=reverse("portal:insurer_call_back", args=[claim.insurer.code]),
        ),
        **context,
    )


def _step(claim: Claim, step: ClaimStep, *fields: str) -> tuple[str, str]:
    old = claim.state
    claim.state = next_claim_state(ClaimState(old), step).value
    claim.save(update_fields=["state", *fields])
    return old, claim.state


def _due(rule_id: str, start: date, length: int, paused_days: int = 0) -> tuple[date, bool]:
    """(due date, provisional): provisional while the date's year has no published calendar yet."""
    rules = RULES.with_lengths({rule_id: length}) if length != RULES[rule_id].length else RULES
    return provisional_due_date(rules[rule_id], start, business_calendar(), rules=rules, paused_days=paused_days)


def _recompute(claim: Claim, deadline: ClaimDeadline) -> None:
    deadline.due, deadline.provisional = _due(deadline.rule_id, deadline.start, deadline.length, deadline.paused_days)
    deadline.target = _target(
        claim,
        deadline.rule_id,
        deadline.length,
        start=deadline.start,
        due=deadline.due,
        paused_days=deadline.paused_days,
    )


def _target(claim: Claim, rule_id: str, length: int, *, start: date, due: date, paused_days: int = 0) -> date:
    rules = RULES.with_lengths({rule_id: length}) if length != RULES[rule_id].length else RULES
    days = clocks.internal_target_days(rules.total_length(rules[rule_id]), green_channel=bool(claim.green_channel))
    return min(due, start + timedelta(days=days + paused_days))


def _open_clock(
    claim: Claim, which: clocks.ClaimClock, rule_id: str, start: date, *, length: int | None = None
) -> ClaimDeadline:
    length = length or RULES[rule_id].length
    due, provisional = _due(rule_id, start, length)
    return ClaimDeadline.objects.create(
        provisional=provisional,
        claim=claim,
        insurer_id_copy=claim.insurer_id,
        clock=which.value,
        rule_id=rule_id,
        length=length,
        start=start,
        due=due,
        target=_target(claim, rule_id, length, start=start, due=due),
    )


def _close_clock(claim: Claim, which: clocks.ClaimClock) -> ClaimDeadline | None:
    deadline = ClaimDeadline.objects.select_for_update().filter(claim=claim, clock=which.value, active=True).first()
    if deadline is None:
        return None
    today = clock.today()
    deadline.state = ClaimDeadline.MET if today <= deadline.due else ClaimDeadline.MISSED
    deadline.active, deadline.closed_on = False, today
    deadline.save(update_fields=["state", "active", "closed_on"])
    return deadline


def checklist(claim: Claim) -> list[documents.ChecklistEntry]:
    return [
        documents.ChecklistEntry(item.code, item.required, item.waivable_in_green_channel)
        for item in access.checklist_of(claim.insurer_id, claim.product_line, claim.claim_type)
    ]


def missing(claim: Claim) -> list[str]:
    """Every checklist item still needed: not received, not held by the insurer, not waived (CLM-T1, CMP-I2)."""
    received = set(claim.documents.values_list("item_code", flat=True))
    return documents.missing_items(
        checklist(claim), received=received, held_by_insurer=HELD_BY_INSURER, green_channel=bool(claim.green_channel)
    )


def described(
    claim: Claim, codes: list[str] | None = None, *, language: str | None = None
) -> list[tuple[str, str, str]]:
    """(code, name, plain-language explanation) of ``codes`` in that order, or of the whole checklist, in the
    reader's language where the insurer (or the platform) keeps a wording in it, else as written."""
    items = {i.code: i for i in access.checklist_of(claim.insurer_id, claim.product_line, claim.claim_type)}
    language = language or get_language() or DEFAULT_LANGUAGE
    wordings = access.wordings_of(list(items.values()), language) if language != DEFAULT_LANGUAGE else {}
    worded: dict[str, ChecklistItem | ChecklistItemWording] = {
        code: wordings.get(item.pk, item) for code, item in items.items()
    }
    wanted = list(items) if codes is None else codes
    return [(c, worded[c].name, worded[c].explanation) if c in worded else (c, c, "") for c in wanted]


def explained(claim: Claim, codes: list[str]) -> list[tuple[str, str]]:
    """(name, explanation) of each item, for the notices: in the claimant's language."""
    language = claim.claimant.preferred_language
    return [(name, text) for _code, name, text in described(claim, codes, language=language)]


def _for_claimant_or_staff(actor: Actor, claim_id: int) -> Claim:
    if actor.kind is ActorKind.CONSUMER:
        return access.claim_of_claimant(actor, claim_id, for_update=True)
    return access.claim_for(actor, claim_id, Permission.HANDLE_CLAIMS, for_update=True)


def _staff_with(claim: Claim, *roles: Role) -> list[Staff]:
    return staff_with(claim.insurer_id, *roles)
