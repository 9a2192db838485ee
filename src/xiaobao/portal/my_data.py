"""/my/data/: everything xiaobao holds about the signed-in consumer, in plain language; the same as one JSON file
to download; and their requests to correct or delete it, with each insurer's answer (PIPL Art.44-47, issue #19).

Opening the page or the download is recorded as a read of their data (``rights.actions.personal_data_read``).
The download is one JSON file: files they sent (claim documents, complaint attachments) are listed with their
name, size and SHA-256 rather than bundled, so the export stays one small file any tool and any screen reader can
open, and each file stays where it is downloaded through its own access check (the claim and tracking pages).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from xiaobao.identity.actions import phone_verification_start
from xiaobao.kernel.errors import DomainError
from xiaobao.ops import clock
from xiaobao.ops.client import client_ip
from xiaobao.ops.i18n import message_of, translated_labels
from xiaobao.portal.code_check import code_checked
from xiaobao.portal.forms import CodeForm
from xiaobao.portal.sealed import seal, unseal
from xiaobao.portal.session import consumer_actor
from xiaobao.portal.sign_in import sign_in_url
from xiaobao.privacy.domain.identifiers import mask_phone, normalise_phone
from xiaobao.rights import actions, selectors
from xiaobao.rights.domain.requests import (
    FIELD_TEXT,
    KIND_TEXT,
    MAX_NOTE_LENGTH,
    MAX_VALUE_LENGTH,
    PHONE_CHECK_PURPOSE,
    STATE_TEXT,
    CorrectableField,
    RequestKind,
)

NEW_PHONE = "xiaobao_rights_new_phone"
"""The session's sealed note of the code sent to a new phone: its check, the phone as typed, masked."""

LABELS: dict[str, Any] = {
    "name": _("Name"), "id_kind": _("Kind of ID document"), "resident_id": _("ID document number"),
    "phone": _("Phone"), "email": _("Email"), "birth_year": _("Year of birth"),
    "preferred_language": _("Language for messages"), "preferred_channel": _("How we send you messages"),
    "visually_impaired": _("Visually impaired"), "disabled": _("With a disability"),
    "new_urban_resident": _("New urban resident"), "created_at": _("Record made"), "insurers": _("Insurers you deal with"),
    "insurer": _("Insurer"), "reference": _("Reference number"), "channel": _("How it came in"),
    "received_on": _("Received"), "registered_at": _("Registered"), "product_line": _("Kind of insurance"),
    "reason": _("What it is about"), "policy_number": _("Policy number"), "claim_reference": _("Claim number"),
    "description": _("What you told us"), "requested_outcome": _("What you asked for"), "state": _("Where it is now"),
    "declined_reason": _("Why it was not accepted"), "outcome": _("Decision"), "findings": _("What was found"),
    "basis": _("Basis of the decision"), "reasons": _("Reasons"), "remedy": _("What will be done"),
    "decided_at": _("Decided"), "notified_at": _("Decision sent"), "closed_at": _("Closed"),
    "withdrawn_on": _("Withdrawn"), "review_requested_on": _("Review asked for"), "review_outcome": _("Review decision"),
    "mediation_wanted_on": _("Mediation asked for"), "next_step": _("What you chose to do next"),
    "next_step_chosen_on": _("Chosen on"), "dispute_chosen_on": _("Arbitration or court chosen"), "elderly": _("60 or older"), "claim_type": _("Kind of claim"),
    "beneficiary_name": _("Beneficiary"), "incident_date": _("Day it happened"), "incident_region": _("Where it happened"),
    "amount_claimed": _("Amount claimed"), "reported_at": _("Reported"), "green_channel": _("Green channel"),
    "home_visit_requested": _("Home visit asked for"), "home_visit_on": _("Home visit day"),
    "home_visit_note": _("Your note for the home visit"), "documents_complete_on": _("Documents complete"),
    "agreed_amount": _("Amount agreed"), "paid_amount": _("Amount paid"), "advance_paid_amount": _("Advance paid"),
    "refusal_reasons": _("Why it was refused"), "refusal_basis": _("Basis of the refusal"), "slot": _("When to call"),
    "language": _("Language"), "dialect": _("Dialect"), "note": _("Your note"), "requested_at": _("Asked on"),
    "first_attempt_at": _("First call"), "kind": _("Kind"), "fields": _("What you typed"), "saved_at": _("Kept on"),
    "expires_at": _("Forgotten on"), "to_address": _("Sent to"), "subject": _("Subject"), "body": _("Text"),
    "purpose": _("About"), "sent_at": _("Sent"), "status": _("Delivery"),
    "field": _("What to correct"), "new_value": _("Right value"), "due": _("Answer due by"),
    "answered_at": _("Answered"), "at": _("When"), "what": _("What happened"), "by": _("By whom"),
    "text": _("Text"), "received_at": _("Received"), "item": _("Document"), "content_type": _("Kind of file"),
    "size": _("Size in bytes"), "sha256": _("Fingerprint (SHA-256)"),
}  # fmt: skip
NESTED = ("messages", "information_asked_of_you", "files", "steps")
SECTIONS = [
    ("people", _("About you")),
    ("complaints", _("Your complaints")),
    ("claims", _("Your claims")),
    ("call_backs", _("Call-backs you asked for")),
    ("drafts", _("Forms you started and have not sent")),
    ("messages_sent_to_you", _("Messages we sent you")),
    ("data_requests", _("Your requests about your data")),
]


class CorrectionForm(forms.Form):
    field = forms.ChoiceField(label=_("What is wrong"), choices=[])
    value = forms.CharField(label=_("The right value"), max_length=MAX_VALUE_LENGTH)
    note = forms.CharField(
        label=_("Anything the insurer should know (optional)"),
        max_length=MAX_NOTE_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    prefix = "correct"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = list(translated_labels(FIELD_TEXT).items())  # type: ignore[attr-defined]


class DeletionForm(forms.Form):
    note = forms.CharField(
        label=_("Anything the insurer should know (optional)"),
        max_length=MAX_NOTE_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm = forms.BooleanField(
        label=_(
            "I understand: once every insurer has deleted my data, I can no longer sign in with this phone or follow "
            "my cases, and what is deleted cannot be brought back."
        )
    )

    prefix = "delete"


def _plain(value: Any) -> Any:
    if value is True:
        return gettext("yes")
    if value is False:
        return gettext("no")
    if value in (None, "", [], {}):
        return None
    if isinstance(value, dict):
        return ", ".join(f"{LABELS.get(k, k)}: {v}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return value


def _shown(row: dict[str, Any]) -> dict[str, Any]:
    """A record as label → value pairs, empty values left out; its nested lists kept apart."""
    facts = [(LABELS.get(k, k), _plain(v)) for k, v in row.items() if k not in NESTED and _plain(v) is not None]
    return {"facts": facts, **{k: [_shown(item) for item in row.get(k, [])] for k in NESTED}}


def _page(
    request: HttpRequest,
    *,
    correction: CorrectionForm | None = None,
    deletion: DeletionForm | None = None,
    code: CodeForm | None = None,
    phone: str = "",
    status: int = 200,
) -> HttpResponse:
    actor = consumer_actor(request)
    assert actor is not None
    data = actions.personal_data_read(actor=actor, format="page")
    sections = [(key, title, [_shown(row) for row in data[key]]) for key, title in SECTIONS]
    requests = [
        {
            "row": row.request,
            "kind_text": gettext(KIND_TEXT[RequestKind(row.request.kind)]),
            "field_text": gettext(FIELD_TEXT[row.request.field]) if row.request.field else "",  # type: ignore[index]
            "state_text": gettext(STATE_TEXT[row.request.state]),  # type: ignore[index]
            "days_left": row.days_left,
        }
        for row in selectors.requests_of_person(actor)
    ]
    return render(
        request,
        "portal/my_data.html",
        {
            "sections": sections,
            "requests": requests,
            "correction": correction or CorrectionForm(),
            "deletion": deletion or DeletionForm(),
            "code": code,
            "new_phone": phone,
            "today": clock.today(),
        },
        status=status,
    )


@never_cache
def my_data(request: HttpRequest) -> HttpResponseBase:
    if consumer_actor(request) is None:
        return HttpResponseRedirect(sign_in_url(reverse("portal:my_data")))
    return _page(request)


@never_cache
def my_data_export(request: HttpRequest) -> HttpResponseBase:
    """All their data as one JSON file (UTF-8, indented): the download is recorded as a read of their data."""
    actor = consumer_actor(request)
    if actor is None:
        return HttpResponseRedirect(sign_in_url(reverse("portal:my_data")))
    data = actions.personal_data_read(actor=actor, format="json")
    response = HttpResponse(selectors.export_json(data), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="xiaobao-my-data-{clock.today().isoformat()}.json"'
    return response


@require_POST
def my_data_correct(request: HttpRequest) -> HttpResponseBase:
    actor = consumer_actor(request)
    if actor is None:
        return HttpResponseRedirect(sign_in_url(reverse("portal:my_data")))
    form = CorrectionForm(request.POST)
    code: CodeForm | None = None
    if form.is_valid():
        phone_check = None
        if form.cleaned_data["field"] == CorrectableField.PHONE:
            # A new phone is proved first, as at sign-in: a code goes to it, and the request waits for that code.
            pending = unseal(request.session.get(NEW_PHONE)) or {}
            if "code" not in request.POST or pending.get("phone") != form.cleaned_data["value"]:
                return _send_code(request, form)
            code, proved = code_checked(request, int(pending["verification"]))
            if proved is None:
                return _page(request, correction=form, code=code, phone=pending.get("masked", ""), status=400)
            phone_check = proved.pk
        try:
            made = actions.data_request_make(
                actor=actor,
                kind=RequestKind.CORRECTION,
                field=form.cleaned_data["field"],
                value=form.cleaned_data["value"],
                note=form.cleaned_data["note"],
                phone_check=phone_check,
            )
        except DomainError as refused:
            form.add_error(None, message_of(refused))
        else:
            request.session.pop(NEW_PHONE, None)
            return _asked(request, made)
    return _page(request, correction=form, status=400)


def _send_code(request: HttpRequest, form: CorrectionForm) -> HttpResponseBase:
    typed = form.cleaned_data["value"]
    try:
        verification = phone_verification_start(
            phone=typed, purpose=PHONE_CHECK_PURPOSE, language=request.LANGUAGE_CODE, client=client_ip(request)
        )
    except DomainError as refused:
        form.add_error("value", message_of(refused))
        return _page(request, correction=form, status=400)
    masked = mask_phone(normalise_phone(typed))
    request.session[NEW_PHONE] = seal({"verification": verification.pk, "phone": typed, "masked": masked})
    return _page(request, correction=form, code=CodeForm(), phone=masked)


@require_POST
def my_data_delete(request: HttpRequest) -> HttpResponseBase:
    actor = consumer_actor(request)
    if actor is None:
        return HttpResponseRedirect(sign_in_url(reverse("portal:my_data")))
    form = DeletionForm(request.POST)
    if form.is_valid():
        try:
            made = actions.data_request_make(actor=actor, kind=RequestKind.DELETION, note=form.cleaned_data["note"])
        except DomainError as refused:
            form.add_error(None, message_of(refused))
        else:
            return _asked(request, made)
    return _page(request, deletion=form, status=400)


def _asked(request: HttpRequest, made: list[Any]) -> HttpResponseBase:
    messages.success(
        request,
        ngettext(
            "Your request went to the insurer holding your data: %(references)s. It must answer by %(due)s.",
            "Your request went to the %(count)s insurers holding your data: %(references)s. Each must answer by "
            "%(due)s.",
            len(made),
        )
        % {"count": len(made), "references": ", ".join(r.reference for r in made), "due": made[0].due.isoformat()},
    )
    return HttpResponseRedirect(reverse("portal:my_data") + "#requests")
