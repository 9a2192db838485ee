"""The insurer administrator's pages (issue #14): branches, staff and roles, partners and their keys, data-sharing
agreements, counters and complaint channels, document checklists — of their own insurer only.

Thin: parse the form, call one action, render. Every page first asks ``identity.access.administered_insurer``;
anyone else — staff of another insurer, staff without the role — gets the same 404 as for a page that does not
exist. A rejected form comes back with what was typed and why.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaobao.claims import access as claim_access
from xiaobao.claims import actions as claim_actions
from xiaobao.claims import selectors as claim_selectors
from xiaobao.claims.labels import CLAIM_TYPE_TEXT
from xiaobao.identity import access, actions, selectors
from xiaobao.identity.domain.branches import BranchLevel
from xiaobao.identity.domain.permissions import Permission
from xiaobao.identity.models import ROLE_CHOICES, Insurer, ServicePoint
from xiaobao.kernel.actors import Actor, Role
from xiaobao.kernel.errors import DomainError, NotFound
from xiaobao.ops import clock
from xiaobao.ops.i18n import message_of, translated_labels
from xiaobao.privacy import access as privacy_access
from xiaobao.privacy import actions as privacy_actions
from xiaobao.privacy.domain.agreements import (
    AGREEMENT_STATE_TEXT,
    DATA_CATEGORY_TEXT,
    METHOD_TEXT,
    PURPOSE_TEXT,
    agreement_state,
)
from xiaobao.workbench import administration_forms as f
from xiaobao.workbench.staff import staff_only

AdminView = Callable[..., HttpResponseBase]


def administrator_only(view: AdminView) -> AdminView:
    """Staff who administer their insurer; the view receives the insurer. Not found and not allowed: 404."""

    @staff_only
    @wraps(view)
    def wrapped(request: HttpRequest, actor: Actor, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            insurer = access.administered_insurer(actor)
            return view(request, actor, insurer, *args, **kwargs)
        except NotFound:
            raise Http404 from None

    return wrapped


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


def _page(request: HttpRequest, template: str, context: dict[str, Any], *, rejected: bool = False) -> HttpResponse:
    return render(request, f"workbench/administration/{template}", context, status=400 if rejected else 200)


# --- the insurer: overview and published complaint channels (CMP-P1) ---


@administrator_only
def overview(request: HttpRequest, actor: Actor, insurer: Insurer, *, form: Any = None) -> HttpResponse:
    channels = form or f.ChannelsForm(
        prefix="channels",
        initial={
            name: getattr(insurer, name)
            for name in ("complaint_phone", "complaint_address", "complaint_email", "website")
        },
    )
    return _page(
        request,
        "overview.html",
        {"actor": actor, "insurer": insurer, "form": channels},
        rejected=form is not None,
    )


@require_POST
@administrator_only
def channels_save(request: HttpRequest, actor: Actor, insurer: Insurer) -> HttpResponseBase:
    form = f.ChannelsForm(request.POST, prefix="channels")
    if _attempt(
        form, lambda data: actions.insurer_channels_save(actor=actor, channels=actions.ComplaintChannels(**data))
    ):
        return _done(request, _("The complaint channels are published."), "workbench:admin_overview")
    return overview(request, form=form)


# --- branches ---


def _branch_choices(actor: Actor) -> list[tuple[int, str]]:
    levels = dict(f.BRANCH_LEVELS)
    return [
        (b.pk, f"{b.name} ({levels.get(b.level, b.level)})")
        for b in access.branches_administered_by(actor).order_by("level", "name")
    ]


@administrator_only
def branches(
    request: HttpRequest, actor: Actor, insurer: Insurer, *, form: Any = None, rename: Any = None
) -> HttpResponse:
    rows = list(access.branches_administered_by(actor).select_related("parent").order_by("level", "name", "pk"))
    renames = {b.pk: rename if rename is not None and rename.prefix == f"branch-{b.pk}" else None for b in rows}
    return _page(
        request,
        "branches.html",
        {
            "actor": actor,
            "insurer": insurer,
            "rows": [
                (b, renames[b.pk] or f.BranchRenameForm(prefix=f"branch-{b.pk}", initial={"name": b.name}))
                for b in rows
            ],
            "form": form or f.BranchAddForm(prefix="add", branches=_branch_choices(actor)),
        },
        rejected=form is not None or rename is not None,
    )


@require_POST
@administrator_only
def branch_add(request: HttpRequest, actor: Actor, insurer: Insurer) -> HttpResponseBase:
    form = f.BranchAddForm(request.POST, prefix="add", branches=_branch_choices(actor))
    if _attempt(
        form,
        lambda data: actions.branch_create(
            actor=actor,
            insurer_id=insurer.pk,
            code=data["code"],
            name=data["name"],
            level=BranchLevel(data["level"]),
            parent_id=data["parent"],
        ),
    ):
        return _done(request, _("Branch added."), "workbench:admin_branches")
    return branches(request, form=form)


@require_POST
@administrator_only
def branch_rename(request: HttpRequest, actor: Actor, insurer: Insurer, branch_id: int) -> HttpResponseBase:
    form = f.BranchRenameForm(request.POST, prefix=f"branch-{branch_id}")
    access.one(access.branches_administered_by(actor), branch_id)  # someone else's branch: 404, not a form error
    if _attempt(form, lambda data: actions.branch_rename(actor=actor, branch_id=branch_id, name=data["name"])):
        return _done(request, _("Branch renamed."), "workbench:admin_branches")
    return branches(request, rename=form)


# --- staff and their roles ---


def _role_names(staff: Any) -> list[str]:
    labels = dict(ROLE_CHOICES)
    return [str(labels.get(g.role, g.role)) for g in staff.role_grants.all()]


@administrator_only
def staff_list(request: HttpRequest, actor: Actor, insurer: Insurer, *, form: Any = None) -> HttpResponse:
    members = (
        access.staff_members_for(actor, Permission.MANAGE_STAFF)
        .select_related("user", "branch")
        .prefetch_related("role_grants")
        .order_by("-active", "display_name")
    )
    return _page(
        request,
        "staff_list.html",
        {
            "actor": actor,
            "insurer": insurer,
            "rows": [(s, _role_names(s)) for s in members],
            "form": form or f.StaffAddForm(prefix="add", branches=_branch_choices(actor)),
        },
        rejected=form is not None,
    )


@require_POST
@administrator_only
def staff_add(request: HttpRequest, actor: Actor, insurer: Insurer) -> HttpResponseBase:
    form = f.StaffAddForm(request.POST, prefix="add", branches=_branch_choices(actor))
    made: list[Any] = []
    if _attempt(
        form,
        lambda data: made.append(
            actions.staff_create(
                actor=actor,
                insurer_id=insurer.pk,
                branch_id=data["branch"],
                username=data["username"],
                display_name=data["display_name"],
                password=data["password"],
                roles=[Role(r) for r in data["roles"]],
            )
        ),
    ):
        return _done(
            request,
            _("%(name)s can now sign in as %(username)s.")
            % {"name": made[0].display_name, "username": made[0].user.username},
            "workbench:admin_staff",
            made[0].pk,
        )
    return staff_list(request, form=form)


@administrator_only
def staff_page(
    request: HttpRequest,
    actor: Actor,
    insurer: Insurer,
    staff_id: int,
    *,
    roles: Any = None,
    password: Any = None,
    error: str = "",
    ticket: str = "",
) -> HttpResponse:
    member = access.staff_member_for(actor, staff_id, Permission.MANAGE_STAFF)
    held = [g.role for g in member.role_grants.all()]
    return _page(
        request,
        "staff.html",
        {
            "actor": actor,
            "insurer": insurer,
            "member": member,
            "role_names": _role_names(member),
            "roles_form": roles or f.RolesForm(prefix="roles", initial={"roles": held}),
            "password_form": password or f.SetPasswordForm(prefix="password"),
            "error": error,
            "is_self": member.pk == actor.staff_id,
            "has_authenticator": selectors.has_authenticator(member),
            "awaits_set_up_code": selectors.awaits_set_up_code(member),
            "ticket": ticket,
        },
        rejected=bool(roles or password or error),
    )


@require_POST
@administrator_only
def staff_roles(request: HttpRequest, actor: Actor, insurer: Insurer, staff_id: int) -> HttpResponseBase:
    """Grant what is ticked and not held, revoke what is held and not ticked: one audited action each."""
    member = access.staff_member_for(actor, staff_id, Permission.MANAGE_STAFF)
    form = f.RolesForm(request.POST, prefix="roles")

    def change(data: dict[str, Any]) -> None:
        held = {Role(g.role) for g in member.role_grants.all()}
        wanted = {Role(r) for r in data["roles"]}
        for role in sorted(wanted - held):
            actions.staff_grant_role(actor=actor, staff_id=member.pk, role=role)
        for role in sorted(held - wanted):
            actions.staff_revoke_role(actor=actor, staff_id=member.pk, role=role)

    if _attempt(form, change):
        return _done(request, _("Roles saved."), "workbench:admin_staff", member.pk)
    return staff_page(request, staff_id, roles=form)


@require_POST
@administrator_only
def staff_password(request: HttpRequest, actor: Actor, insurer: Insurer, staff_id: int) -> HttpResponseBase:
    access.staff_member_for(actor, staff_id, Permission.MANAGE_STAFF)
    form = f.SetPasswordForm(request.POST, prefix="password")
    if _attempt(
        form, lambda data: actions.staff_set_password(actor=actor, staff_id=staff_id, password=data["password"])
    ):
        return _done(request, _("Password set. Give it to the person in private."), "workbench:admin_staff", staff_id)
    return staff_page(request, staff_id, password=form)


@require_POST
@administrator_only
def staff_two_factor_reset(request: HttpRequest, actor: Actor, insurer: Insurer, staff_id: int) -> HttpResponseBase:
    """A lost or new phone: the person's authenticator is cleared and their sessions end; the one-time set-up
    code they need to enrol a new one is shown here, this once (never stored readable, never redirected with)."""
    code = actions.staff_two_factor_reset(actor=actor, staff_id=staff_id)
    return staff_page(request, staff_id, ticket=code)


@require_POST
@administrator_only
def staff_deactivate(request: HttpRequest, actor: Actor, insurer: Insurer, staff_id: int) -> HttpResponseBase:
    try:
        actions.staff_deactivate(actor=actor, staff_id=staff_id)
    except NotFound:
        raise
    except DomainError as refused:
        return staff_page(request, staff_id, error=message_of(refused))
    return _done(request, _("Deactivated: they can no longer sign in."), "workbench:admin_staff", staff_id)


# --- partners, their keys and data-sharing agreements ---


@administrator_only
def partner_list(request: HttpRequest, actor: Actor, insurer: Insurer, *, form: Any = None) -> HttpResponse:
    rows = access.partners_for(actor, Permission.MANAGE_PARTNERS).order_by("-active", "name")
    return _page(
        request,
        "partner_list.html",
        {"actor": actor, "insurer": insurer, "rows": rows, "form": form or f.PartnerAddForm(prefix="add")},
        rejected=form is not None,
    )


@require_POST
@administrator_only
def partner_add(request: HttpRequest, actor: Actor, insurer: Insurer) -> HttpResponseBase:
    form = f.PartnerAddForm(request.POST, prefix="add")
    made: list[Any] = []
    if _attempt(form, lambda data: made.append(actions.partner_create(actor=actor, insurer_id=insurer.pk, **data))):
        return _done(request, _("Partner added."), "workbench:admin_partner", made[0].pk)
    return partner_list(request, form=form)


@administrator_only
def partner_page(
    request: HttpRequest,
    actor: Actor,
    insurer: Insurer,
    partner_id: int,
    *,
    key_form: Any = None,
    agreement_form: Any = None,
    end_forms: dict[int, Any] | None = None,
    issued: str = "",
    error: str = "",
) -> HttpResponse:
    partner = access.partner_for(actor, partner_id, Permission.MANAGE_PARTNERS)
    today = clock.today()
    agreements = privacy_access.agreements_for(actor, Permission.MANAGE_PARTNERS).filter(partner=partner)
    categories, purposes = translated_labels(DATA_CATEGORY_TEXT), translated_labels(PURPOSE_TEXT)
    methods, states = translated_labels(METHOD_TEXT), translated_labels(AGREEMENT_STATE_TEXT)
    rows: list[dict[str, Any]] = []
    for agreement in agreements.order_by("-valid_until", "-pk"):
        state = agreement_state(privacy_access.terms_of(agreement), today)
        rows.append(
            {
                "agreement": agreement,
                "purpose": purposes.get(agreement.purpose, agreement.purpose),
                "categories": [categories.get(c, c) for c in agreement.data_categories],
                "method": methods.get(agreement.method, agreement.method),
                "state": state,
                "state_text": states[state],
                "approvable": state == "awaiting_approval" and agreement.recorded_by_id != actor.staff_id,
                "endable": state in {"awaiting_approval", "not_yet", "in_force"},
                "end_form": (end_forms or {}).get(agreement.pk) or f.AgreementEndForm(prefix=f"end-{agreement.pk}"),
            }
        )
    return _page(
        request,
        "partner.html",
        {
            "actor": actor,
            "insurer": insurer,
            "partner": partner,
            "keys": access.partner_keys_for(actor).filter(partner=partner).order_by("-created_at"),
            "agreements": rows,
            "key_form": key_form or f.KeyIssueForm(prefix="key"),
            "agreement_form": agreement_form or f.AgreementForm(prefix="agreement"),
            "token": uuid.uuid4().hex,
            "issued": issued,
            "error": error,
        },
        rejected=bool(key_form or agreement_form or end_forms or error),
    )


@require_POST
@administrator_only
def partner_key_issue(request: HttpRequest, actor: Actor, insurer: Insurer, partner_id: int) -> HttpResponseBase:
    """The secret is on this answer only — never stored, never in a redirect; the same form again issues nothing."""
    form = f.KeyIssueForm(request.POST, prefix="key")
    issued: list[str] = []
    if _attempt(
        form,
        lambda data: issued.append(
            actions.partner_key_issue(
                actor=actor,
                partner_id=partner_id,
                label=data["label"],
                idempotency_key=f"workbench:{request.POST.get('token', '')[:64]}",
            )[1]
        ),
    ):
        response = partner_page(request, partner_id, issued=issued[0])
        response["Cache-Control"] = "no-store"
        return response
    return partner_page(request, partner_id, key_form=form)


@require_POST
@administrator_only
def partner_key_revoke(request: HttpRequest, actor: Actor, insurer: Insurer, key_id: int) -> HttpResponseBase:
    key = actions.partner_key_revoke(actor=actor, key_id=key_id)
    return _done(request, _("Key revoked: it no longer works."), "workbench:admin_partner", key.partner_id)


@require_POST
@administrator_only
def partner_deactivate(request: HttpRequest, actor: Actor, insurer: Insurer, partner_id: int) -> HttpResponseBase:
    actions.partner_deactivate(actor=actor, partner_id=partner_id)
    return _done(request, _("Partner deactivated: its keys no longer work."), "workbench:admin_partner", partner_id)


@require_POST
@administrator_only
def agreement_record(request: HttpRequest, actor: Actor, insurer: Insurer, partner_id: int) -> HttpResponseBase:
    access.partner_for(actor, partner_id, Permission.MANAGE_PARTNERS)
    form = f.AgreementForm(request.POST, prefix="agreement")
    if _attempt(
        form,
        lambda data: privacy_actions.agreement_record(
            actor=actor, partner_id=partner_id, terms=privacy_actions.AgreementTerms(**data)
        ),
    ):
        return _done(
            request,
            _("Agreement recorded. It counts once another administrator or a compliance officer approves it."),
            "workbench:admin_partner",
            partner_id,
        )
    return partner_page(request, partner_id, agreement_form=form)


@require_POST
@administrator_only
def agreement_approve(request: HttpRequest, actor: Actor, insurer: Insurer, agreement_id: int) -> HttpResponseBase:
    agreement = privacy_access.agreement_for(actor, agreement_id, Permission.MANAGE_PARTNERS)
    try:
        privacy_actions.agreement_approve(actor=actor, agreement_id=agreement_id)
    except NotFound:
        raise
    except DomainError as refused:
        return partner_page(request, agreement.partner_id, error=message_of(refused))
    return _done(
        request,
        _("Agreement approved: it releases data from its first day."),
        "workbench:admin_partner",
        agreement.partner_id,
    )


@require_POST
@administrator_only
def agreement_end(request: HttpRequest, actor: Actor, insurer: Insurer, agreement_id: int) -> HttpResponseBase:
    agreement = privacy_access.agreement_for(actor, agreement_id, Permission.MANAGE_PARTNERS)
    form = f.AgreementEndForm(request.POST, prefix=f"end-{agreement_id}")
    if _attempt(
        form, lambda data: privacy_actions.agreement_end(actor=actor, agreement_id=agreement_id, reason=data["reason"])
    ):
        return _done(
            request,
            _("Agreement ended: the partner receives nothing more under it."),
            "workbench:admin_partner",
            agreement.partner_id,
        )
    return partner_page(request, agreement.partner_id, end_forms={agreement_id: form})


# --- counters (CHN-2) ---


@administrator_only
def counters(request: HttpRequest, actor: Actor, insurer: Insurer, *, form: Any = None) -> HttpResponse:
    return _page(
        request,
        "counters.html",
        {
            "actor": actor,
            "insurer": insurer,
            "rows": access.service_points_administered_by(actor),
            "form": form or f.ServicePointForm(prefix="counter"),
            "token": request.POST.get("token") or uuid.uuid4().hex,
        },
        rejected=form is not None,
    )


def _save_counter(request: HttpRequest, actor: Actor, form: f.ServicePointForm) -> bool:
    return _attempt(
        form,
        lambda _data: actions.service_point_save(
            actor=actor,
            point=form.instance,
            changed_by=request.user.get_username(),
            idempotency_key=f"workbench:{request.POST.get('token', '')[:64]}" if request.POST.get("token") else None,
        ),
    )


@require_POST
@administrator_only
def counter_add(request: HttpRequest, actor: Actor, insurer: Insurer) -> HttpResponseBase:
    form = f.ServicePointForm(request.POST, prefix="counter", instance=ServicePoint(insurer=insurer))
    if _save_counter(request, actor, form):
        return _done(request, _("Counter saved."), "workbench:admin_counters")
    return counters(request, form=form)


@administrator_only
def counter_page(request: HttpRequest, actor: Actor, insurer: Insurer, point_id: int) -> HttpResponse:
    point = access.service_point_for(actor, point_id)
    form = f.ServicePointForm(request.POST or None, prefix="counter", instance=point)
    if request.method == "POST" and _save_counter(request, actor, form):
        return _done(request, _("Counter saved."), "workbench:admin_counters")
    context = {"actor": actor, "insurer": insurer, "point": point, "form": form}
    return _page(request, "counter.html", context, rejected=bool(form.errors))


# --- document checklists (CLM-T1), per insurer and per language ---


def _kind_name(line: str, kind: str) -> str:
    return str(CLAIM_TYPE_TEXT.get((line, kind), f"{line} / {kind}"))


def _kind_or_404(line: str, kind: str) -> None:
    if (line, kind) not in set(claim_selectors.claim_kinds()):
        raise Http404


def _languages() -> dict[str, str]:
    from django.conf import settings

    return {code: str(name) for code, name in settings.LANGUAGES if code in claim_actions.other_languages()}


@administrator_only
def checklists(request: HttpRequest, actor: Actor, insurer: Insurer) -> HttpResponse:
    kept = set(claim_access.checklist_kept_by(actor).values_list("product_line", "claim_type"))
    kinds = [(line, kind, _kind_name(line, kind), (line, kind) in kept) for line, kind in claim_selectors.claim_kinds()]
    return _page(request, "checklists.html", {"actor": actor, "insurer": insurer, "kinds": kinds})


@administrator_only
def checklist(
    request: HttpRequest, actor: Actor, insurer: Insurer, line: str, kind: str, *, form: Any = None
) -> HttpResponse:
    _kind_or_404(line, kind)
    items = list(claim_access.checklist_of(insurer.pk, line, kind))
    forms_by_item = [
        (
            item,
            form
            if form is not None and form.prefix == f"item-{item.code}"
            else f.ChecklistItemForm(
                prefix=f"item-{item.code}",
                initial={
                    "name": item.name,
                    "explanation": item.explanation,
                    "required": item.required,
                    "waivable_in_green_channel": item.waivable_in_green_channel,
                },
            ),
        )
        for item in items
    ]
    adding = form if form is not None and form.prefix == "add" else f.ChecklistItemAddForm(prefix="add")
    return _page(
        request,
        "checklist.html",
        {
            "actor": actor,
            "insurer": insurer,
            "line": line,
            "kind": kind,
            "kind_name": _kind_name(line, kind),
            "own": bool(items) and items[0].insurer_id == insurer.pk,
            "items": forms_by_item,
            "add_form": adding,
            "languages": _languages(),
        },
        rejected=form is not None,
    )


@require_POST
@administrator_only
def checklist_item_save(request: HttpRequest, actor: Actor, insurer: Insurer, line: str, kind: str) -> HttpResponseBase:
    _kind_or_404(line, kind)
    code = request.POST.get("code", "")
    form: f.ChecklistItemForm = (
        f.ChecklistItemAddForm(request.POST, prefix="add")
        if code == ""
        else f.ChecklistItemForm(request.POST, prefix=f"item-{code}")
    )

    def change(data: dict[str, Any]) -> None:
        claim_actions.checklist_item_keep(
            actor=actor,
            insurer_id=insurer.pk,
            product_line=line,
            claim_type=kind,
            text=claim_actions.ChecklistItemText(
                code=data.get("code", code),
                name=data["name"],
                explanation=data["explanation"],
                required=data["required"],
                waivable_in_green_channel=data["waivable_in_green_channel"],
            ),
        )

    if _attempt(form, change):
        return _done(request, _("Checklist saved."), "workbench:admin_checklist", line, kind)
    return checklist(request, line, kind, form=form)


@administrator_only
def checklist_wording(
    request: HttpRequest, actor: Actor, insurer: Insurer, *, line: str, kind: str, language: str
) -> HttpResponse:
    """The checklist of a kind in another language: one small form per document."""
    _kind_or_404(line, kind)
    languages = _languages()
    if language not in languages:
        raise Http404
    items = list(claim_access.checklist_of(insurer.pk, line, kind))
    wordings = claim_access.wordings_of(items, language)
    posted = request.POST.get("code") if request.method == "POST" else None
    rows = []
    rejected = False
    for item in items:
        prefix = f"item-{item.code}"
        if item.code == posted:
            form = f.ChecklistWordingForm(request.POST, prefix=prefix)

            def keep(data: dict[str, Any], code: str = item.code) -> object:
                return claim_actions.checklist_wording_keep(
                    actor=actor,
                    insurer_id=insurer.pk,
                    product_line=line,
                    claim_type=kind,
                    code=code,
                    language=language,
                    name=data["name"],
                    explanation=data["explanation"],
                )

            if _attempt(form, keep):
                return _done(request, _("Wording saved."), "workbench:admin_checklist_wording", line, kind, language)
            rejected = True
        else:
            worded = wordings.get(item.pk)
            form = f.ChecklistWordingForm(
                prefix=prefix,
                initial={"name": worded.name, "explanation": worded.explanation} if worded else None,
            )
        rows.append((item, form))
    if posted is not None and not rejected:
        raise Http404  # a document not on this checklist
    return _page(
        request,
        "checklist_wording.html",
        {
            "actor": actor,
            "insurer": insurer,
            "line": line,
            "kind": kind,
            "kind_name": _kind_name(line, kind),
            "language": language,
            "language_name": languages[language],
            "rows": rows,
        },
        rejected=rejected,
    )
