"""The insurer's education pages (issue #18 item 6; MISSION EDU-1..3): outreach plans and their events with
the plan's figures, the library (written by one, published by another: four eyes), and the questions the public
asked — of its own insurer only.

Thin: parse the form, call one action, render. Each page asks for ``outreach.manage_education`` first; anyone
else (staff of another insurer, staff without the role) gets the same 404 as for a page that does not exist. A
rejected form comes back with what was typed and why; a form sent twice creates one row (a token per form)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaobao.identity import access as identity_access
from xiaobao.identity.domain.permissions import Permission
from xiaobao.kernel.actors import Actor
from xiaobao.kernel.errors import DomainError, NotFound
from xiaobao.ops.i18n import message_of, translated_labels
from xiaobao.outreach import access, actions, selectors
from xiaobao.outreach.actions import EventHeld, PlanDraft, TextDraft
from xiaobao.outreach.domain.audiences import AUDIENCE_TEXT
from xiaobao.outreach.domain.library import KIND_TEXT, LANGUAGES, QUESTION_STATE_TEXT, STATE_TEXT, ItemKind, ItemState
from xiaobao.workbench import education_forms as f
from xiaobao.workbench.files import stored_file
from xiaobao.workbench.sales import allowed

education_page = allowed(Permission.MANAGE_EDUCATION)


def _attempt(form: forms.BaseForm, change: Callable[[dict[str, Any]], object]) -> bool:
    """Run the change when the form is valid; a refusal goes on the form, in the reader's language."""
    if not form.is_valid():
        return False
    try:
        change(form.cleaned_data)
    except NotFound:
        raise
    except DomainError as refused:
        form.add_error(None, message_of(refused))
        return False
    return True


def _done(request: HttpRequest, text: str, to: str, *args: Any) -> HttpResponseRedirect:
    messages.success(request, text)
    return HttpResponseRedirect(reverse(to, args=args))


def _token(request: HttpRequest) -> str:
    return request.POST.get("token") or uuid.uuid4().hex


def _key(request: HttpRequest) -> str | None:
    token = request.POST.get("token", "")[:64]
    return f"workbench:{token}" if token else None


def _page(
    request: HttpRequest, actor: Actor, template: str, context: dict[str, Any], *, rejected: bool
) -> HttpResponse:
    labels = {
        "audiences": translated_labels(AUDIENCE_TEXT),
        "kinds": translated_labels(KIND_TEXT),
        "states": translated_labels(STATE_TEXT),
        "question_states": translated_labels(QUESTION_STATE_TEXT),
        "languages": translated_labels(LANGUAGES),
    }
    context = {"actor": actor, "labels": labels, **context}
    return render(request, f"workbench/education/{template}", context, status=400 if rejected else 200)


# --- plans and events (EDU-1) ---


def _plan_form(actor: Actor, data: Any = None) -> f.PlanForm:
    owners = identity_access.staff_members_for(actor, Permission.MANAGE_EDUCATION).filter(active=True)
    return f.PlanForm(data, prefix="plan", owners=owners.order_by("display_name"))


@education_page
def plans(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The insurer's plans, newest first, and a form for a new one."""
    form = _plan_form(actor, request.POST or None)
    made: list[Any] = []
    if request.method == "POST" and _attempt(
        form,
        lambda data: made.append(
            actions.plan_create(
                actor=actor,
                plan=PlanDraft(
                    title=data["title"],
                    audience=data["audience"],
                    period_start=data["period_start"],
                    period_end=data["period_end"],
                    goals=data["goals"],
                    owner_id=data["owner"],
                    planned_events=data["planned_events"],
                ),
                idempotency_key=_key(request),
            )
        ),
    ):
        return _done(request, _("Plan saved."), "workbench:education_plan", made[0].pk)
    context = {"plans": selectors.plans_list(actor), "form": form, "token": _token(request)}
    return _page(request, actor, "plans.html", context, rejected=bool(form.errors))


@education_page
def plan(request: HttpRequest, actor: Actor, plan_id: int) -> HttpResponse:
    """A plan, its events and its figures (events held against those planned, attendance by audience), and a
    form for an event held."""
    shown = selectors.plan_view(actor, plan_id)
    form = f.EventForm(request.POST or None, prefix="event", initial={"audience": shown.plan.audience})
    if request.method == "POST" and _attempt(
        form,
        lambda data: actions.event_record(
            actor=actor,
            plan_id=plan_id,
            event=EventHeld(
                held_on=data["held_on"],
                place=data["place"],
                audience=data["audience"],
                topic=data["topic"],
                languages=data["languages"],
                attendance=data["attendance"],
                materials=data["materials"],
                notes=data["notes"],
            ),
            idempotency_key=_key(request),
        ),
    ):
        return _done(request, _("Event recorded."), "workbench:education_plan", plan_id)
    context = {"shown": shown, "form": form, "token": _token(request)}
    return _page(request, actor, "plan.html", context, rejected=bool(form.errors))


# --- the library (EDU-2, EDU-3) ---


def _draft(data: dict[str, Any]) -> TextDraft:
    upload = data.get("captions")
    return TextDraft(
        language=data["language"],
        title=data["title"],
        body=data["body"],
        transcript=data.get("transcript") or "",
        captions=upload.read() if upload else None,
    )


@education_page
def library(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Every item of the insurer's library, drafts first, and the form to write one."""
    form = f.ItemForm(request.POST or None, request.FILES or None, prefix="item")
    made: list[Any] = []

    def write(data: dict[str, Any]) -> None:
        video = data.get("video")
        made.append(
            actions.item_write(
                actor=actor,
                kind=data["kind"],
                text=_draft(data),
                video_name=video.name if video else "",
                video=video if data["kind"] == ItemKind.VIDEO else None,
                idempotency_key=_key(request),
            )
        )

    if request.method == "POST" and _attempt(form, write):
        return _done(
            request,
            _("Item saved as a draft. Someone else who keeps the library publishes it."),
            "workbench:education_item",
            made[0].pk,
        )
    context = {"rows": selectors.items_list(actor), "form": form, "token": _token(request)}
    return _page(request, actor, "library.html", context, rejected=bool(form.errors))


@education_page
def item(
    request: HttpRequest, actor: Actor, item_id: int, *, text_form: Any = None, withdraw: Any = None, error: str = ""
) -> HttpResponse:
    shown = access.item_for(actor, item_id)
    texts = list(access.texts_of(shown).order_by("language"))
    draft = shown.state == ItemState.DRAFT
    context = {
        "item": shown,
        "texts": texts,
        "publishable": selectors.may_publish(actor, shown),
        "own": draft and actor.staff_id in access.editors_of(shown),
        "text_form": (text_form or f.TextForm(prefix="text")) if draft else None,
        "withdraw_form": (withdraw or f.ReasonForm(prefix="withdraw")) if shown.state != ItemState.WITHDRAWN else None,
        "error": error,
        "token": _token(request),
    }
    return _page(request, actor, "item.html", context, rejected=bool(text_form or withdraw or error))


@require_POST
@education_page
def item_text(request: HttpRequest, actor: Actor, item_id: int) -> HttpResponseBase:
    form = f.TextForm(request.POST, request.FILES, prefix="text")
    if _attempt(form, lambda data: actions.text_save(actor=actor, item_id=item_id, text=_draft(data))):
        return _done(request, _("Text saved."), "workbench:education_item", item_id)
    return item(request, item_id, text_form=form)


@require_POST
@education_page
def item_publish(request: HttpRequest, actor: Actor, item_id: int) -> HttpResponseBase:
    try:
        actions.item_publish(actor=actor, item_id=item_id)
    except NotFound:
        raise
    except DomainError as refused:
        return item(request, item_id, error=message_of(refused))
    return _done(request, _("Published: anyone may read it in the library now."), "workbench:education_item", item_id)


@require_POST
@education_page
def item_withdraw(request: HttpRequest, actor: Actor, item_id: int) -> HttpResponseBase:
    form = f.ReasonForm(request.POST, prefix="withdraw")
    if _attempt(form, lambda data: actions.item_withdraw(actor=actor, item_id=item_id, reason=data["reason"])):
        return _done(request, _("Withdrawn: the library no longer shows it."), "workbench:education_item", item_id)
    return item(request, item_id, withdraw=form)


@education_page
def item_video(request: HttpRequest, actor: Actor, item_id: int) -> HttpResponseBase:
    shown = access.item_for(actor, item_id)
    if not shown.video:
        raise Http404
    return stored_file(shown.video, shown.video_type, shown.video_name, fallback=f"video-{shown.pk}")


# --- questions from the public (EDU-3) ---


@education_page
def questions(request: HttpRequest, actor: Actor) -> HttpResponse:
    return _page(request, actor, "questions.html", {"questions": selectors.questions_list(actor)}, rejected=False)


@education_page
def question(request: HttpRequest, actor: Actor, question_id: int) -> HttpResponse:
    """A question, its answer, and its draft for the library (the question rewritten without anything personal),
    which another keeper publishes from the item's page (four eyes)."""
    asked = access.question_for(actor, question_id)
    answer_form = f.AnswerForm(
        request.POST if request.POST.get("step") == "answer" else None,
        prefix="answer",
        initial={"answer": asked.answer},
    )
    publish_form = f.PublishQuestionForm(
        request.POST if request.POST.get("step") == "draft" else None,
        prefix="publish",
        initial={"body": asked.answer},
    )
    if request.method == "POST":
        if request.POST.get("step") == "answer" and _attempt(
            answer_form,
            lambda data: actions.question_answer(actor=actor, question_id=question_id, answer=data["answer"]),
        ):
            return _done(request, _("Answer saved."), "workbench:education_question", question_id)
        if request.POST.get("step") == "draft" and _attempt(
            publish_form,
            lambda data: actions.question_draft(
                actor=actor, question_id=question_id, title=data["title"], body=data["body"]
            ),
        ):
            return _done(
                request,
                _("Saved as a draft of the library. Another keeper, who did not answer it, publishes it."),
                "workbench:education_question",
                question_id,
            )
    context = {"asked": asked, "answer_form": answer_form, "publish_form": publish_form}
    return _page(request, actor, "question.html", context, rejected=bool(answer_form.errors or publish_form.errors))
