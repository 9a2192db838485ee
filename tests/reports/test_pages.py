"""The statistics pages and exports (CMP-S2): who may open them, what they show, what each export records;
and the regulator, who sees every insurer's counts and never a case or a person."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from openpyxl import load_workbook

from tests.conftest import World
from tests.reports.generated import Generated
from tests.support.world import PASSWORD, make_consumer
from xiaobao.audit.models import AuditEvent
from xiaobao.identity.models import Staff
from xiaobao.kernel.actors import Actor, Role
from xiaobao.reports.models import Denominator

DASHBOARD = "/workbench/reports/?granularity=quarter&period=2026-Q3"
REGULATOR = "/regulator/?granularity=quarter&period=2026-Q3"


def signed_in(client: Client, actor: Actor) -> Client:
    client.force_login(Staff.objects.get(pk=actor.staff_id).user)
    return client


def exports() -> int:
    return AuditEvent.objects.filter(event_type="reports.exported").count()


def test_compliance_sees_the_dashboard_with_charts_and_tables(
    client: Client, world: World, generated: Generated
) -> None:
    _staff, compliance = world.ours.staff(Role.COMPLIANCE_OFFICER)
    page = signed_in(client, compliance).get(DASHBOARD)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('role="img"') >= 9
    assert "<caption" in html
    assert world.ours.insurer.name in html
    assert world.theirs.insurer.name not in html
    assert "theirs" not in html


@pytest.mark.parametrize("roles", [(Role.HANDLER,), (Role.SUPERVISOR,), (Role.AUDITOR,), (Role.ADMINISTRATOR,)])
def test_staff_without_the_permission_get_not_found(client: Client, world: World, roles: tuple[Role, ...]) -> None:
    _staff, actor = world.ours.staff(*roles)
    signed_in(client, actor)
    assert client.get(DASHBOARD).status_code == 404
    assert (
        client.post("/workbench/reports/export/", {"period": "2026-Q3", "table": "reason", "format": "csv"}).status_code
        == 404
    )
    assert exports() == 0


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, db: None) -> None:
    for address in (DASHBOARD, REGULATOR):
        answer = client.get(address)
        assert answer.status_code == 302
        assert answer["Location"].startswith("/accounts/login/")
    answer = client.post("/regulator/export/", {"period": "2026-Q3", "table": "insurer", "format": "csv"})
    assert answer.status_code == 302
    assert answer["Location"].startswith("/accounts/login/")
    assert exports() == 0


def test_a_consumer_gets_not_found(client: Client, world: World) -> None:
    user = get_user_model().objects.create_user(username="consumer-r", password=PASSWORD)
    make_consumer(insurer_ids=[world.ours.insurer.pk])
    from xiaobao.identity.models import Consumer

    Consumer.objects.filter(user__isnull=True).update(user=user)
    client.force_login(user)
    assert client.get(DASHBOARD).status_code == 404
    assert client.get(REGULATOR).status_code == 404
    assert exports() == 0


def test_staff_cannot_open_the_regulators_page(client: Client, world: World) -> None:
    _staff, compliance = world.ours.staff(Role.COMPLIANCE_OFFICER)
    signed_in(client, compliance)
    assert client.get(REGULATOR).status_code == 404
    assert (
        client.post("/regulator/export/", {"period": "2026-Q3", "table": "insurer", "format": "csv"}).status_code == 404
    )


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_each_export_is_recorded_once_in_the_audit_log(
    client: Client, world: World, generated: Generated, file_format: str
) -> None:
    _staff, compliance = world.ours.staff(Role.COMPLIANCE_OFFICER)
    answer = signed_in(client, compliance).post(
        "/workbench/reports/export/",
        {"granularity": "quarter", "period": "2026-Q3", "table": "product_line", "format": f"{file_format}"},
    )
    assert answer.status_code == 200
    assert answer["Content-Disposition"].endswith(f'2026-Q3-product_line.{file_format}"')
    [event] = AuditEvent.objects.filter(event_type="reports.exported")
    assert event.insurer_id == world.ours.insurer.pk
    assert event.new_values["table"] == "product_line"
    assert event.new_values["format"] == file_format


def test_the_xlsx_export_holds_the_tables_figures(client: Client, world: World, generated: Generated) -> None:
    _staff, compliance = world.ours.staff(Role.COMPLIANCE_OFFICER)
    answer = signed_in(client, compliance).post(
        "/workbench/reports/export/",
        {"granularity": "quarter", "period": "2026-Q3", "table": "insurer", "format": "xlsx"},
    )
    sheet = load_workbook(io.BytesIO(answer.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    received = sum(
        1
        for c in generated.complaints
        if c.insurer_id == world.ours.insurer.pk and "2026-07-01" <= c.received_on.isoformat() <= "2026-09-30"
    )
    assert rows[2][0] == world.ours.insurer.name
    assert rows[2][1] == received


def test_an_unknown_table_or_format_exports_nothing(client: Client, world: World, generated: Generated) -> None:
    _staff, compliance = world.ours.staff(Role.COMPLIANCE_OFFICER)
    signed_in(client, compliance)
    assert (
        client.post("/workbench/reports/export/", {"period": "2026-Q3", "table": "names", "format": "csv"}).status_code
        == 302
    )
    assert (
        client.post("/workbench/reports/export/", {"period": "2026-Q3", "table": "reason", "format": "pdf"}).status_code
        == 302
    )
    assert exports() == 0


# ------------------------------------------------------------------------------------------------- the regulator


def test_the_regulator_sees_both_insurers_side_by_side(
    client: Client, world: World, generated: Generated, regulator
) -> None:  # type: ignore[no-untyped-def]
    made, _actor = regulator
    client.force_login(made.user)
    html = client.get(REGULATOR).content.decode()
    assert world.ours.insurer.name in html
    assert world.theirs.insurer.name in html


def test_the_regulator_is_sent_to_their_page_after_signing_in(client: Client, regulator) -> None:  # type: ignore[no-untyped-def]
    made, _actor = regulator
    client.force_login(made.user)
    assert client.get("/after-login/")["Location"] == "/regulator/"


def test_the_regulator_opens_no_case_queue_or_case_endpoint(
    client: Client, world: World, generated: Generated, regulator
) -> None:  # type: ignore[no-untyped-def]
    made, _actor = regulator
    client.force_login(made.user)
    complaint, claim = generated.complaints[0], generated.claims[0]
    for address in (
        "/workbench/",
        f"/workbench/complaints/{complaint.pk}/",
        f"/workbench/claims/{claim.pk}/",
        "/workbench/claims/",
        "/workbench/call-backs/",
        "/workbench/reports/",
        "/workbench/audit/",
    ):
        assert client.get(address).status_code == 404, address
    for address in (f"/api/v1/complaints/{complaint.pk}", f"/api/v1/claims/{claim.pk}"):
        assert client.get(address).status_code in {401, 403, 404}, address
    queue = client.get("/api/v1/complaints")  # the queue's list answers everyone signed in: theirs is empty
    assert queue.status_code in {401, 403, 404} or queue.json() == []


def test_no_personal_data_appears_on_the_regulators_page_or_exports(
    client: Client,
    world: World,
    generated: Generated,
    regulator,  # type: ignore[no-untyped-def]
) -> None:
    made, _actor = regulator
    client.force_login(made.user)
    complainant = generated.complaints[0].complainant
    shown = [client.get(REGULATOR).content.decode()]
    for table in (
        "insurer",
        "branch",
        "region",
        "product_line",
        "reason",
        "channel",
        "group",
        "month",
        "claims",
        "callbacks",
    ):
        answer = client.post(
            "/regulator/export/", {"granularity": "quarter", "period": "2026-Q3", "table": f"{table}", "format": "csv"}
        )
        assert answer.status_code == 200
        shown.append(answer.content.decode("utf-8-sig"))
    text = "\n".join(shown)
    for personal in (complainant.name, complainant.phone, complainant.resident_id, "13912345678", "张三丰"):
        assert personal not in text
    assert not any(c.reference in text for c in generated.complaints)
    assert not any(c.reference in text for c in generated.claims)
    assert exports() == 10
    assert set(AuditEvent.objects.filter(event_type="reports.exported").values_list("insurer_id", flat=True)) == {None}


# ---------------------------------------------------------------------------------------------- the denominators


def test_compliance_records_the_denominators_once(client: Client, world: World) -> None:
    _staff, compliance = world.ours.staff(Role.COMPLIANCE_OFFICER)
    signed_in(client, compliance)
    form = {"period": "2026-Q3", "policies_in_force": "120000", "premium_yuan": "350000000.00"}
    assert client.post("/workbench/reports/denominators/", form).status_code == 302
    assert client.post("/workbench/reports/denominators/", form).status_code == 302  # pressed twice
    [row] = Denominator.objects.all()
    assert (row.insurer_id, row.policies_in_force, row.premium_yuan) == (
        world.ours.insurer.pk,
        120000,
        Decimal("350000000.00"),
    )
    assert AuditEvent.objects.filter(event_type="reports.denominator_recorded").count() == 1


def test_a_rejected_denominator_keeps_what_was_typed(client: Client, world: World) -> None:
    _staff, compliance = world.ours.staff(Role.COMPLIANCE_OFFICER)
    signed_in(client, compliance)
    answer = client.post(
        "/workbench/reports/denominators/", {"period": "2026-Q9", "policies_in_force": "777", "premium_yuan": "5"}
    )
    assert answer.status_code == 400
    assert 'value="777"' in answer.content.decode()
    assert not Denominator.objects.exists()
    assert not AuditEvent.objects.filter(event_type="reports.denominator_recorded").exists()


@pytest.mark.parametrize("roles", [(Role.SENIOR_MANAGER,), (Role.HANDLER,)])
def test_others_may_not_record_denominators(client: Client, world: World, roles: tuple[Role, ...]) -> None:
    _staff, actor = world.ours.staff(*roles)
    signed_in(client, actor)
    form = {"period": "2026-Q3", "policies_in_force": "1", "premium_yuan": "1"}
    assert client.post("/workbench/reports/denominators/", form).status_code == 404
    assert not Denominator.objects.exists()
    assert not AuditEvent.objects.filter(event_type="reports.denominator_recorded").exists()


def test_staff_of_another_insurer_record_only_their_own(client: Client, world: World) -> None:
    _staff, theirs = world.theirs.staff(Role.COMPLIANCE_OFFICER)
    signed_in(client, theirs)
    client.post(
        "/workbench/reports/denominators/", {"period": "2026-Q3", "policies_in_force": "5", "premium_yuan": "5"}
    )
    assert list(Denominator.objects.values_list("insurer_id", flat=True)) == [world.theirs.insurer.pk]
