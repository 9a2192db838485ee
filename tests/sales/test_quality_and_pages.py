"""Quality checks of recorded sales (SAL-R2), disputes and retention (SAL-R3), and the pages: compliance's queue
and replay, the seller's own sales, the buyer's own purchases, the complaint's link to its sale."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.conftest import World
from tests.support.clock import SHANGHAI, SettableClock
from tests.support.desk import Desk
from tests.support.matrix import Cast, assert_matrix
from tests.support.sale_sessions import PAGE, VIDEO, make_shop, recorded_sale, start_sale
from xiaobao.audit.models import AuditEvent
from xiaobao.kernel.actors import Actor, Role
from xiaobao.kernel.errors import InvalidInput
from xiaobao.ops import clock
from xiaobao.sales import actions, selectors
from xiaobao.sales.domain import quality
from xiaobao.sales.domain.retention import KeptBecause
from xiaobao.sales.models import QualityCheck, Sale, SaleDispute, Salesperson, SampleDraw

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def signed_in(actor: Actor) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(get_user_model().objects.get(pk=actor.user_id))
    return client


def draw_today(actor: Actor, seed: str = "seed-1") -> Any:
    today = clock.today()
    return actions.quality_sample_draw(actor=actor, period_start=today, period_end=today, seed=seed)


def test_the_draw_takes_every_high_risk_sale_and_at_least_30_percent_reproducibly(world: World, media: Path) -> None:
    shop = make_shop(world.ours)
    sales = [recorded_sale(shop, buyer_age=62) for _ in range(9)] + [recorded_sale(shop, buyer_age=70)]
    _, compliance = world.ours.staff(Role.COMPLIANCE_OFFICER)
    draw = draw_today(compliance)
    checks = {check.sale.reference: check for check in QualityCheck.objects.filter(draw=draw)}
    assert len(checks) == 3
    assert checks[sales[-1].reference].reason == QualityCheck.Reason.HIGH_RISK
    assert checks[sales[-1].reference].risks == ["buyer_65_or_more"]
    sampled, _ = quality.draw_sample(draw.seed, [s.reference for s in sales], [sales[-1].reference])
    assert set(sampled) == {ref for ref, check in checks.items() if check.reason == QualityCheck.Reason.SAMPLED}
    assert AuditEvent.objects.filter(event_type="sales.quality_sample_drawn").count() == 1


def test_a_sale_already_in_the_queue_is_not_drawn_again(world: World, media: Path) -> None:
    shop = make_shop(world.ours)
    recorded_sale(shop, buyer_age=70)
    _, compliance = world.ours.staff(Role.COMPLIANCE_OFFICER)
    draw_today(compliance)
    with pytest.raises(actions.NothingToDraw):
        draw_today(compliance, seed="seed-2")
    assert (QualityCheck.objects.count(), SampleDraw.objects.count()) == (1, 1)


def test_a_failed_finding_needs_notes_and_a_repeated_finding_is_recorded_once(world: World, media: Path) -> None:
    shop = make_shop(world.ours)
    sale = recorded_sale(shop, buyer_age=70)
    _, compliance = world.ours.staff(Role.COMPLIANCE_OFFICER)
    draw_today(compliance)
    check = QualityCheck.objects.get(sale=sale)
    with pytest.raises(InvalidInput):
        actions.quality_check_record(actor=compliance, check_id=check.pk, finding="failed", notes=" ")
    actions.quality_check_record(actor=compliance, check_id=check.pk, finding="failed", notes="未提示犹豫期")
    actions.quality_check_record(actor=compliance, check_id=check.pk, finding="failed", notes="未提示犹豫期")
    check.refresh_from_db()
    assert (check.finding, check.notes) == ("failed", "未提示犹豫期")
    checked = AuditEvent.objects.filter(event_type="sales.quality_checked", subject_id=str(sale.pk))
    assert checked.count() == 1
    assert checked.get().new_values["chain_intact"] is True


def test_only_compliance_of_the_insurer_records_a_finding(world: World, media: Path) -> None:
    shop = make_shop(world.ours)
    sale = recorded_sale(shop, buyer_age=70)
    _, compliance = world.ours.staff(Role.COMPLIANCE_OFFICER)
    draw_today(compliance)
    check = QualityCheck.objects.get(sale=sale)
    cast = Cast.build(world, Role.COMPLIANCE_OFFICER)
    assert_matrix(
        cast,
        lambda actor: actions.quality_check_record(actor=actor, check_id=check.pk, finding="passed", notes=""),
        allowed={"staff_with_role"},
    )


def test_only_compliance_draws_the_sample(world: World, media: Path) -> None:
    shop = make_shop(world.ours)
    recorded_sale(shop, buyer_age=70)
    cast = Cast.build(world, Role.COMPLIANCE_OFFICER)

    def attempt(actor: Actor) -> bool:
        try:
            return bool(draw_today(actor).checks.exists())
        except actions.NothingToDraw:  # another insurer's compliance: nothing of theirs to draw from
            return False

    assert_matrix(cast, attempt, allowed={"staff_with_role"})


def test_retention_runs_ten_years_from_the_end_and_an_open_dispute_holds_it(world: World, media: Path) -> None:
    shop = make_shop(world.ours, term_months=120)
    sale = recorded_sale(shop)
    kept = selectors.retention_of(sale)
    assert kept.because is KeptBecause.LONG_TERM
    assert kept.keep_until is not None
    assert kept.keep_until.year == sale.completed_at.year + 20
    _, compliance = world.ours.staff(Role.COMPLIANCE_OFFICER)
    dispute = actions.sale_dispute_open(
        actor=compliance, sale_id=sale.pk, kind="mediation", opened_on=date(2026, 7, 1), reference="MED-1"
    )
    assert selectors.retention_of(sale).because is KeptBecause.DISPUTE_OPEN
    with clock.using(SettableClock(datetime(2045, 3, 2, 10, 0, tzinfo=SHANGHAI))):  # ended, recorded the next day
        actions.sale_dispute_end(actor=compliance, dispute_id=dispute.pk, ended_on=date(2045, 3, 1))
    extended = selectors.retention_of(sale)
    assert (extended.keep_until, extended.because) == (date(2047, 3, 1), KeptBecause.DISPUTE_ENDED)


def test_a_complaint_naming_the_sale_keeps_it_until_closed_and_links_its_bundle(desk: Desk, media: Path) -> None:
    shop = make_shop(desk.world.ours)
    sale = recorded_sale(shop)
    complaint = desk.register()
    actions.sale_dispute_open(
        actor=desk.supervisor, sale_id=sale.pk, kind="complaint", complaint_id=complaint.pk, opened_on=clock.today()
    )
    again = actions.sale_dispute_open(
        actor=desk.supervisor, sale_id=sale.pk, kind="complaint", complaint_id=complaint.pk, opened_on=clock.today()
    )
    assert SaleDispute.objects.filter(sale=sale).count() == 1
    assert again.complaint_id == complaint.pk
    assert selectors.has_open_dispute(sale)
    page = signed_in(desk.supervisor).get(f"/workbench/complaints/{complaint.pk}/")
    assert f"/workbench/sales/{sale.pk}/".encode() in page.content


def test_compliance_replays_a_sale_with_its_pages_hashes_and_recording(world: World, media: Path) -> None:
    shop = make_shop(world.ours)
    sale = recorded_sale(shop, buyer_age=70)
    _, compliance = world.ours.staff(Role.COMPLIANCE_OFFICER)
    draw_today(compliance)
    client = signed_in(compliance)
    page = client.get(f"/workbench/sales/{sale.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert hashlib.sha256(PAGE.encode()).hexdigest() in body
    assert f"/workbench/sales/{sale.pk}/shown/1/" in body
    assert "finding-form" in body
    shown = client.get(f"/workbench/sales/{sale.pk}/shown/1/")
    assert shown.content.decode() == PAGE
    assert shown["Content-Security-Policy"].startswith("sandbox")
    recording = sale.recordings.get()
    played = client.get(f"/workbench/sales/{sale.pk}/recordings/{recording.pk}/")
    assert b"".join(played.streaming_content) == VIDEO  # type: ignore[attr-defined]


def test_a_rejected_finding_keeps_what_was_typed(world: World, media: Path) -> None:
    shop = make_shop(world.ours)
    sale = recorded_sale(shop, buyer_age=70)
    _, compliance = world.ours.staff(Role.COMPLIANCE_OFFICER)
    draw_today(compliance)
    answer = signed_in(compliance).post(f"/workbench/sales/{sale.pk}/finding/", {"notes": "录音中断两次"})
    assert answer.status_code == 400
    assert "录音中断两次" in answer.content.decode()
    assert not QualityCheck.objects.exclude(finding="").exists()


def test_a_finding_recorded_from_the_page_returns_to_the_queue(world: World, media: Path) -> None:
    shop = make_shop(world.ours)
    sale = recorded_sale(shop, buyer_age=70)
    _, compliance = world.ours.staff(Role.COMPLIANCE_OFFICER)
    draw_today(compliance)
    client = signed_in(compliance)
    answer = client.post(f"/workbench/sales/{sale.pk}/finding/", {"finding": "passed", "notes": ""})
    assert answer["Location"] == "/workbench/sales/quality/"
    assert QualityCheck.objects.get(sale=sale).finding == "passed"
    assert sale.reference in client.get("/workbench/sales/quality/").content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/workbench/sales/{sale}/",
        "/workbench/sales/{sale}/shown/1/",
        "/workbench/sales/{sale}/recordings/{recording}/",
    ],
)
def test_staff_of_another_insurer_and_staff_without_the_role_cannot_open_sale_pages(
    world: World, media: Path, path: str
) -> None:
    shop = make_shop(world.ours)
    sale = recorded_sale(shop, buyer_age=70)
    address = path.format(sale=sale.pk, recording=sale.recordings.get().pk)
    _, other = world.theirs.staff(Role.COMPLIANCE_OFFICER)
    _, without = world.ours.staff(Role.ADMINISTRATOR)
    assert signed_in(other).get(address).status_code == 404
    assert signed_in(without).get(address).status_code == 404
    assert Client().get(address).status_code == 302


def test_the_quality_queue_is_compliances_and_shows_only_their_insurers_sales(world: World, media: Path) -> None:
    shop = make_shop(world.ours)
    sale = recorded_sale(shop, buyer_age=70)
    _, compliance = world.ours.staff(Role.COMPLIANCE_OFFICER)
    draw_today(compliance)
    _, other = world.theirs.staff(Role.COMPLIANCE_OFFICER)
    _, without = world.ours.staff(Role.HANDLER)
    assert sale.reference in signed_in(compliance).get("/workbench/sales/quality/").content.decode()
    assert sale.reference not in signed_in(other).get("/workbench/sales/quality/").content.decode()
    assert signed_in(without).get("/workbench/sales/quality/").status_code == 404
    assert Client().get("/workbench/sales/quality/").status_code == 302


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/workbench/sales/{sale}/bundle/", 404),
        ("/workbench/sales/{sale}/finding/", 404),
        ("/workbench/sales/quality/draw/", 400),
    ],
)
def test_posts_from_another_insurer_change_nothing(world: World, media: Path, path: str, status: int) -> None:
    """(Drawing is the other insurer's compliance's own right: there is nothing of theirs to draw, 400.)"""
    shop = make_shop(world.ours)
    sale = recorded_sale(shop, buyer_age=70)
    _, compliance = world.ours.staff(Role.COMPLIANCE_OFFICER)
    draw_today(compliance)
    _, other = world.theirs.staff(Role.COMPLIANCE_OFFICER)
    _, without = world.ours.staff(Role.ADMINISTRATOR)
    before = AuditEvent.objects.count()
    today = clock.today().isoformat()
    body = {"finding": "passed", "period_start": today, "period_end": today}
    assert signed_in(other).post(path.format(sale=sale.pk), body).status_code == status
    assert signed_in(without).post(path.format(sale=sale.pk), body).status_code == 404
    assert AuditEvent.objects.count() == before
    assert SampleDraw.objects.count() == 1
    assert not QualityCheck.objects.exclude(finding="").exists()


def test_a_seller_without_sales_view_sees_only_their_own_sales(world: World, media: Path) -> None:
    """Handlers hold sales.view (complaints about sales); a seller without it sees their own sales alone."""
    shop = make_shop(world.ours)
    partners_sale = start_sale(shop)
    staff, seller = world.ours.staff()
    Salesperson.objects.create(insurer=world.ours.insurer, staff=staff, name="赵", practice_number="PN-S2", grade=3)
    own = actions.sale_start(
        actor=seller,
        start=actions.SaleStart(
            seller_id=staff.salesperson.pk,  # type: ignore[attr-defined]
            product_id=shop.product.pk,
            channel="face_to_face",
            buyer_age=40,
            started_at=partners_sale.started_at,
        ),
    )
    assert [sale.pk for sale in selectors.sales_list(seller)] == [own.pk]
    assert signed_in(seller).get(f"/workbench/sales/{partners_sale.pk}/").status_code == 404


def test_the_buyer_sees_what_they_were_shown_and_their_recordings_hashes(world: World, media: Path) -> None:
    cast = Cast.build(world)
    shop = make_shop(world.ours)
    sale = recorded_sale(shop)
    Sale.objects.filter(pk=sale.pk).update(buyer_id=cast.consumer.consumer_id)
    buyer = signed_in(cast.consumer)
    page = buyer.get("/my/sales/")
    body = page.content.decode()
    assert page.status_code == 200
    assert hashlib.sha256(PAGE.encode()).hexdigest() in body
    assert hashlib.sha256(VIDEO).hexdigest() in body
    assert buyer.get(f"/my/sales/{sale.pk}/shown/1/").content.decode() == PAGE


def test_another_consumer_sees_none_of_it(world: World, media: Path) -> None:
    cast = Cast.build(world)
    shop = make_shop(world.ours)
    sale = recorded_sale(shop)
    stranger = signed_in(cast.consumer)
    assert sale.reference not in stranger.get("/my/sales/").content.decode()
    assert stranger.get(f"/my/sales/{sale.pk}/shown/1/").status_code == 404


def test_the_public_key_is_published(client: Client) -> None:
    answer = client.get("/sales/bundle-key.pem")
    assert answer.status_code == 200
    assert answer.content.startswith(b"-----BEGIN PUBLIC KEY-----")


def test_a_handler_links_a_complaint_to_the_sale_from_the_replay_page(desk: Desk, media: Path) -> None:
    shop = make_shop(desk.world.ours)
    sale = recorded_sale(shop)
    complaint = desk.register()
    client = signed_in(desk.supervisor)
    body = {"kind": "complaint", "reference": complaint.reference, "opened_on": clock.today().isoformat()}
    answer = client.post(f"/workbench/sales/{sale.pk}/disputes/", body)
    client.post(f"/workbench/sales/{sale.pk}/disputes/", body)
    assert answer["Location"] == f"/workbench/sales/{sale.pk}/"
    dispute = SaleDispute.objects.get(sale=sale)
    assert (dispute.complaint_id, dispute.reference) == (complaint.pk, complaint.reference)
    assert f"/workbench/sales/{sale.pk}/".encode() in client.get(f"/workbench/complaints/{complaint.pk}/").content


def test_an_unknown_complaint_reference_is_refused_keeping_what_was_typed(desk: Desk, media: Path) -> None:
    shop = make_shop(desk.world.ours)
    sale = recorded_sale(shop)
    client = signed_in(desk.supervisor)
    answer = client.post(
        f"/workbench/sales/{sale.pk}/disputes/",
        {"kind": "complaint", "reference": "TS-NOPE-1", "opened_on": "2026-07-01"},
    )
    assert answer.status_code == 400
    assert 'value="TS-NOPE-1"' in answer.content.decode()
    assert 'value="2026-07-01"' in answer.content.decode()
    assert not SaleDispute.objects.exists()


def test_another_insurers_staff_cannot_record_a_dispute(world: World, media: Path) -> None:
    shop = make_shop(world.ours)
    sale = recorded_sale(shop)
    _, other = world.theirs.staff(Role.SUPERVISOR)
    answer = signed_in(other).post(
        f"/workbench/sales/{sale.pk}/disputes/", {"kind": "mediation", "reference": "M-1", "opened_on": "2026-07-01"}
    )
    assert answer.status_code == 404
    assert not SaleDispute.objects.exists()


def test_a_staff_seller_finds_their_sales_from_the_workbench_menu(world: World, media: Path) -> None:
    staff, seller = world.ours.staff()
    Salesperson.objects.create(insurer=world.ours.insurer, staff=staff, name="王柜员", practice_number="PN-S9", grade=3)
    shop = make_shop(world.ours)
    mine = actions.sale_start(
        actor=seller,
        start=actions.SaleStart(
            seller_id=staff.salesperson.pk,  # type: ignore[attr-defined]
            product_id=shop.product.pk,
            channel="phone",
            buyer_age=40,
            started_at=clock.now(),
        ),
    )
    client = signed_in(seller)
    assert 'href="/workbench/sales/"' in client.get("/workbench/inbox/").content.decode()
    listed = client.get("/workbench/sales/").content.decode()
    assert mine.reference in listed
    assert client.get(f"/workbench/sales/{mine.pk}/").status_code == 200
