"""The only writer of education records (MISSION EDU-1..3). Each action is atomic and records one audit event.

- plans and their events (EDU-1), kept by staff holding ``outreach.manage_education``;
- library items (EDU-2, EDU-3): written, a text per language saved while a draft, published by someone other
  than the writer (four eyes), withdrawn; a video is stored encrypted under its content address, and every text
  of a video has checked WebVTT captions and a transcript;
- questions from the public: asked (idempotent, rate-limited per client address, no personal data asked for),
  answered, and drafted as a library item in words the staff member scrubbed — published, like any item, by a
  second keeper who neither answered, drafted nor corrected it (four eyes).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from xiaobao.audit.recorder import record
from xiaobao.identity import access as identity_access
from xiaobao.identity.domain.permissions import ROLE_PERMISSIONS, Permission, staff_may
from xiaobao.identity.selectors import staff_with
from xiaobao.kernel.actors import Actor, ActorKind
from xiaobao.kernel.errors import InvalidInput, NotFound, PermissionDenied
from xiaobao.kernel.i18n import _
from xiaobao.notifications.actions import tell_staff
from xiaobao.ops import clock, idempotency, ratelimit, stored_files
from xiaobao.outreach import access, events
from xiaobao.outreach.domain import audiences, captions, library
from xiaobao.outreach.domain.library import ItemKind, ItemState, QuestionState
from xiaobao.outreach.domain.search import normalised
from xiaobao.outreach.models import LibraryItem, LibraryText, OutreachEvent, OutreachPlan, PublicQuestion

QUESTIONS_PER_ADDRESS_AN_HOUR = 10
"""Enough for a class or a counter helping several people ask; not enough to flood the answerers."""


def _keeper(actor: Actor) -> tuple[int, int]:
    """The insurer and staff id of staff who keep education; anyone else is refused (as not found: nothing is
    shown)."""
    if not staff_may(actor, Permission.MANAGE_EDUCATION) or actor.insurer_id is None or actor.staff_id is None:
        raise NotFound()
    return actor.insurer_id, actor.staff_id


def _audience(value: str) -> str:
    if value not in set(audiences.Audience):
        raise InvalidInput(_("Choose one of the audiences offered."))
    return value


# --- plans and events (EDU-1) ---


@dataclass(frozen=True)
class PlanDraft:
    title: str
    audience: str
    period_start: date
    period_end: date
    goals: str
    owner_id: int
    planned_events: int


@transaction.atomic
def plan_create(*, actor: Actor, plan: PlanDraft, idempotency_key: str | None = None) -> OutreachPlan:
    """EDU-1: an insurer's plan to reach one audience over a period; its owner is one of its staff who keep
    education. The same form sent twice creates one plan."""
    insurer_id, staff_id = _keeper(actor)
    audiences.check_period(plan.period_start, plan.period_end)
    title, goals = plan.title.strip(), plan.goals.strip()
    if not title or not goals:
        raise InvalidInput(_("Give the plan a title and its goals."))
    if not 0 < plan.planned_events <= audiences.MAX_PLANNED_EVENTS:
        raise InvalidInput(_("Say how many events the plan means to hold (1 to 1000)."))
    owner = identity_access.one(
        identity_access.staff_members_for(actor, Permission.MANAGE_EDUCATION).filter(active=True), plan.owner_id
    )
    hashed = idempotency.request_hash(plan)
    if idempotency_key is not None:
        earlier = idempotency.previous_result("outreach_plan_create", actor.audit_id, idempotency_key, hashed)
        if earlier is not None:
            return OutreachPlan.objects.get(insurer_id=insurer_id, pk=earlier)
    created = OutreachPlan.objects.create(
        insurer_id=insurer_id,
        title=title[:200],
        audience=_audience(plan.audience),
        period_start=plan.period_start,
        period_end=plan.period_end,
        goals=goals,
        owner=owner,
        planned_events=plan.planned_events,
        created_by_id=staff_id,
        created_at=clock.now(),
    )
    if idempotency_key is not None:
        idempotency.remember("outreach_plan_create", actor.audit_id, idempotency_key, hashed, created.pk)
    record(
        event_type=events.PLAN_CREATED,
        actor=actor,
        subject=created,
        insurer_id=insurer_id,
        first=True,
        new={
            "title": created.title,
            "audience": created.audience,
            "period_start": created.period_start,
            "period_end": created.period_end,
            "owner": owner.pk,
            "planned_events": created.planned_events,
        },
    )
    return created


@dataclass(frozen=True)
class EventHeld:
    held_on: date
    place: str
    audience: str
    topic: str
    languages: str
    attendance: int
    materials: str = ""
    notes: str = ""


@transaction.atomic
def event_record(*, actor: Actor, plan_id: int, event: EventHeld, idempotency_key: str | None = None) -> OutreachEvent:
    """EDU-1: an event held under a plan, within its period; the plan's figures count it. Sent twice, kept once."""
    _insurer_id, staff_id = _keeper(actor)
    plan = access.plan_for(actor, plan_id, for_update=True)
    audiences.check_event_day(held_on=event.held_on, start=plan.period_start, end=plan.period_end)
    place, topic, languages = event.place.strip(), event.topic.strip(), event.languages.strip()
    if not place or not topic or not languages:
        raise InvalidInput(_("Give the event's place, topic and languages."))
    if not 0 <= event.attendance <= audiences.MAX_ATTENDANCE:
        raise InvalidInput(_("Give the number of people who came."))
    hashed = idempotency.request_hash(plan.pk, event)
    if idempotency_key is not None:
        earlier = idempotency.previous_result("outreach_event_record", actor.audit_id, idempotency_key, hashed)
        if earlier is not None:
            return OutreachEvent.objects.get(plan=plan, pk=earlier)
    held = OutreachEvent.objects.create(
        plan=plan,
        held_on=event.held_on,
        place=place[:200],
        audience=_audience(event.audience),
        topic=topic[:200],
        languages=languages[:100],
        materials=event.materials.strip(),
        attendance=event.attendance,
        notes=event.notes.strip(),
        recorded_by_id=staff_id,
        recorded_at=clock.now(),
    )
    if idempotency_key is not None:
        idempotency.remember("outreach_event_record", actor.audit_id, idempotency_key, hashed, held.pk)
    record(
        event_type=events.EVENT_RECORDED,
        actor=actor,
        subject=plan,
        insurer_id=plan.insurer_id,
        new={
            "event": held.pk,
            "held_on": held.held_on,
            "place": held.place,
            "audience": held.audience,
            "topic": held.topic,
            "languages": held.languages,
            "attendance": held.attendance,
        },
    )
    return held


# --- the library (EDU-2, EDU-3) ---


@dataclass(frozen=True)
class TextDraft:
    """An item's words in one language; ``captions`` are the bytes of an uploaded WebVTT file (None: none sent,
    a text saved again keeps the captions it had)."""

    language: str
    title: str
    body: str
    transcript: str = ""
    captions: bytes | None = None


def _checked_captions(kind: str, draft: TextDraft, kept: str = "") -> str:
    text = kept
    if draft.captions is not None:
        text = captions.decode(draft.captions)
        captions.parse(text)
    library.check_video_text(kind=kind, captions=text, transcript=draft.transcript)
    return text if kind == ItemKind.VIDEO else ""


def _fill(text: LibraryText, kind: str, draft: TextDraft) -> None:
    text.language = library.check_language(draft.language)
    text.title, text.body = library.check_text(title=draft.title, body=draft.body)
    text.captions = _checked_captions(kind, draft, text.captions)
    text.captions_sha256 = hashlib.sha256(text.captions.encode()).hexdigest() if text.captions else ""
    text.transcript = draft.transcript.strip() if kind == ItemKind.VIDEO else ""
    text.search_text = normalised(text.title, text.body, text.transcript)


def _keepers(insurer_id: int, but: int | None) -> list[Any]:
    roles = ROLE_PERMISSIONS[Permission.MANAGE_EDUCATION]
    return [member for member in staff_with(insurer_id, *roles) if member.pk != but]


@stored_files.atomic
def item_write(
    *,
    actor: Actor,
    kind: str,
    text: TextDraft,
    video_name: str = "",
    video: bytes | File | None = None,  # type: ignore[type-arg]
    idempotency_key: str | None = None,
) -> LibraryItem:
    """EDU-2, EDU-3: write a library item in its first language. A video's file is checked from its content
    and stored encrypted under its content address with its SHA-256; its captions are checked WebVTT. It waits
    as a draft until someone else publishes it. The same form sent twice writes one item."""
    insurer_id, staff_id = _keeper(actor)
    if kind not in set(library.WRITTEN_KINDS):
        raise InvalidInput(_("Choose the kind of item."))
    if kind == ItemKind.VIDEO and video is None:
        raise library.VideoRequired()
    item = LibraryItem(insurer_id=insurer_id, kind=kind, written_by_id=staff_id, written_at=clock.now())
    words = LibraryText()
    _fill(words, kind, text)
    digest = stored_files.sha256_of(video) if video is not None and kind == ItemKind.VIDEO else ""
    hashed = idempotency.request_hash(kind, text.language, words.title, words.body, words.captions_sha256, digest)
    if idempotency_key is not None:
        earlier = idempotency.previous_result("outreach_item_write", actor.audit_id, idempotency_key, hashed)
        if earlier is not None:
            return LibraryItem.objects.get(insurer_id=insurer_id, pk=earlier)
    if digest and video is not None:
        size = stored_files.size_of(video)
        item.video_type = library.video_type_of(video_name, size, stored_files.head_of(video))
        item.video_name, item.video_size, item.video_sha256 = video_name[:200], size, digest
        address = stored_files.address_of(item.video, digest)
        stored_files.store_once(item.video, f"outreach/insurer-{insurer_id}/video-{address}", video, digest)
    item.save()
    words.item, words.saved_by_id = item, staff_id
    words.save()
    if idempotency_key is not None:
        idempotency.remember("outreach_item_write", actor.audit_id, idempotency_key, hashed, item.pk)
    record(
        event_type=events.ITEM_WRITTEN,
        actor=actor,
        subject=item,
        insurer_id=insurer_id,
        first=True,
        new={
            "kind": kind,
            "language": words.language,
            "title": words.title,
            "video_sha256": item.video_sha256,
            "video_size": item.video_size,
            "video_type": item.video_type,
        },
    )
    tell_staff(
        actor=actor,
        staff=_keepers(insurer_id, but=actor.staff_id),
        reference=f"EDU-{item.pk}",
        purpose="outreach.item_to_publish",
        body=gettext("The education item “%(title)s” waits for someone other than its writer to publish it.")
        % {"title": words.title},
        insurer_id=insurer_id,
        about=item,
    )
    return item


@transaction.atomic
def text_save(*, actor: Actor, item_id: int, text: TextDraft) -> LibraryText:
    """EDU-2, EDU-3: add an item's words in another language, or correct them, while it is a draft (what is
    published was read by the publisher as it is)."""
    _keeper(actor)
    item = access.item_for(actor, item_id, for_update=True)
    library.check_editable(item.state)
    words = access.texts_of(item).filter(language=text.language).first() or LibraryText(item=item)
    _fill(words, item.kind, text)
    words.saved_by_id = actor.staff_id
    words.save()
    record(
        event_type=events.TEXT_SAVED,
        actor=actor,
        subject=item,
        insurer_id=item.insurer_id,
        new={
            "language": words.language,
            "title": words.title,
            "body_sha256": hashlib.sha256(words.body.encode()).hexdigest(),
            "captions_sha256": words.captions_sha256,
        },
    )
    return words


@transaction.atomic
def item_publish(*, actor: Actor, item_id: int) -> LibraryItem:
    """EDU-2, EDU-3, four eyes: a keeper of education who is none of the item's editors (its writer, whoever
    wrote the words of a language as they stand, whoever answered the question it publishes) publishes it; from
    now on anyone may read it in the portal, in each language it has. A published question says so too."""
    _keeper(actor)
    item = access.item_for(actor, item_id, for_update=True)
    library.check_step(item.state, ItemState.PUBLISHED)
    library.check_publisher(editors=access.editors_of(item), publisher=actor.staff_id)
    item.state, item.published_by_id, item.published_at = ItemState.PUBLISHED, actor.staff_id, clock.now()
    item.save(update_fields=["state", "published_by", "published_at"])
    asked = access.question_of(item, for_update=True)
    if asked is not None:
        before = asked.state
        asked.state = QuestionState.PUBLISHED
        asked.save(update_fields=["state"])
        first_text = access.texts_of(item).order_by("pk").first()
        record(
            event_type=events.QUESTION_PUBLISHED,
            actor=actor,
            subject=asked,
            insurer_id=asked.insurer_id,
            old={"state": before},
            new={"state": asked.state, "item": item.pk, "title": first_text.title if first_text else ""},
        )
    record(
        event_type=events.ITEM_PUBLISHED,
        actor=actor,
        subject=item,
        insurer_id=item.insurer_id,
        old={"state": ItemState.DRAFT.value},
        new={
            "state": item.state,
            "written_by": item.written_by_id,
            "languages": sorted(access.texts_of(item).values_list("language", flat=True)),
        },
    )
    return item


@transaction.atomic
def item_withdraw(*, actor: Actor, item_id: int, reason: str) -> LibraryItem:
    """EDU-2: stop showing an item (out of date, wrong); from this moment the portal shows it no more. A question's
    draft withdrawn before it was published sends the question back to be drafted again (EDU-3)."""
    _keeper(actor)
    item = access.item_for(actor, item_id, for_update=True)
    before = item.state
    library.check_step(item.state, ItemState.WITHDRAWN)
    reason = library.check_reason(reason)
    item.state, item.withdrawn_at, item.withdrawal_reason = ItemState.WITHDRAWN, clock.now(), reason
    item.save(update_fields=["state", "withdrawn_at", "withdrawal_reason"])
    record(
        event_type=events.ITEM_WITHDRAWN,
        actor=actor,
        subject=item,
        insurer_id=item.insurer_id,
        old={"state": before},
        new={"state": item.state, "reason": reason},
    )
    asked = access.question_of(item, for_update=True) if before == ItemState.DRAFT else None
    if asked is not None:
        asked.state, asked.published_item = QuestionState.ANSWERED, None
        asked.save(update_fields=["state", "published_item"])
        record(
            event_type=events.QUESTION_DRAFT_WITHDRAWN,
            actor=actor,
            subject=asked,
            insurer_id=asked.insurer_id,
            old={"state": QuestionState.DRAFTED.value, "item": item.pk},
            new={"state": asked.state, "reason": reason},
        )
    return item


# --- questions from the public (EDU-3) ---


def question_ask(
    *, actor: Actor, insurer_id: int, question: str, name: str, language: str, idempotency_key: str, client: str
) -> PublicQuestion:
    """EDU-3: a visitor asks one insurer a question. The same ``idempotency_key`` again (a double press, a
    retried form) returns the first question; questions are rate-limited per client address."""
    for attempt in range(2):
        try:
            return _ask(
                actor=actor,
                insurer_id=insurer_id,
                question=question,
                name=name,
                language=language,
                key=idempotency_key,
                client=client,
            )
        except IntegrityError:
            # A concurrent send of the same form won the race; the retry finds its question.
            if attempt == 1:
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def _ask(
    *, actor: Actor, insurer_id: int, question: str, name: str, language: str, key: str, client: str
) -> PublicQuestion:
    if actor.kind not in {ActorKind.ANONYMOUS, ActorKind.CONSUMER, ActorKind.SYSTEM}:
        raise PermissionDenied()
    idempotency.check_key(key)
    previous = access.question_by_key(insurer_id, key)
    if previous is not None:
        return previous
    text, asked_name = library.check_question(question, name)
    bucket = f"outreach-question-ip:{client}"
    ratelimit.check(bucket, limit=QUESTIONS_PER_ADDRESS_AN_HOUR, window=timedelta(hours=1))
    ratelimit.hit(bucket)
    asked = PublicQuestion.objects.create(
        insurer_id=insurer_id,
        idempotency_key=key,
        asked_name=asked_name,
        question=text,
        language=language if language in library.LANGUAGES else "zh-hans",
        asked_at=clock.now(),
    )
    record(
        event_type=events.QUESTION_ASKED,
        actor=actor,
        subject=asked,
        insurer_id=insurer_id,
        first=True,
        new={"language": asked.language},
    )
    return asked


@transaction.atomic
def question_answer(*, actor: Actor, question_id: int, answer: str) -> PublicQuestion:
    """EDU-3: staff who keep education answer a question (kept with it; published only by ``question_publish``)."""
    _keeper(actor)
    asked = access.question_for(actor, question_id, for_update=True)
    if asked.state in {QuestionState.DRAFTED, QuestionState.PUBLISHED} or asked.published_item_id is not None:
        raise library.ItemNotEditable()
    answer = answer.strip()
    if len(answer) < 4 or len(answer) > library.MAX_BODY:
        raise InvalidInput(_("Write the answer, in a few words at least."))
    before = asked.state
    asked.answer, asked.state = answer, QuestionState.ANSWERED
    asked.answered_by_id, asked.answered_at = actor.staff_id, clock.now()
    asked.save(update_fields=["answer", "state", "answered_by", "answered_at"])
    record(
        event_type=events.QUESTION_ANSWERED,
        actor=actor,
        subject=asked,
        insurer_id=asked.insurer_id,
        old={"state": before},
        new={"state": asked.state, "answer_sha256": hashlib.sha256(answer.encode()).hexdigest()},
    )
    return asked


@transaction.atomic
def question_draft(*, actor: Actor, question_id: int, title: str, body: str) -> LibraryItem:
    """EDU-3: an answered question becomes a draft of the library, in the question's language, as the staff
    member rewrote it: ``title`` is the question scrubbed of anything personal, ``body`` the answer to publish.
    The visitor's own words and name are never published. Another keeper, who neither answered nor drafted it,
    publishes it with ``item_publish`` (four eyes); until then the public sees nothing."""
    insurer_id, staff_id = _keeper(actor)
    asked = access.question_for(actor, question_id, for_update=True)
    if asked.state != QuestionState.ANSWERED or asked.published_item_id is not None:
        raise InvalidInput(_("Answer the question first; a question is put in the library once."))
    item = LibraryItem(insurer_id=insurer_id, kind=ItemKind.QUESTION, written_by_id=staff_id, written_at=clock.now())
    words = LibraryText(saved_by_id=staff_id)
    _fill(words, ItemKind.QUESTION, TextDraft(language=asked.language, title=title, body=body))
    item.save()
    words.item = item
    words.save()
    asked.state, asked.published_item = QuestionState.DRAFTED, item
    asked.save(update_fields=["state", "published_item"])
    record(
        event_type=events.QUESTION_DRAFTED,
        actor=actor,
        subject=asked,
        insurer_id=insurer_id,
        old={"state": QuestionState.ANSWERED.value},
        new={"state": asked.state, "item": item.pk, "title": words.title},
    )
    record(
        event_type=events.ITEM_WRITTEN,
        actor=actor,
        subject=item,
        insurer_id=insurer_id,
        first=True,
        new={"kind": item.kind, "language": words.language, "title": words.title},
    )
    tell_staff(
        actor=actor,
        staff=[k for k in _keepers(insurer_id, but=staff_id) if k.pk != asked.answered_by_id],
        reference=f"EDU-{item.pk}",
        purpose="outreach.item_to_publish",
        body=gettext("The education item “%(title)s” waits for someone other than its writer to publish it.")
        % {"title": words.title},
        insurer_id=insurer_id,
        about=item,
    )
    return item
