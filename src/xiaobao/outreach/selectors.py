"""Read models of education (MISSION EDU-1..3), through ``outreach.access``: a plan with its figures, the library
as the workbench keeps it and as the portal shows it (in the reader's language, searchable), and the questions
waiting for an answer."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, QuerySet, When

from xiaobao.kernel.actors import Actor
from xiaobao.kernel.errors import NotFound
from xiaobao.outreach import access
from xiaobao.outreach.domain.audiences import HeldEvent, PlanFigures, plan_figures
from xiaobao.outreach.domain.library import ItemState, QuestionState
from xiaobao.outreach.models import LibraryItem, LibraryText, OutreachEvent, OutreachPlan, PublicQuestion
from xiaobao.outreach.search import terms_of

MAX_RESULTS = 50


@dataclass(frozen=True)
class PlanView:
    plan: OutreachPlan
    events: list[OutreachEvent]
    figures: PlanFigures


def plan_view(actor: Actor, plan_id: Any) -> PlanView:
    plan = access.plan_for(actor, plan_id)
    held = list(access.events_of(plan).order_by("held_on", "pk"))
    figures = plan_figures(plan.planned_events, (HeldEvent(e.audience, e.attendance) for e in held))
    return PlanView(plan=plan, events=held, figures=figures)


def plans_list(actor: Actor) -> QuerySet[OutreachPlan]:
    return access.plans_for(actor).order_by("-period_start", "-pk")


def items_list(actor: Actor) -> list[tuple[LibraryItem, list[LibraryText]]]:
    items = list(access.items_for(actor).order_by("state", "-written_at", "-pk")[:500])
    texts: dict[int, list[LibraryText]] = {}
    for text in LibraryText.objects.filter(item__in=items).order_by("language"):
        texts.setdefault(text.item_id, []).append(text)
    return [(item, texts.get(item.pk, [])) for item in items]


def items_awaiting_publication(actor: Actor) -> list[tuple[LibraryItem, LibraryText | None]]:
    """EDU-2, four eyes: drafts of the actor's insurer the actor may publish — written, corrected and answered by
    others — oldest first, each with its first text (for the approvals page)."""
    items = list(
        access.items_for(actor)
        .filter(state=ItemState.DRAFT)
        .exclude(written_by_id=actor.staff_id)
        .exclude(texts__saved_by_id=actor.staff_id)
        .exclude(question__answered_by_id=actor.staff_id)
        .select_related("written_by")
        .order_by("written_at", "pk")[:100]
    )
    texts: dict[int, LibraryText] = {}
    for text in LibraryText.objects.filter(item__in=items).order_by("-language"):
        texts[text.item_id] = text
    return [(item, texts.get(item.pk)) for item in items]


def may_publish(actor: Actor, item: LibraryItem) -> bool:
    """EDU-2, four eyes: the item is a draft and the actor none of its editors (``outreach.access.editors_of``)."""
    return item.state == ItemState.DRAFT and actor.staff_id not in access.editors_of(item)


def questions_list(actor: Actor) -> QuerySet[PublicQuestion]:
    waiting_first = Case(When(state=QuestionState.ASKED, then=0), When(state=QuestionState.ANSWERED, then=1), default=2)
    return access.questions_for(actor).order_by(waiting_first, "-asked_at", "-pk")[:200]


def text_in(texts: Iterable[LibraryText], language: str) -> LibraryText | None:
    """The item's text in the reader's language, else in Simplified Chinese, else any."""
    by_language = {text.language: text for text in texts}
    return by_language.get(language) or by_language.get("zh-hans") or next(iter(by_language.values()), None)


@dataclass(frozen=True)
class Shown:
    item: LibraryItem
    text: LibraryText
    languages: list[str]
    caption_languages: tuple[str, ...] = ()


def library_page(language: str, query: str = "", kind: str = "") -> list[Shown]:
    """The published items with a text in the reader's language, newest first; with a query, those whose
    title, text or transcript in that language holds every word of it (``outreach.domain.search``)."""
    texts = LibraryText.objects.filter(item__in=access.published_items(), language=language)
    if kind:
        texts = texts.filter(item__kind=kind)
    for term in terms_of(query):
        texts = texts.filter(search_text__contains=term)
    rows = list(texts.select_related("item", "item__insurer").order_by("-item__published_at", "-item_id")[:MAX_RESULTS])
    languages: dict[int, list[str]] = {}
    for item_id, other in LibraryText.objects.filter(item_id__in=[t.item_id for t in rows]).values_list(
        "item_id", "language"
    ):
        languages.setdefault(item_id, []).append(other)
    return [Shown(item=t.item, text=t, languages=sorted(languages.get(t.item_id, []))) for t in rows]


def library_item(item_id: Any, language: str) -> Shown:
    """A published item in the reader's language (or the nearest it has), with the languages it has."""
    item = access.published_item(item_id)
    texts = list(access.texts_of(item))
    shown = text_in(texts, language)
    if shown is None:
        raise NotFound()
    return Shown(
        item=item,
        text=shown,
        languages=sorted(t.language for t in texts),
        caption_languages=tuple(sorted(t.language for t in texts if t.captions)),
    )


def captions_of(item_id: Any, language: str) -> str:
    """The WebVTT captions of a published video in one language (empty when it has none)."""
    item = access.published_item(item_id)
    text = access.texts_of(item).filter(language=language).first()
    return text.captions if text is not None else ""


def video_file_names() -> list[str]:
    """Every stored video a library item names (for ``upload_orphans``)."""
    return [name for name in LibraryItem.objects.exclude(video="").values_list("video", flat=True) if name]
