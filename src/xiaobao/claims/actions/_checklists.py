"""The document checklists: the platform's, kept by its administrators (admin site), and an insurer's own,
kept by the insurer's administrator in the workbench; each change is in the audit log."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from xiaobao.audit.recorder import record
from xiaobao.claims import access, events
from xiaobao.claims.actions._shared import DEFAULT_LANGUAGE
from xiaobao.claims.models import ChecklistItem, ChecklistItemWording
from xiaobao.identity import access as identity_access
from xiaobao.identity.domain.permissions import Permission
from xiaobao.kernel.actors import Actor, ActorKind
from xiaobao.kernel.errors import InvalidInput, NotFound, PermissionDenied
from xiaobao.kernel.i18n import _

SLUG = re.compile(r"[a-z0-9_-]{1,40}")
NAME_LENGTH, EXPLANATION_LENGTH = 100, 300


@transaction.atomic
def checklist_item_save(*, actor: Actor, item: ChecklistItem, changed_by: str) -> ChecklistItem:
    """Save an item (new or changed) and record what it now says and who changed it."""
    if actor.kind is not ActorKind.SYSTEM:
        raise PermissionDenied()  # the platform's administrators, through the admin site
    first = item.pk is None
    item.save()
    record(
        event_type=events.CHECKLIST_CHANGED,
        actor=actor,
        subject=item,
        insurer_id=None,
        first=first,
        new={
            "by": changed_by,
            "line": item.product_line,
            "type": item.claim_type,
            "code": item.code,
            "name": item.name,
            "required": item.required,
            "waivable": item.waivable_in_green_channel,
        },
    )
    return item


@dataclass(frozen=True)
class ChecklistItemText:
    """What an insurer's administrator says about one document of a kind of claim."""

    code: str
    name: str
    explanation: str
    required: bool = True
    waivable_in_green_channel: bool = False


@transaction.atomic
def checklist_item_keep(
    *, actor: Actor, insurer_id: int, product_line: str, claim_type: str, text: ChecklistItemText
) -> ChecklistItem:
    """An insurer's administrator adds a document to its checklist of a kind of claim, or changes one (CLM-T1).

    The first change to a kind makes the platform's checklist the insurer's own copy, so the checklist stays
    whole; the platform's rows stay as they are for every other insurer. Saving what is already there changes
    nothing and records nothing (a repeated form)."""
    identity_access.require_for_insurer(actor, Permission.ADMINISTER_INSURER, insurer_id)
    code, name, explanation = text.code.strip(), text.name.strip(), text.explanation.strip()
    if not SLUG.fullmatch(code):
        raise InvalidInput(_("A code is 1 to 40 small letters, digits, hyphens or underscores."))
    if not name or len(name) > NAME_LENGTH or not explanation or len(explanation) > EXPLANATION_LENGTH:
        raise InvalidInput(_("Give the document a name (at most 100 characters) and an explanation (at most 300)."))
    own, adopted = _own_checklist(insurer_id, product_line, claim_type)
    item = own.get(code)
    if item is None:
        item = ChecklistItem(
            insurer_id=insurer_id,
            product_line=product_line,
            claim_type=claim_type,
            code=code,
            order=max((i.order for i in own.values()), default=-1) + 1,
        )
    wanted = {
        "name": name,
        "explanation": explanation,
        "required": text.required,
        "waivable_in_green_channel": text.waivable_in_green_channel,
    }
    if item.pk is not None and not adopted and all(getattr(item, f) == v for f, v in wanted.items()):
        return item
    first = item.pk is None
    for field, value in wanted.items():
        setattr(item, field, value)
    item.save()
    record(
        event_type=events.CHECKLIST_ITEM_KEPT,
        actor=actor,
        subject=item,
        insurer_id=insurer_id,
        first=first,
        new={
            "line": product_line,
            "type": claim_type,
            "code": code,
            "name": name,
            "explanation": explanation,
            "required": text.required,
            "waivable": text.waivable_in_green_channel,
            "adopted": adopted,
        },
    )
    return item


@transaction.atomic
def checklist_wording_keep(
    *,
    actor: Actor,
    insurer_id: int,
    product_line: str,
    claim_type: str,
    code: str,
    language: str,
    name: str,
    explanation: str,
) -> ChecklistItemWording:
    """What a document of the insurer's checklist is called, and how it is explained, in another language."""
    identity_access.require_for_insurer(actor, Permission.ADMINISTER_INSURER, insurer_id)
    if language not in other_languages():
        raise InvalidInput(_("Choose one of the languages the site speaks."))
    name, explanation = name.strip(), explanation.strip()
    if not name or len(name) > NAME_LENGTH or not explanation or len(explanation) > EXPLANATION_LENGTH:
        raise InvalidInput(_("Give the document a name (at most 100 characters) and an explanation (at most 300)."))
    if code not in {i.code for i in access.checklist_of(insurer_id, product_line, claim_type)}:
        raise NotFound()
    own, adopted = _own_checklist(insurer_id, product_line, claim_type)
    item = own[code]
    wording = ChecklistItemWording.objects.select_for_update().filter(item=item, language=language).first()
    if wording is not None and (wording.name, wording.explanation) == (name, explanation) and not adopted:
        return wording
    first = wording is None
    wording = wording or ChecklistItemWording(item=item, language=language)
    wording.name, wording.explanation = name, explanation
    wording.save()
    record(
        event_type=events.CHECKLIST_WORDING_KEPT,
        actor=actor,
        subject=item,
        insurer_id=insurer_id,
        first=first and adopted > 0,
        new={"code": code, "language": language, "name": name, "explanation": explanation, "adopted": adopted},
    )
    return wording


def other_languages() -> list[str]:
    """The site's languages other than the one checklist items are written in."""
    return [code for code, _name in settings.LANGUAGES if code != DEFAULT_LANGUAGE]


def _own_checklist(insurer_id: int, product_line: str, claim_type: str) -> tuple[dict[str, ChecklistItem], int]:
    """The insurer's own items of the kind, locked, by code — copied from the platform's (with their wordings)
    the first time; and how many were copied now (0 when the insurer already kept the kind)."""
    kept = access.checklist_of(insurer_id, product_line, claim_type).select_for_update()
    items = list(kept)
    if not items:
        raise NotFound()  # no such kind of claim
    if items[0].insurer_id == insurer_id:
        return {item.code: item for item in items}, 0
    copies = {}
    for platform_item in items:
        copy = ChecklistItem.objects.create(
            insurer_id=insurer_id,
            product_line=platform_item.product_line,
            claim_type=platform_item.claim_type,
            code=platform_item.code,
            name=platform_item.name,
            explanation=platform_item.explanation,
            required=platform_item.required,
            waivable_in_green_channel=platform_item.waivable_in_green_channel,
            order=platform_item.order,
        )
        ChecklistItemWording.objects.bulk_create(
            ChecklistItemWording(item=copy, language=w.language, name=w.name, explanation=w.explanation)
            for w in platform_item.wordings.all()
        )
        copies[copy.code] = copy
    return copies, len(copies)
