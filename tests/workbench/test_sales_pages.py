"""The insurer's sales pages (issue #16; SAL-1, SAL-S1): products and tiers, sales material and its approval,
salespeople and grades. Every page and every POST is tried as anonymous, a consumer, staff of another insurer
(with the role), staff without the role and staff with it: only the last succeeds, and a refusal leaves every
table as it was (``tests.support.matrix``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.support.matrix import Cast, assert_matrix
from tests.support.sales import PDF, make_material, make_product, make_salesperson
from xiaobao.audit.models import AuditEvent
from xiaobao.identity.models import Partner
from xiaobao.kernel.actors import Actor, Role
from xiaobao.sales.actions import material_approve
from xiaobao.sales.models import Product, SalesMaterial, Salesperson

pytestmark = pytest.mark.django_db

SALES = "/workbench/sales"
ONLY_WITH_THE_ROLE = {"staff_with_role"}


@dataclass
class Setting:
    world: Any
    cast: Cast
    clients: dict[str, Client]
    product: Product
    material: SalesMaterial
    seller: Salesperson
    registrant: Actor

    def client_of(self, actor: Actor) -> Client:
        return self.clients.get(str(actor.user_id), Client())


def _clients(cast: Cast, clients: dict[str, Client] | None = None) -> dict[str, Client]:
    clients = clients if clients is not None else {}
    for _name, actor in cast.items():
        if actor.user_id is not None and str(actor.user_id) not in clients:
            client = Client()
            client.force_login(get_user_model().objects.get(pk=actor.user_id))
            clients[str(actor.user_id)] = client
    return clients


@pytest.fixture
def setting(world: Any) -> Setting:
    ours = world.ours
    cast = replace(Cast.build(world, Role.COMPLIANCE_OFFICER), staff_without_role=ours.staff(Role.HANDLER)[1])
    product = make_product(ours.insurer, name="福寿终身寿险-ours")
    registrant = ours.staff(Role.COMPLIANCE_OFFICER)[1]
    material = make_material(registrant, product, title="宣传页-ours")
    seller = make_salesperson(ours.insurer, name="王销售-ours")
    return Setting(world, cast, _clients(cast), product, material, seller, registrant)


def _with_their_handler(setting: Setting) -> Cast:
    """The cast with a handler of the other insurer in place of its compliance officer, for what names no row
    (the other insurer's compliance has its own: see the tests saying so)."""
    cast = replace(setting.cast, other_insurer_staff=setting.world.theirs.staff(Role.HANDLER)[1])
    _clients(cast, setting.clients)
    return cast


def page_shows(setting: Setting, url: str, marker: str) -> Callable[[Actor], bool]:
    def attempt(actor: Actor) -> bool:
        response = setting.client_of(actor).get(url)
        assert response.status_code in {200, 302, 404}, response.status_code
        return response.status_code == 200 and marker in response.content.decode()

    return attempt


def post_changes(setting: Setting, url: str, data: dict[str, Any]) -> Callable[[Actor], bool]:
    def attempt(actor: Actor) -> bool:
        response = setting.client_of(actor).post(url, data)
        assert response.status_code in {302, 400, 404}, response.status_code
        return response.status_code == 302 and response["Location"].startswith("/workbench/")

    return attempt


def _product_form(**overrides: str) -> dict[str, str]:
    form = {
        "product-code": "kangjian",
        "product-name": "康健重大疾病保险",
        "product-product_line": "illness",
        "product-summary": "确诊重大疾病，一次性给付。",
        "product-terms": "第一条 保险责任……",
        "product-register_number": "〔2023〕疾病保险 042 号",
        "product-register_url": "https://tiaokuan.iachina.example/products/kangjian",
        "product-term_months": "",
        "product-cooling_off_days": "15",
        "product-complexity": "2",
        "product-premium_burden": "1",
        "product-risk_level": "1",
        "product-on_sale": "on",
    }
    form.update(overrides)
    return form


# --- every page ---


@pytest.mark.parametrize(
    ("path", "marker"),
    [
        ("/products/", "福寿终身寿险-ours"),
        ("/products/add/", "product-register_url"),
        ("/materials/", "宣传页-ours"),
        ("/salespeople/", "王销售-ours"),
    ],
)
def test_only_compliance_of_our_insurer_opens_the_sales_pages(setting: Setting, path: str, marker: str) -> None:
    cast = setting.cast
    if path == "/products/add/":  # names no row: the other insurer's compliance adds their own products there
        cast = _with_their_handler(setting)
    assert_matrix(cast, page_shows(setting, SALES + path, marker), ONLY_WITH_THE_ROLE)


def test_only_compliance_of_our_insurer_opens_a_row(setting: Setting) -> None:
    for path, marker in [
        (f"/products/{setting.product.pk}/", "福寿终身寿险-ours"),
        (f"/materials/{setting.material.pk}/", "宣传页-ours"),
        (f"/salespeople/{setting.seller.pk}/", "王销售-ours"),
    ]:
        assert_matrix(setting.cast, page_shows(setting, SALES + path, marker), ONLY_WITH_THE_ROLE)


def test_the_material_file_is_served_only_to_compliance_of_our_insurer(
    setting: Setting, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    material = make_material(
        setting.registrant, setting.product, text="", file_name="单页.pdf", content=SimpleUploadedFile("单页.pdf", PDF)
    )

    def attempt(actor: Actor) -> bool:
        response = setting.client_of(actor).get(f"{SALES}/materials/{material.pk}/file/")
        return response.status_code == 200 and b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]

    assert_matrix(setting.cast, attempt, ONLY_WITH_THE_ROLE)


def test_the_sales_link_is_shown_only_to_those_who_may_open_the_pages(setting: Setting) -> None:
    link = f'href="{SALES}/keeping/"'
    assert link in setting.client_of(setting.cast.staff_with_role).get("/workbench/").content.decode()
    assert link not in setting.client_of(setting.cast.staff_without_role).get("/workbench/").content.decode()
    assert setting.client_of(setting.cast.staff_without_role).get(f"{SALES}/keeping/").status_code == 404
    keeping = setting.client_of(setting.cast.staff_with_role).get(f"{SALES}/keeping/")
    assert keeping["Location"] == f"{SALES}/products/"


# --- products ---


def test_a_product_is_added_by_compliance_only_with_its_tier_decided(setting: Setting) -> None:
    codes = iter(f"new-{n}" for n in range(10))

    def add(actor: Actor) -> bool:
        code = next(codes)
        return post_changes(setting, f"{SALES}/products/add/", _product_form(**{"product-code": code}))(actor)

    assert_matrix(_with_their_handler(setting), add, ONLY_WITH_THE_ROLE)
    (added,) = Product.objects.filter(code__startswith="new-")
    assert (added.insurer_id, added.tier) == (setting.world.ours.insurer.pk, 2)


def test_another_insurers_compliance_adds_products_to_their_own_insurer_only(setting: Setting) -> None:
    theirs = setting.client_of(setting.cast.other_insurer_staff)
    assert theirs.post(f"{SALES}/products/add/", _product_form(**{"product-code": "theirs-new"})).status_code == 302
    assert Product.objects.get(code="theirs-new").insurer_id == setting.world.theirs.insurer.pk


def test_a_product_is_changed_by_compliance_only_and_audited(setting: Setting) -> None:
    url = f"{SALES}/products/{setting.product.pk}/"
    form = _product_form(**{"product-name": "福寿终身寿险（2026 版）", "product-investment_linked": "on"})
    assert_matrix(setting.cast, post_changes(setting, url, form), ONLY_WITH_THE_ROLE)
    setting.product.refresh_from_db()
    assert (setting.product.name, setting.product.tier, setting.product.code) == (
        "福寿终身寿险（2026 版）",
        3,
        "fushou",
    )
    event = AuditEvent.objects.get(event_type="sales.product_changed")
    assert event.new_values["tier"] == 3


def test_a_rejected_product_keeps_what_was_typed(setting: Setting) -> None:
    compliance = setting.client_of(setting.cast.staff_with_role)
    form = _product_form(**{"product-register_url": "not an address", "product-name": "一个新产品"})
    response = compliance.post(f"{SALES}/products/add/", form)
    page = response.content.decode()
    assert response.status_code == 400
    assert "error-summary" in page
    assert 'value="一个新产品"' in page
    assert not Product.objects.filter(name="一个新产品").exists()


def test_a_product_code_already_used_is_refused_on_the_form(setting: Setting) -> None:
    compliance = setting.client_of(setting.cast.staff_with_role)
    response = compliance.post(f"{SALES}/products/add/", _product_form(**{"product-code": "fushou"}))
    assert response.status_code == 400
    assert Product.objects.filter(code="fushou").count() == 1


def test_a_product_sent_twice_is_added_once(setting: Setting) -> None:
    compliance = setting.client_of(setting.cast.staff_with_role)
    form = {**_product_form(), "token": "same-form"}
    assert compliance.post(f"{SALES}/products/add/", form).status_code == 302
    assert compliance.post(f"{SALES}/products/add/", form).status_code == 302
    assert Product.objects.filter(code="kangjian").count() == 1
    assert AuditEvent.objects.filter(event_type="sales.product_published", new_values__code="kangjian").count() == 1


# --- sales material ---


def test_material_is_registered_by_compliance_only(setting: Setting) -> None:
    titles = iter(f"新单页-{n}" for n in range(10))

    def register(actor: Actor) -> bool:
        data = {
            "material-product": str(setting.product.pk),
            "material-kind": "script",
            "material-title": next(titles),
            "material-text": "本产品为保险产品。",
        }
        return post_changes(setting, f"{SALES}/materials/register/", data)(actor)

    assert_matrix(setting.cast, register, ONLY_WITH_THE_ROLE)
    (made,) = SalesMaterial.objects.filter(title__startswith="新单页-")
    assert (made.state, made.registered_by_id) == ("draft", setting.cast.staff_with_role.staff_id)


def test_material_for_another_insurers_product_is_refused(setting: Setting) -> None:
    theirs = make_product(setting.world.theirs.insurer, code="theirs")
    compliance = setting.client_of(setting.cast.staff_with_role)
    data = {
        "material-product": str(theirs.pk),
        "material-kind": "script",
        "material-title": "偷渡",
        "material-text": "x",
    }
    response = compliance.post(f"{SALES}/materials/register/", data)
    assert response.status_code == 400
    assert 'value="偷渡"' in response.content.decode()
    assert not SalesMaterial.objects.filter(title="偷渡").exists()


def test_material_sent_twice_is_registered_once(setting: Setting) -> None:
    compliance = setting.client_of(setting.cast.staff_with_role)
    data = {
        "material-product": str(setting.product.pk),
        "material-kind": "leaflet",
        "material-title": "双击",
        "material-text": "本产品为保险产品。",
        "token": "one-form",
    }
    assert compliance.post(f"{SALES}/materials/register/", data).status_code == 302
    assert compliance.post(f"{SALES}/materials/register/", data).status_code == 302
    assert SalesMaterial.objects.filter(title="双击").count() == 1


def test_material_is_approved_by_compliance_of_our_insurer_only(setting: Setting) -> None:
    def approve(actor: Actor, material: SalesMaterial) -> bool:
        return post_changes(setting, f"{SALES}/materials/{material.pk}/approve/", {})(actor)

    assert_matrix(
        setting.cast,
        approve,
        ONLY_WITH_THE_ROLE,
        given=lambda: make_material(setting.registrant, setting.product),
    )


def test_the_registrant_is_told_someone_else_must_approve(setting: Setting) -> None:
    registrant = Client()
    registrant.force_login(get_user_model().objects.get(pk=setting.registrant.user_id))
    page = registrant.get(f"{SALES}/materials/{setting.material.pk}/").content.decode()
    assert "/approve/" not in page
    response = registrant.post(f"{SALES}/materials/{setting.material.pk}/approve/")
    assert response.status_code == 400
    assert SalesMaterial.objects.get(pk=setting.material.pk).state == "draft"
    assert not AuditEvent.objects.filter(event_type="sales.material_approved").exists()


def test_a_rejection_without_a_reason_keeps_the_material_waiting(setting: Setting) -> None:
    compliance = setting.client_of(setting.cast.staff_with_role)
    response = compliance.post(f"{SALES}/materials/{setting.material.pk}/reject/", {"reject-reason": ""})
    assert response.status_code == 400
    assert SalesMaterial.objects.get(pk=setting.material.pk).state == "draft"
    done = compliance.post(f"{SALES}/materials/{setting.material.pk}/reject/", {"reject-reason": "收益描述超出条款"})
    assert done.status_code == 302
    assert SalesMaterial.objects.get(pk=setting.material.pk).state == "rejected"


def test_material_is_withdrawn_by_compliance_of_our_insurer_only(setting: Setting) -> None:
    approver = setting.world.ours.staff(Role.COMPLIANCE_OFFICER)[1]

    def withdraw(actor: Actor, material: SalesMaterial) -> bool:
        url = f"{SALES}/materials/{material.pk}/withdraw/"
        return post_changes(setting, url, {"withdraw-reason": "条款已修订"})(actor)

    def approved() -> SalesMaterial:
        material = make_material(setting.registrant, setting.product)
        return material_approve(actor=approver, material_id=material.pk)

    assert_matrix(setting.cast, withdraw, ONLY_WITH_THE_ROLE, given=approved)


def test_the_material_page_says_it_is_insurance_and_links_the_register(setting: Setting) -> None:
    page = setting.client_of(setting.cast.staff_with_role).get(f"{SALES}/materials/{setting.material.pk}/")
    text = page.content.decode()
    assert "这是保险产品。" in text
    assert setting.product.register_number in text
    assert setting.product.register_url in text


def test_the_approvals_page_lists_material_someone_else_registered(setting: Setting) -> None:
    page = setting.client_of(setting.cast.staff_with_role).get("/workbench/approvals/").content.decode()
    assert f"{SALES}/materials/{setting.material.pk}/" in page
    registrant = Client()
    registrant.force_login(get_user_model().objects.get(pk=setting.registrant.user_id))
    assert f"{SALES}/materials/{setting.material.pk}/" not in registrant.get("/workbench/approvals/").content.decode()


# --- salespeople ---


def test_a_salesperson_is_added_by_compliance_only(setting: Setting) -> None:
    numbers = iter(range(500, 520))

    def add(actor: Actor) -> bool:
        data = {
            "seller-name": "赵销售",
            "seller-practice_number": str(next(numbers)),
            "seller-grade": "2",
            "seller-active": "on",
        }
        return post_changes(setting, f"{SALES}/salespeople/add/", data)(actor)

    assert_matrix(_with_their_handler(setting), add, ONLY_WITH_THE_ROLE)
    assert Salesperson.objects.filter(name="赵销售", insurer=setting.world.ours.insurer).count() == 1


def test_an_agents_salesperson_names_one_of_our_agents_only(setting: Setting) -> None:
    compliance = setting.client_of(setting.cast.staff_with_role)
    theirs = setting.world.theirs.partner(Partner.AGENT)
    ours = setting.world.ours.partner(Partner.AGENT)
    data = {"seller-name": "代理人甲", "seller-practice_number": "AG-1", "seller-grade": "1", "seller-active": "on"}
    refused = compliance.post(f"{SALES}/salespeople/add/", {**data, "seller-partner": str(theirs.pk)})
    assert refused.status_code == 400
    assert 'value="代理人甲"' in refused.content.decode()
    assert compliance.post(f"{SALES}/salespeople/add/", {**data, "seller-partner": str(ours.pk)}).status_code == 302
    assert Salesperson.objects.get(practice_number="AG-1").partner_id == ours.pk


def test_a_salesperson_sent_twice_is_added_once(setting: Setting) -> None:
    compliance = setting.client_of(setting.cast.staff_with_role)
    data = {"seller-name": "钱销售", "seller-practice_number": "T-1", "seller-grade": "1", "token": "once"}
    assert compliance.post(f"{SALES}/salespeople/add/", data).status_code == 302
    assert compliance.post(f"{SALES}/salespeople/add/", data).status_code == 302
    assert Salesperson.objects.filter(practice_number="T-1").count() == 1


def test_a_salespersons_grade_is_changed_by_compliance_only(setting: Setting) -> None:
    grades = iter(["2", "3", "2", "3", "2"])

    def change(actor: Actor) -> bool:
        data = {
            "seller-name": "王销售-ours",
            "seller-practice_number": "0001",
            "seller-grade": next(grades),
            "seller-active": "on",
        }
        return post_changes(setting, f"{SALES}/salespeople/{setting.seller.pk}/", data)(actor)

    assert_matrix(setting.cast, change, ONLY_WITH_THE_ROLE)
    assert AuditEvent.objects.filter(event_type="sales.salesperson_changed").count() == 1


def test_material_awaiting_approval_is_listed_first(setting: Setting) -> None:
    approver = setting.world.ours.staff(Role.COMPLIANCE_OFFICER)[1]
    approved = make_material(setting.registrant, setting.product, title="已批准的单页")
    material_approve(actor=approver, material_id=approved.pk)
    later = make_material(setting.registrant, setting.product, title="较晚的单页")
    material_approve(actor=approver, material_id=later.pk)
    page = setting.client_of(setting.cast.staff_with_role).get(f"{SALES}/materials/").content.decode()
    assert page.index("宣传页-ours") < page.index("较晚的单页") < page.index("已批准的单页")
