"""Disputes about a sale (SAL-R3): who may record or end one (``sales.access.sales_for_disputes``), and a dispute
tied to a complaint ends with the complaint, not by hand while the complaint is open."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.conftest import World
from tests.support.desk import Desk
from tests.support.matrix import Cast
from tests.support.sale_sessions import make_shop, recorded_sale
from xiaobao.audit.models import AuditEvent
from xiaobao.kernel.actors import Actor, Role
from xiaobao.kernel.errors import InvalidInput, NotFound
from xiaobao.ops import clock
from xiaobao.sales import access, actions, selectors
from xiaobao.sales.actions import DisputeComplaintStillOpen
from xiaobao.sales.models import Sale, SaleDispute, Salesperson

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def signed_in(actor: Actor) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(get_user_model().objects.get(pk=actor.user_id))
    return client


def _dispute_events() -> int:
    return AuditEvent.objects.filter(event_type__in=["sales.dispute_opened", "sales.dispute_ended"]).count()


def test_the_buyer_and_the_selling_agent_read_the_sale_but_cannot_record_a_dispute(world: World, media: Path) -> None:
    cast = Cast.build(world)
    shop = make_shop(world.ours)
    sale = recorded_sale(shop)
    Sale.objects.filter(pk=sale.pk).update(buyer_id=cast.consumer.consumer_id)
    for outsider in (cast.consumer, shop.agent):
        assert access.sale_for(outsider, sale.pk).pk == sale.pk  # they read it
        with pytest.raises(NotFound):
            actions.sale_dispute_open(
                actor=outsider, sale_id=sale.pk, kind="mediation", opened_on=date(2026, 7, 1), reference="M-1"
            )
    assert not SaleDispute.objects.exists()
    assert _dispute_events() == 0


def test_the_buyer_and_the_selling_agent_cannot_end_a_dispute(world: World, media: Path) -> None:
    cast = Cast.build(world)
    shop = make_shop(world.ours)
    sale = recorded_sale(shop)
    Sale.objects.filter(pk=sale.pk).update(buyer_id=cast.consumer.consumer_id)
    _, compliance = world.ours.staff(Role.COMPLIANCE_OFFICER)
    dispute = actions.sale_dispute_open(
        actor=compliance, sale_id=sale.pk, kind="lawsuit", opened_on=date(2026, 7, 1), reference="(2026)沪01民初1号"
    )
    for outsider in (cast.consumer, shop.agent):
        with pytest.raises(NotFound):
            actions.sale_dispute_end(actor=outsider, dispute_id=dispute.pk, ended_on=date(2026, 8, 1))
    dispute.refresh_from_db()
    assert dispute.ended_on is None
    assert selectors.has_open_dispute(sale)


def test_who_may_record_disputes_is_asked_of_the_access_gate(world: World, media: Path) -> None:
    cast = Cast.build(world, Role.COMPLIANCE_OFFICER)
    shop = make_shop(world.ours)
    sale = recorded_sale(shop)
    assert [s.pk for s in access.sales_for_disputes(cast.staff_with_role)] == [sale.pk]
    for name in ("consumer", "other_insurer_staff", "staff_without_role"):
        assert not access.sales_for_disputes(getattr(cast, name)).exists(), name
    assert not access.sales_for_disputes(shop.agent).exists()
    assert access.may_record_sale_disputes(cast.staff_with_role)
    assert not access.may_record_sale_disputes(cast.staff_without_role)
    assert not access.may_record_sale_disputes(shop.agent)


def test_a_dispute_ending_on_another_sales_address_is_not_found(world: World, media: Path) -> None:
    shop = make_shop(world.ours)
    sale, other = recorded_sale(shop), recorded_sale(shop)
    _, compliance = world.ours.staff(Role.COMPLIANCE_OFFICER)
    dispute = actions.sale_dispute_open(
        actor=compliance, sale_id=sale.pk, kind="mediation", opened_on=date(2026, 7, 1), reference="M-1"
    )
    answer = signed_in(compliance).post(
        f"/workbench/sales/{other.pk}/disputes/{dispute.pk}/end/", {"ended_on": "2026-08-01"}
    )
    assert answer.status_code == 404
    dispute.refresh_from_db()
    assert dispute.ended_on is None


def test_a_dispute_tied_to_an_open_complaint_cannot_be_ended_by_hand(desk: Desk, media: Path) -> None:
    shop = make_shop(desk.world.ours)
    sale = recorded_sale(shop)
    complaint = desk.register()
    dispute = actions.sale_dispute_open(
        actor=desk.supervisor, sale_id=sale.pk, kind="complaint", complaint_id=complaint.pk, opened_on=clock.today()
    )
    before = _dispute_events()
    with pytest.raises(DisputeComplaintStillOpen) as refused:
        actions.sale_dispute_end(actor=desk.supervisor, dispute_id=dispute.pk, ended_on=clock.today())
    assert refused.value.code == "dispute_complaint_open"
    dispute.refresh_from_db()
    assert dispute.ended_on is None
    assert selectors.has_open_dispute(sale)
    assert _dispute_events() == before


def test_the_replay_page_says_why_an_open_complaints_dispute_does_not_end(desk: Desk, media: Path) -> None:
    shop = make_shop(desk.world.ours)
    sale = recorded_sale(shop)
    complaint = desk.register()
    dispute = actions.sale_dispute_open(
        actor=desk.supervisor, sale_id=sale.pk, kind="complaint", complaint_id=complaint.pk, opened_on=clock.today()
    )
    answer = signed_in(desk.supervisor).post(
        f"/workbench/sales/{sale.pk}/disputes/{dispute.pk}/end/", {"ended_on": clock.today().isoformat()}
    )
    assert answer.status_code == 400
    assert "still open" in answer.content.decode()
    dispute.refresh_from_db()
    assert dispute.ended_on is None


def test_a_dispute_tied_to_a_closed_complaint_may_be_ended(desk: Desk, media: Path) -> None:
    shop = make_shop(desk.world.ours)
    sale = recorded_sale(shop)
    complaint = desk.in_state("closed")
    dispute = actions.sale_dispute_open(
        actor=desk.supervisor, sale_id=sale.pk, kind="complaint", complaint_id=complaint.pk, opened_on=clock.today()
    )
    ended = actions.sale_dispute_end(actor=desk.supervisor, dispute_id=dispute.pk, ended_on=clock.today())
    assert ended.ended_on == clock.today()


def test_the_replay_page_offers_no_end_for_a_dispute_held_by_an_open_complaint(desk: Desk, media: Path) -> None:
    shop = make_shop(desk.world.ours)
    sale = recorded_sale(shop)
    complaint = desk.register()
    held = actions.sale_dispute_open(
        actor=desk.supervisor, sale_id=sale.pk, kind="complaint", complaint_id=complaint.pk, opened_on=clock.today()
    )
    mediation = actions.sale_dispute_open(
        actor=desk.supervisor, sale_id=sale.pk, kind="mediation", opened_on=clock.today(), reference="M-2"
    )
    body = signed_in(desk.supervisor).get(f"/workbench/sales/{sale.pk}/").content.decode()
    assert f"/disputes/{held.pk}/end/" not in body
    assert "ends when the complaint is closed" in body
    assert f"/disputes/{mediation.pk}/end/" in body


def test_the_staff_member_who_sold_it_neither_records_nor_ends_a_dispute_about_the_sale(
    world: World, media: Path
) -> None:
    """A handler reads sales (and so records disputes), but not about a sale of their own: ending it early would let
    its records go sooner (review finding; before, the seller ended the hold dated back to the day it opened)."""
    shop = make_shop(world.ours)
    sale = recorded_sale(shop)
    staff, seller = world.ours.staff(Role.HANDLER)
    own = Salesperson.objects.create(
        insurer=world.ours.insurer, staff=staff, name="王销售", practice_number="PN-S", grade=3
    )
    Sale.objects.filter(pk=sale.pk).update(seller=own)
    _, compliance = world.ours.staff(Role.COMPLIANCE_OFFICER)
    dispute = actions.sale_dispute_open(
        actor=compliance, sale_id=sale.pk, kind="lawsuit", opened_on=date(2026, 7, 1), reference="(2026)辽01民初9号"
    )
    with pytest.raises(NotFound):
        actions.sale_dispute_end(actor=seller, dispute_id=dispute.pk, ended_on=date(2026, 7, 1))
    with pytest.raises(NotFound):
        actions.sale_dispute_open(
            actor=seller, sale_id=sale.pk, kind="mediation", opened_on=date(2026, 7, 2), reference="M"
        )
    assert not access.may_record_disputes_about(seller, Sale.objects.select_related("seller").get(pk=sale.pk))
    dispute.refresh_from_db()
    assert dispute.ended_on is None
    assert SaleDispute.objects.count() == 1


def test_a_dispute_cannot_end_on_a_day_still_to_come(world: World, media: Path) -> None:
    shop = make_shop(world.ours)
    sale = recorded_sale(shop)
    _, compliance = world.ours.staff(Role.COMPLIANCE_OFFICER)
    dispute = actions.sale_dispute_open(
        actor=compliance, sale_id=sale.pk, kind="mediation", opened_on=clock.today(), reference="M-2"
    )
    with pytest.raises(InvalidInput):
        actions.sale_dispute_end(actor=compliance, dispute_id=dispute.pk, ended_on=clock.today() + timedelta(days=1))
    dispute.refresh_from_db()
    assert dispute.ended_on is None
    assert (
        actions.sale_dispute_end(actor=compliance, dispute_id=dispute.pk, ended_on=clock.today()).ended_on
        == clock.today()
    )
