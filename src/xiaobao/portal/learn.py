"""The public education library (issue #18 item 6; MISSION EDU-2, EDU-3): published articles, cases and clauses
explained, short videos with captions and a transcript, and questions answered — in the reader's language,
searchable; and a form to ask a question (no personal data asked for; rate-limited per address; a form sent
twice asks once).

Thin: one selector or action per page. Drafts and withdrawn items answer 404, like a page that does not exist.
"""

from __future__ import annotations

import uuid

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xiaobao.identity.models import Insurer
from xiaobao.kernel.actors import ANONYMOUS
from xiaobao.kernel.errors import DomainError, NotFound
from xiaobao.ops.client import client_ip
from xiaobao.ops.i18n import message_of, translated_labels
from xiaobao.outreach import actions, selectors
from xiaobao.outreach.domain.library import KIND_TEXT, LANGUAGES, MAX_NAME, MAX_QUESTION
from xiaobao.outreach.domain.search import MAX_QUERY
from xiaobao.portal.session import consumer_actor
from xiaobao.web.files import stored_file


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search the library"), max_length=MAX_QUERY, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *translated_labels(KIND_TEXT).items()]
    )


class AskForm(forms.Form):
    insurer = forms.ModelChoiceField(label=_("Which insurer do you ask?"), queryset=Insurer.objects.none())
    question = forms.CharField(
        label=_("Your question"),
        max_length=MAX_QUESTION,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Do not write your ID number, phone, policy number or anything else that tells who you are."),
    )
    name = forms.CharField(label=_("Your name or how to call you (optional)"), max_length=MAX_NAME, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["insurer"].queryset = Insurer.objects.order_by("name")  # type: ignore[attr-defined]


def _language(request: HttpRequest) -> str:
    code = (request.LANGUAGE_CODE or "zh-hans").lower()
    return code if code in LANGUAGES else "zh-hans"


def learn(request: HttpRequest) -> HttpResponse:
    """The library in the reader's language, newest first; a search keeps the items holding every word."""
    form = SearchForm(request.GET or None)
    query = kind = ""
    if form.is_valid():
        query, kind = form.cleaned_data["q"], form.cleaned_data["kind"]
    shown = selectors.library_page(_language(request), query, kind)
    labels = translated_labels(KIND_TEXT)
    rows = [(row, labels.get(row.item.kind, row.item.kind)) for row in shown]
    return render(request, "portal/learn.html", {"form": form, "rows": rows, "query": query})


def learn_item(request: HttpRequest, item_id: int) -> HttpResponse:
    try:
        shown = selectors.library_item(item_id, _language(request))
    except NotFound:
        raise Http404 from None
    language_names = translated_labels(LANGUAGES)
    context = {
        "shown": shown,
        "kind_text": translated_labels(KIND_TEXT).get(shown.item.kind, shown.item.kind),
        "tracks": [(code, language_names[code], code == shown.text.language) for code in shown.caption_languages],
        "other_language": shown.text.language != _language(request),
        "text_language": language_names.get(shown.text.language, shown.text.language),
    }
    return render(request, "portal/learn_item.html", context)


def learn_video(request: HttpRequest, item_id: int) -> HttpResponseBase:
    """A published video (served to anyone, as the page that shows it is public)."""
    try:
        shown = selectors.library_item(item_id, _language(request))
    except NotFound:
        raise Http404 from None
    if not shown.item.video:
        raise Http404
    return stored_file(shown.item.video, shown.item.video_type, shown.item.video_name, fallback=f"video-{item_id}")


def learn_captions(request: HttpRequest, item_id: int, language: str) -> HttpResponse:
    try:
        text = selectors.captions_of(item_id, language)
    except NotFound:
        raise Http404 from None
    if not text:
        raise Http404
    response = HttpResponse(text, content_type="text/vtt; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    return response


ASKED_HERE = "portal_questions_asked"


def learn_ask(request: HttpRequest) -> HttpResponse:
    form = AskForm(request.POST or None, initial={"insurer": request.GET.get("insurer")})
    token = request.POST.get("token") or uuid.uuid4().hex
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            asked = actions.question_ask(
                actor=consumer_actor(request) or ANONYMOUS,
                insurer_id=data["insurer"].pk,
                question=data["question"],
                name=data["name"],
                language=_language(request),
                idempotency_key=f"portal:{token}"[:64],
                client=client_ip(request),
            )
        except DomainError as refused:
            form.add_error(None, message_of(refused))
        else:
            request.session[ASKED_HERE] = asked.pk
            return HttpResponseRedirect(reverse("portal:learn_asked"))
    return render(request, "portal/learn_ask.html", {"form": form, "token": token}, status=400 if form.errors else 200)


def learn_asked(request: HttpRequest) -> HttpResponse:
    if not request.session.get(ASKED_HERE):
        return HttpResponseRedirect(reverse("portal:learn_ask"))
    return render(request, "portal/learn_asked.html")
