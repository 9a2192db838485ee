"""Hostile input to the pages and exports of issue #18 (security review): huge and garbled periods, unknown
filters and insurers, and text made to run as a formula in a spreadsheet (``=cmd|' /C calc'!A0``) — each
answered with a clear message in the reader's language or ignored, never a server error, never a formula in a
CSV or XLSX cell."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from tests.conftest import World
from tests.reports.generated import Generated
from xiaobao.audit.models import AuditEvent
from xiaobao.identity.models import Branch, Regulator, Staff
from xiaobao.kernel.actors import Actor, Role
from xiaobao.kernel.spreadsheets import safe_cell
from xiaobao.reports.domain.periods import parse_period

pytestmark = pytest.mark.django_db

GARBLED = [
    "9" * 100_000,
    "2026-Q9",
    "2026-13",
    "0000-Q1",
    "9999-Q4",
    "２０２６-Q3",
    "2026-Q3\x00",
    "2026-Q3' OR '1'='1",
    "-1",
    "../../etc/passwd",
    "<script>alert(1)</script>",
]
FORMULAS = [
    "=cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    " =cmd|' /C calc'!A0",
    '\n=HYPERLINK("http://example.com")',
    "\t=1+1",
    "＝cmd|' /C calc'!A0",
]


def _compliance(client: Client, world: World) -> Client:
    _staff, actor = world.ours.staff(Role.COMPLIANCE_OFFICER)
    client.force_login(Staff.objects.get(pk=actor.staff_id).user)
    return client


@pytest.mark.parametrize("period", GARBLED)
def test_a_garbled_period_shows_the_latest_one_and_says_why(
    client: Client, world: World, generated: Generated, period: str
) -> None:
    page = _compliance(client, world).get(
        "/workbench/reports/", {"granularity": "quarter", "period": period}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert "is not a period" in html
    assert "2026-Q4" in html  # the clock's quarter (tests.reports.generated.NOW), shown instead
    assert "<script>alert(1)</script>" not in html


@pytest.mark.parametrize("period", GARBLED)
def test_a_garbled_period_exports_nothing_and_says_why(
    client: Client, world: World, generated: Generated, period: str
) -> None:
    client = _compliance(client, world)
    answer = client.post(
        "/workbench/reports/export/",
        {"granularity": "quarter", "period": period, "table": "insurer", "format": "csv"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert answer.status_code == 302
    assert not AuditEvent.objects.filter(event_type="reports.exported").exists()
    shown = client.get(answer["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "is not a period" in shown


@pytest.mark.parametrize(
    "query",
    [
        {"granularity": "decade"},
        {"granularity": "quarter", "period": "2026-Q3", "branch": "1 OR 1=1", "sort": "'; DROP TABLE x"},
        {"granularity": "month" * 10_000, "period": "2026-07"},
    ],
)
def test_unknown_filters_are_ignored(client: Client, world: World, generated: Generated, query: dict[str, str]) -> None:
    page = _compliance(client, world).get("/workbench/reports/", query)
    assert page.status_code in {200, 400}
    assert world.theirs.insurer.name not in page.content.decode()


@pytest.mark.parametrize("insurer", ["abc", "-1", "99999999999999999999", "1e3", "1; DROP TABLE x", "０"])
def test_the_regulator_names_an_unknown_insurer(
    client: Client, world: World, generated: Generated, regulator: tuple[Regulator, Actor], insurer: str
) -> None:
    client.force_login(regulator[0].user)
    page = client.get("/regulator/", {"granularity": "quarter", "period": "2026-Q3", "insurer": insurer})
    assert page.status_code in {200, 400}
    answer = client.post(
        "/regulator/export/",
        {"granularity": "quarter", "period": "2026-Q3", "insurer": insurer, "table": "insurer", "format": "csv"},
    )
    assert answer.status_code in {200, 302}


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "2026-13", "x" * 10_000, "2026-02' OR 1=1"])
def test_the_fairness_page_refuses_a_garbled_month(client: Client, world: World, month: str) -> None:
    page = _compliance(client, world).get("/workbench/fairness/", {"month": month})
    assert page.status_code in {200, 400}


def test_the_portal_search_takes_a_huge_query(client: Client, db: None) -> None:
    assert client.get("/learn/", {"q": "退保" * 50_000, "kind": "x" * 1000}).status_code in {200, 400}


@pytest.mark.parametrize("text", FORMULAS)
def test_text_a_spreadsheet_would_run_is_written_as_text(text: str) -> None:
    written = safe_cell(text)
    assert isinstance(written, str)
    assert written.startswith("'")
    assert written[1:] == text
    assert safe_cell("退保手续费") == "退保手续费"
    assert safe_cell(-3) == -3


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_branch_named_as_a_formula_is_exported_as_text(
    client: Client, world: World, generated: Generated, file_format: str
) -> None:
    Branch.objects.filter(pk=world.ours.city.pk).update(name=FORMULAS[0])
    Branch.objects.filter(pk=world.ours.province.pk).update(name=FORMULAS[4])
    answer = _compliance(client, world).post(
        "/workbench/reports/export/",
        {"granularity": "quarter", "period": "2026-Q3", "table": "branch", "format": file_format},
    )
    if file_format == "csv":
        cells = [row[0] for row in csv.reader(io.StringIO(answer.content.decode("utf-8-sig")))]
    else:
        sheet = load_workbook(io.BytesIO(answer.content)).worksheets[0]
        cells = [row[0].value for row in sheet.iter_rows()]
        assert all(row[0].data_type != "f" for row in sheet.iter_rows())
    assert f"'{FORMULAS[0]}" in cells
    assert f"'{FORMULAS[4]}" in cells
    assert not any(isinstance(cell, str) and cell.lstrip().startswith("=") for cell in cells)


def test_the_queue_export_writes_an_investigators_formula_name_as_text(client: Client, desk) -> None:  # type: ignore[no-untyped-def]
    complaint = desk.in_state("assigned")
    Staff.objects.filter(pk=complaint.handler_id).update(display_name=FORMULAS[5])
    client.force_login(Staff.objects.get(pk=desk.supervisor.staff_id).user)
    text = client.post("/workbench/export/", {"format": "csv"}).content.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert f"'{FORMULAS[5]}" in cells


def test_a_period_the_calendar_cannot_hold_is_not_a_period() -> None:
    for text in GARBLED:
        assert parse_period(text) is None, text
