"""The staff seller's way into a sale (issue #16): start a face-to-face sale, the pages shown kept as events, the
recording uploaded as a file, completion refused while it is missing. Only a staff member who may sell and is a
salesperson of our insurer reaches these pages, and only for their own sales; a refusal leaves every table as it
was (``tests.support.matrix``)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.support.matrix import Cast, assert_matrix
from tests.support.sale_sessions import VIDEO
from tests.support.sales import make_product
from tests.support.suitability import CAREFUL
from xiaobao.kernel.actors import Actor, Role
from xiaobao.sales.models import Product, Sale, SaleEvent, SaleRecording, Salesperson

pytestmark = pytest.mark.django_db

ONLY_THE_SELLER = {"staff_with_role"}
BUYER_ID = "110105195803040045"


@dataclass
class Desk:
    cast: Cast
    clients: dict[str, Client]
    product: Product
    seller: Salesperson

    def client_of(self, actor: Actor) -> Client:
        return self.clients.get(str(actor.user_id), Client())

    @property
    def seller_client(self) -> Client:
        return self.client_of(self.cast.staff_with_role)


@pytest.fixture
def desk(world: Any) -> Desk:
    cast = Cast.build(world, Role.HANDLER)
    ours, theirs = world.ours, world.theirs
    seller = Salesperson.objects.create(
        insurer=ours.insurer, staff_id=cast.staff_with_role.staff_id, name="赵销售", practice_number="S-1", grade=3
    )
    Salesperson.objects.create(
        insurer=theirs.insurer,
        staff_id=cast.other_insurer_staff.staff_id,
        name="钱销售",
        practice_number="S-2",
        grade=3,
    )
    clients = {}
    for _name, actor in cast.items():
        if actor.user_id is not None:
            client = Client()
            client.force_login(get_user_model().objects.get(pk=actor.user_id))
            clients[str(actor.user_id)] = client
    product = make_product(ours.insurer, name="福寿终身寿险", term_months=12)
    return Desk(cast, clients, product, seller)


def start_form(desk: Desk, **changes: str) -> dict[str, str]:
    return {
        "product": str(desk.product.pk),
        "channel": "face_to_face",
        "name": "王秀英",
        "resident_id": BUYER_ID,
        "phone": "13900001111",
        "buyer_age": "68",
        "token": "t-1",
        **changes,
    }


def started(desk: Desk) -> Sale:
    response = desk.seller_client.post("/workbench/sales/start/", start_form(desk))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Sale.objects.get()


def test_only_a_seller_of_our_insurer_opens_the_start_page(desk: Desk) -> None:
    def attempt(actor: Actor) -> bool:
        response = desk.client_of(actor).get("/workbench/sales/start/")
        return response.status_code == 200 and "福寿终身寿险" in response.content.decode()

    assert_matrix(desk.cast, attempt, ONLY_THE_SELLER)


def test_the_start_link_is_on_the_sales_list_of_a_seller_only(desk: Desk) -> None:
    assert 'href="/workbench/sales/start/"' in desk.seller_client.get("/workbench/sales/").content.decode()
    other = desk.client_of(desk.cast.staff_without_role).get("/workbench/sales/").content.decode()
    assert 'href="/workbench/sales/start/"' not in other


def test_a_seller_starts_a_sale_for_a_registered_buyer_and_goes_to_the_questions(desk: Desk) -> None:
    response = desk.seller_client.post("/workbench/sales/start/", start_form(desk))
    sale = Sale.objects.get()
    assert response["Location"] == f"/workbench/suitability/{sale.pk}/"
    assert (sale.seller, sale.product, sale.buyer_age, sale.channel) == (desk.seller, desk.product, 68, "face_to_face")
    assert sale.buyer is not None
    assert sale.buyer.name == "王秀英"


def test_a_start_sent_twice_makes_one_sale(desk: Desk) -> None:
    desk.seller_client.post("/workbench/sales/start/", start_form(desk))
    desk.seller_client.post("/workbench/sales/start/", start_form(desk))
    assert Sale.objects.count() == 1


def test_a_product_above_the_sellers_grade_is_not_offered_and_is_refused_keeping_what_was_typed(desk: Desk) -> None:
    hard = make_product(desk.product.insurer, code="touzi", name="投连险", investment_linked=True)
    desk.seller.grade = 2
    desk.seller.save()
    page = desk.seller_client.get("/workbench/sales/start/").content.decode()
    assert "投连险" not in page
    refused = desk.seller_client.post("/workbench/sales/start/", start_form(desk, product=str(hard.pk)))
    assert refused.status_code == 400
    assert "王秀英" in refused.content.decode()
    assert not Sale.objects.exists()


def test_the_questions_page_is_kept_as_a_page_shown_with_its_hash_once(desk: Desk) -> None:
    sale = started(desk)
    desk.seller_client.get(f"/workbench/suitability/{sale.pk}/")
    desk.seller_client.get(f"/workbench/suitability/{sale.pk}/")
    (event,) = SaleEvent.objects.filter(sale=sale)
    assert event.kind == "page_shown"
    assert event.details["url"] == f"/workbench/suitability/{sale.pk}/"
    assert event.content_sha256 == hashlib.sha256(event.content.encode()).hexdigest()
    assert "csrfmiddlewaretoken" not in event.content


def test_completion_is_refused_while_the_recording_is_missing(desk: Desk) -> None:
    sale = started(desk)
    response = desk.seller_client.post(f"/workbench/sales/{sale.pk}/desk/complete/", follow=True)
    sale.refresh_from_db()
    assert sale.completed_at is None
    assert "SAL-R1" in response.content.decode()


def _assess(desk: Desk, sale: Sale) -> None:
    from dataclasses import replace
    from datetime import date

    from tests.support.suitability import questionnaire
    from xiaobao.sales.domain.suitability import ElderCare, Need
    from xiaobao.sales.suitability.actions import sale_assess_suitability

    asked = questionnaire("3000", 5, needs=frozenset({Need.PROTECTION}), risk=CAREFUL, birth_date=date(1958, 3, 4))
    asked = replace(asked, elder_care=tuple(ElderCare), companion_present=True)
    sale_assess_suitability(actor=desk.cast.staff_with_role, sale_id=sale.pk, questionnaire=asked)


def test_the_recording_uploaded_as_a_file_lets_the_sale_complete(desk: Desk, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    sale = started(desk)
    _assess(desk, sale)
    upload = desk.seller_client.post(
        f"/workbench/sales/{sale.pk}/desk/recording/",
        {"file": SimpleUploadedFile("sale.mp4", VIDEO), "media_type": "video/mp4", "duration_seconds": "600"},
    )
    assert upload.status_code == 302
    assert SaleRecording.objects.get(sale=sale).sha256 == hashlib.sha256(VIDEO).hexdigest()
    desk.seller_client.post(f"/workbench/sales/{sale.pk}/desk/complete/")
    sale.refresh_from_db()
    assert sale.completed_at is not None


def test_a_rejected_recording_form_keeps_what_was_typed_and_stores_nothing(desk: Desk) -> None:
    sale = started(desk)
    refused = desk.seller_client.post(
        f"/workbench/sales/{sale.pk}/desk/recording/", {"media_type": "video/mp4", "duration_seconds": "615"}
    )
    assert refused.status_code == 400
    assert 'value="615"' in refused.content.decode()
    assert not SaleRecording.objects.exists()


@pytest.mark.parametrize("path", ["desk/", "desk/complete/", "desk/recording/"])
def test_only_the_sales_own_seller_reaches_its_desk(desk: Desk, path: str) -> None:
    sale = started(desk)

    def attempt(actor: Actor) -> bool:
        client = desk.client_of(actor)
        url = f"/workbench/sales/{sale.pk}/{path}"
        if path == "desk/":
            return client.get(url).status_code == 200
        data = {"media_type": "video/mp4", "duration_seconds": "5", "file": SimpleUploadedFile("a.mp4", VIDEO)}
        response = client.post(url, data if "recording" in path else {})
        return response.status_code == 400 or response.get("Location") == f"/workbench/sales/{sale.pk}/desk/"

    cast = desk.cast
    for name, actor in cast.items():
        if name != "staff_with_role":
            assert attempt(actor) is False, name
    assert Sale.objects.get().completed_at is None
    assert not SaleRecording.objects.exists()


def test_only_a_seller_of_our_insurer_starts_a_sale_and_a_refusal_leaves_nothing(desk: Desk) -> None:
    def attempt(actor: Actor) -> bool:
        response = desk.client_of(actor).post("/workbench/sales/start/", start_form(desk, token=f"t-{actor.kind}"))
        return response.status_code == 302 and Sale.objects.filter(product=desk.product).exists()

    assert_matrix(desk.cast, attempt, ONLY_THE_SELLER)


def test_a_colleague_opening_the_sellers_questions_adds_no_page_shown(desk: Desk, world: Any) -> None:
    sale = started(desk)
    colleague = world.ours.staff(Role.HANDLER)[1]
    client = Client()
    client.force_login(get_user_model().objects.get(pk=colleague.user_id))
    assert client.get(f"/workbench/suitability/{sale.pk}/").status_code == 200
    assert not SaleEvent.objects.filter(sale=sale).exists()
