"""The insurer's sales pages (issue #16; SAL-1, SAL-S1): its products and their tiers, its sales material and
the approval of it, its salespeople and their grades — of its own insurer only.

Thin: parse the form, call one action, render. Each page asks for its permission first; anyone else (staff of
another insurer, staff without the role) gets the same 404 as for a page that does not exist. A rejected form
comes back with what was typed and why; a form sent twice creates one row (a token per form)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Case, When
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaobao.identity import access as identity_access
from xiaobao.identity.domain.permissions import Permission, staff_may
from xiaobao.identity.models import Partner
from xiaobao.kernel.actors import Actor
from xiaobao.kernel.errors import DomainError, NotFound
from xiaobao.ops.i18n import message_of, translated_labels
from xiaobao.sales import access, actions
from xiaobao.sales.actions import traits_of
from xiaobao.sales.domain.grades import GRADE_TEXT, tiers_sold_by
from xiaobao.sales.domain.materials import KIND_TEXT, STATE_TEXT, MaterialState
from xiaobao.sales.domain.tiers import TIER_TEXT, tier_reasons
from xiaobao.sales.models import Product, SalesMaterial, Salesperson
from xiaobao.sales.selectors import grade_table
from xiaobao.web.files import stored_row_file
from xiaobao.workbench import sales_forms as f
from xiaobao.workbench.staff import staff_only

SALES_PERMISSIONS = (
    Permission.MANAGE_PRODUCTS,
    Permission.REGISTER_SALES_MATERIAL,
    Permission.APPROVE_SALES_MATERIAL,
    Permission.MANAGE_SALESPEOPLE,
)


def may_open_sales_pages(actor: Actor) -> bool:
    return any(staff_may(actor, permission) for permission in SALES_PERMISSIONS)


def allowed(*permissions: Permission) -> Callable[..., Callable[..., HttpResponseBase]]:
    """Staff holding one of the permissions; anyone else a 404, the same as for a page that does not exist."""

    def decorate(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @staff_only
        @wraps(view)
        def wrapped(request: HttpRequest, actor: Actor, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not any(staff_may(actor, permission) for permission in permissions):
                raise Http404
            try:
                return view(request, actor, *args, **kwargs)
            except NotFound:
                raise Http404 from None

        return wrapped

    return decorate


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
    except ValidationError as invalid:  # what only the whole row can check (a code already used)
        form.add_error(None, invalid.messages)
        return False
    return True


def _done(request: HttpRequest, text: str, to: str, *args: Any) -> HttpResponseRedirect:
    messages.success(request, text)
    return HttpResponseRedirect(reverse(to, args=args))


def _page(
    request: HttpRequest, actor: Actor, template: str, context: dict[str, Any], *, rejected: bool = False
) -> HttpResponse:
    context = {
        "actor": actor,
        "may": {
            "products": staff_may(actor, Permission.MANAGE_PRODUCTS),
            "materials": staff_may(actor, Permission.REGISTER_SALES_MATERIAL)
            or staff_may(actor, Permission.APPROVE_SALES_MATERIAL),
            "register": staff_may(actor, Permission.REGISTER_SALES_MATERIAL),
            "salespeople": staff_may(actor, Permission.MANAGE_SALESPEOPLE),
        },
        **context,
    }
    return render(request, f"workbench/sales/{template}", context, status=400 if rejected else 200)


def _token(request: HttpRequest) -> str:
    return request.POST.get("token") or uuid.uuid4().hex


def _key(request: HttpRequest) -> str | None:
    token = request.POST.get("token", "")[:64]
    return f"workbench:{token}" if token else None


@staff_only
def sales_home(request: HttpRequest, actor: Actor) -> HttpResponseBase:
    """The first sales page the actor may open."""
    for permission, to in (
        (Permission.MANAGE_PRODUCTS, "workbench:sales_products"),
        (Permission.REGISTER_SALES_MATERIAL, "workbench:sales_materials"),
        (Permission.APPROVE_SALES_MATERIAL, "workbench:sales_materials"),
        (Permission.MANAGE_SALESPEOPLE, "workbench:sales_salespeople"),
    ):
        if staff_may(actor, permission):
            return HttpResponseRedirect(reverse(to))
    raise Http404


# --- products (SAL-1, SAL-S1) ---


@allowed(Permission.MANAGE_PRODUCTS)
def products(request: HttpRequest, actor: Actor) -> HttpResponse:
    tiers = translated_labels(TIER_TEXT)
    rows = [(p, tiers.get(p.tier, p.tier)) for p in access.products_kept_by(actor).order_by("-on_sale", "name")]
    return _page(request, actor, "products.html", {"rows": rows})


def _save_product(request: HttpRequest, actor: Actor, form: f.ProductForm, *, key: str | None = None) -> list[Any]:
    saved: list[Any] = []
    _attempt(
        form,
        lambda _data: saved.append(
            actions.product_save(
                actor=actor, product=form.instance, changed_by=request.user.get_username(), idempotency_key=key
            )
        ),
    )
    return saved


@allowed(Permission.MANAGE_PRODUCTS)
def product_add(request: HttpRequest, actor: Actor) -> HttpResponseBase:
    form = f.ProductForm(request.POST or None, prefix="product", instance=Product(insurer_id=actor.insurer_id or 0))
    if request.method == "POST":
        saved = _save_product(request, actor, form, key=_key(request))
        if saved:
            return _done(request, _("Product saved."), "workbench:sales_product", saved[0].pk)
    context = {"form": form, "token": _token(request)}
    return _page(request, actor, "product_add.html", context, rejected=bool(form.errors))


@allowed(Permission.MANAGE_PRODUCTS)
def product_page(request: HttpRequest, actor: Actor, product_id: int) -> HttpResponseBase:
    product = access.product_kept_by(actor, product_id)
    form = f.ProductForm(request.POST or None, prefix="product", instance=product)
    if request.method == "POST" and _save_product(request, actor, form):
        return _done(request, _("Product saved."), "workbench:sales_product", product.pk)
    shown = access.product_kept_by(actor, product_id)  # as stored, not as typed into the rejected form
    context = {
        "product": shown,
        "form": form,
        "tier_text": translated_labels(TIER_TEXT).get(shown.tier, shown.tier),
        "tier_reasons": [_(reason) for reason in tier_reasons(traits_of(shown))],
        "materials": _material_rows(shown.materials.order_by("-registered_at", "-pk")),
    }
    return _page(request, actor, "product.html", context, rejected=bool(form.errors))


# --- sales material (SAL-1) ---


def _material_rows(materials: Any) -> list[tuple[SalesMaterial, Any, Any]]:
    kinds, states = translated_labels(KIND_TEXT), translated_labels(STATE_TEXT)
    return [(m, kinds.get(m.kind, m.kind), states.get(m.state, m.state)) for m in materials]


@allowed(Permission.REGISTER_SALES_MATERIAL, Permission.APPROVE_SALES_MATERIAL)
def materials(request: HttpRequest, actor: Actor, *, form: Any = None) -> HttpResponse:
    waiting_first = Case(When(state=MaterialState.DRAFT, then=0), When(state=MaterialState.APPROVED, then=1), default=2)
    rows = access.materials_for(actor).select_related("product").order_by(waiting_first, "-registered_at", "-pk")
    registering = staff_may(actor, Permission.REGISTER_SALES_MATERIAL)
    context = {
        "rows": _material_rows(rows),
        "form": (form or f.MaterialForm(prefix="material", products=_products_for_material(actor)))
        if registering
        else None,
        "token": _token(request),
    }
    return _page(request, actor, "materials.html", context, rejected=form is not None)


def _products_for_material(actor: Actor) -> Any:
    return access.products_for_material(actor).order_by("-on_sale", "name")


@require_POST
@allowed(Permission.REGISTER_SALES_MATERIAL)
def material_register(request: HttpRequest, actor: Actor) -> HttpResponseBase:
    form = f.MaterialForm(request.POST, request.FILES, prefix="material", products=_products_for_material(actor))
    made: list[SalesMaterial] = []

    def register(data: dict[str, Any]) -> None:
        upload = data.get("file")
        made.append(
            actions.material_register(
                actor=actor,
                product_id=data["product"],
                kind=data["kind"],
                title=data["title"],
                text=data["text"],
                file_name=upload.name if upload else "",
                content=upload,
                idempotency_key=_key(request),
            )
        )

    if _attempt(form, register):
        return _done(
            request,
            _("Material registered. It may be used once a compliance officer other than you approves it."),
            "workbench:sales_material",
            made[0].pk,
        )
    return materials(request, form=form)


@allowed(Permission.REGISTER_SALES_MATERIAL, Permission.APPROVE_SALES_MATERIAL)
def material_page(
    request: HttpRequest, actor: Actor, material_id: int, *, reject: Any = None, withdraw: Any = None, error: str = ""
) -> HttpResponse:
    material = access.material_for(actor, material_id)
    state = MaterialState(material.state)
    approver = staff_may(actor, Permission.APPROVE_SALES_MATERIAL)
    context = {
        "material": material,
        "product": material.product,
        "insurer": material.insurer,
        "kind_text": translated_labels(KIND_TEXT).get(material.kind, material.kind),
        "state_text": translated_labels(STATE_TEXT).get(material.state, material.state),
        "file_url": reverse("workbench:sales_material_file", args=[material.pk]) if material.file else "",
        "decidable": approver and state is MaterialState.DRAFT and material.registered_by_id != actor.staff_id,
        "own": material.registered_by_id == actor.staff_id,
        "withdrawable": state in {MaterialState.DRAFT, MaterialState.APPROVED},
        "reject_form": reject or f.ReasonForm(prefix="reject"),
        "withdraw_form": withdraw or f.ReasonForm(prefix="withdraw"),
        "error": error,
    }
    return _page(request, actor, "material.html", context, rejected=bool(reject or withdraw or error))


@require_POST
@allowed(Permission.APPROVE_SALES_MATERIAL)
def material_approve(request: HttpRequest, actor: Actor, material_id: int) -> HttpResponseBase:
    try:
        actions.material_approve(actor=actor, material_id=material_id)
    except NotFound:
        raise
    except DomainError as refused:
        return material_page(request, material_id, error=message_of(refused))
    return _done(request, _("Material approved: it may be used in sales from now on."), "workbench:approvals")


@require_POST
@allowed(Permission.APPROVE_SALES_MATERIAL)
def material_reject(request: HttpRequest, actor: Actor, material_id: int) -> HttpResponseBase:
    form = f.ReasonForm(request.POST, prefix="reject")
    if _attempt(
        form, lambda data: actions.material_reject(actor=actor, material_id=material_id, reason=data["reason"])
    ):
        return _done(request, _("Material rejected: it may not be used."), "workbench:sales_material", material_id)
    return material_page(request, material_id, reject=form)


@require_POST
@allowed(Permission.REGISTER_SALES_MATERIAL, Permission.APPROVE_SALES_MATERIAL)
def material_withdraw(request: HttpRequest, actor: Actor, material_id: int) -> HttpResponseBase:
    form = f.ReasonForm(request.POST, prefix="withdraw")
    if _attempt(
        form, lambda data: actions.material_withdraw(actor=actor, material_id=material_id, reason=data["reason"])
    ):
        return _done(
            request, _("Material withdrawn: no sale may show it any more."), "workbench:sales_material", material_id
        )
    return material_page(request, material_id, withdraw=form)


@allowed(Permission.REGISTER_SALES_MATERIAL, Permission.APPROVE_SALES_MATERIAL)
def material_file(request: HttpRequest, actor: Actor, material_id: int) -> HttpResponseBase:
    material = access.material_for(actor, material_id)
    return stored_row_file(request, material, fallback=f"material-{material.pk}")


# --- salespeople (SAL-S1) ---


def _salesperson_form(actor: Actor, data: Any = None, instance: Salesperson | None = None) -> f.SalespersonForm:
    return f.SalespersonForm(
        data,
        prefix="seller",
        instance=instance or Salesperson(insurer_id=actor.insurer_id or 0),
        staff=identity_access.staff_members_for(actor, Permission.MANAGE_SALESPEOPLE)
        .filter(active=True)
        .order_by("display_name"),
        partners=identity_access.partners_for(actor, Permission.MANAGE_SALESPEOPLE)
        .filter(kind=Partner.AGENT, active=True)
        .order_by("name"),
    )


def _seller_rows(actor: Actor) -> list[tuple[Salesperson, Any, str]]:
    grades, tiers = translated_labels(GRADE_TEXT), translated_labels(TIER_TEXT)
    people = access.salespeople_for(actor).select_related("partner", "staff").order_by("-active", "name")
    table = grade_table()
    return [
        (s, grades.get(s.grade, s.grade), "; ".join(str(tiers[t]) for t in tiers_sold_by(s.grade, table) if t in tiers))
        for s in people
    ]


@allowed(Permission.MANAGE_SALESPEOPLE)
def salespeople(request: HttpRequest, actor: Actor, *, form: Any = None) -> HttpResponse:
    context = {"rows": _seller_rows(actor), "form": form or _salesperson_form(actor), "token": _token(request)}
    return _page(request, actor, "salespeople.html", context, rejected=form is not None)


@require_POST
@allowed(Permission.MANAGE_SALESPEOPLE)
def salesperson_add(request: HttpRequest, actor: Actor) -> HttpResponseBase:
    form = _salesperson_form(actor, request.POST)
    made: list[Salesperson] = []
    if _attempt(
        form,
        lambda _data: made.append(
            actions.salesperson_save(actor=actor, salesperson=form.instance, idempotency_key=_key(request))
        ),
    ):
        return _done(request, _("Salesperson added."), "workbench:sales_salespeople")
    return salespeople(request, form=form)


@allowed(Permission.MANAGE_SALESPEOPLE)
def salesperson_page(request: HttpRequest, actor: Actor, salesperson_id: int) -> HttpResponseBase:
    seller = access.salesperson_for(actor, salesperson_id)
    form = _salesperson_form(actor, request.POST or None, seller)
    if request.method == "POST" and _attempt(
        form, lambda _data: actions.salesperson_save(actor=actor, salesperson=form.instance)
    ):
        return _done(request, _("Salesperson saved."), "workbench:sales_salespeople")
    shown = access.salesperson_for(actor, salesperson_id)
    return _page(request, actor, "salesperson.html", {"seller": shown, "form": form}, rejected=bool(form.errors))
