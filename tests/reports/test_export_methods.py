"""Exports that reveal data are POST forms with a CSRF token (security review of issue #18): the statistics
(CSV/XLSX), the regulator's, an audit chain's timeline and the complaint queue. A GET — a link followed, an
image tag on another site, a prefetch — answers 405 and exports nothing; a POST without the page's token is
refused; the page offers each export as a form carrying the token."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.test import Client

from tests.conftest import World
from tests.reports.generated import Generated
from tests.support.desk import Desk
from xiaobao.audit.models import AuditEvent
from xiaobao.identity.models import Regulator, Staff
from xiaobao.kernel.actors import Actor, Role

pytestmark = pytest.mark.django_db


@dataclass
class Export:
    page: str
    """The page that offers the export."""
    address: str
    data: dict[str, str]
    logged_as: str


def _staff_client(actor: Actor) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(Staff.objects.get(pk=actor.staff_id).user)
    return client


def _token_of_form(html: str, address: str) -> str:
    """The CSRF token of the page's POST form whose action is ``address`` (the test fails when there is none)."""
    forms = re.findall(r"<form\b([^>]*)>(.*?)</form>", html, flags=re.S)
    for attributes, body in forms:
        action = re.search(r'action="([^"]*)"', attributes)
        if action and action.group(1).split("?")[0] == address and re.search(r'method="post"', attributes, re.I):
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
            assert token, f"the form to {address} carries no CSRF token"
            return token.group(1)
    raise AssertionError(f"no POST form to {address} on the page")


def _logged(kind: str) -> int:
    return AuditEvent.objects.filter(event_type=kind).count()


def _check(client: Client, export: Export) -> None:
    # a GET exports nothing
    assert client.get(export.address, export.data).status_code == 405
    assert _logged(export.logged_as) == 0
    # a POST without the page's token is refused
    assert client.post(export.address, export.data).status_code == 403
    assert _logged(export.logged_as) == 0
    # the page offers a POST form with the token, and that form exports once
    page = client.get(export.page)
    assert page.status_code == 200
    token = _token_of_form(page.content.decode(), export.address)
    answer = client.post(export.address, {**export.data, "csrfmiddlewaretoken": token})
    assert answer.status_code == 200
    assert answer["Content-Disposition"].startswith("attachment")
    assert _logged(export.logged_as) == 1


def test_the_statistics_export_is_a_post_with_a_token(world: World, generated: Generated) -> None:
    _staff, compliance = world.ours.staff(Role.COMPLIANCE_OFFICER)
    export = Export(
        page="/workbench/reports/?granularity=quarter&period=2026-Q3",
        address="/workbench/reports/export/",
        data={"granularity": "quarter", "period": "2026-Q3", "table": "reason", "format": "xlsx"},
        logged_as="reports.exported",
    )
    _check(_staff_client(compliance), export)


def test_the_regulators_export_is_a_post_with_a_token(
    world: World, generated: Generated, regulator: tuple[Regulator, Actor]
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(regulator[0].user)
    export = Export(
        page="/regulator/?granularity=quarter&period=2026-Q3",
        address="/regulator/export/",
        data={"granularity": "quarter", "period": "2026-Q3", "table": "insurer", "format": "csv"},
        logged_as="reports.exported",
    )
    _check(client, export)


def test_the_audit_timeline_export_is_a_post_with_a_token(desk: Desk) -> None:
    complaint = desk.in_state("assigned")
    _staff, auditor = desk.world.ours.staff(Role.AUDITOR)
    client = _staff_client(auditor)
    page = client.get("/workbench/audit/")
    token = _token_of_form(page.content.decode(), "/workbench/audit/verify/")
    verified = client.post("/workbench/audit/verify/", {"reference": complaint.reference, "csrfmiddlewaretoken": token})
    assert verified.status_code == 302
    export = Export(
        page=verified["Location"],
        address="/workbench/audit/timeline/",
        data={"reference": complaint.reference, "format": "csv"},
        logged_as="audit.timeline_exported",
    )
    _check(client, export)


def test_the_complaint_queue_export_is_a_post_with_a_token(desk: Desk) -> None:
    desk.register()
    export = Export(
        page="/workbench/",
        address="/workbench/export/",
        data={"format": "csv"},
        logged_as="complaint.queue_exported",
    )
    _check(_staff_client(desk.supervisor), export)
