"""/workbench/breaches/ (issue #19 item 5): who may open, see and move an incident — every page and every POST
tried by anonymous, a consumer, the other insurer's compliance officer, staff without the role and compliance —
what a refusal leaves (nothing), what a rejected form keeps, and that the affected list is masked."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from tests.breaches.conftest import END, START, open_incident
from tests.conftest import World
from tests.support.clock import SettableClock
from tests.support.matrix import consumer_with_account, row_counts
from xiaobao.breaches.actions import incident_assess, incident_notify, incident_report
from xiaobao.breaches.domain.incidents import SourceKind
from xiaobao.breaches.models import AffectedConsumer, Incident
from xiaobao.kernel.actors import Actor, Role
from xiaobao.privacy.actions import personal_data_reveal

pytestmark = pytest.mark.django_db

WHO = ("anonymous", "consumer", "other_insurer_compliance", "staff_without_role", "compliance")


@dataclass
class Stage:
    officer: Actor
    staff_id: int
    consumer_name: str
    consumer_phone: str
    by_state: dict[str, Incident]


@pytest.fixture
def stage(world: World, clock: SettableClock) -> Stage:
    """An incident in each state but closed: one consumer's phone revealed in the window by a handler."""
    _, officer = world.ours.staff(Role.COMPLIANCE_OFFICER)
    _, handler = world.ours.staff(Role.HANDLER)
    consumer = world.ours.consumer(name="欧阳娜娜", phone="13700001111")
    clock.moment = START
    personal_data_reveal(actor=handler, consumer_id=consumer.pk, field="phone", reason="回电核实投诉细节")
    clock.moment = END + timedelta(days=1)
    by_state = {}
    steps: list[Callable[..., object]] = [incident_assess, incident_notify, incident_report]
    for state, done in zip(["open", "assessed", "notified", "reported"], range(4), strict=True):
        incident = open_incident(officer, kind=SourceKind.STAFF, source_id=handler.staff_id, types={"phone"})
        for step in steps[:done]:
            step(actor=officer, incident_id=incident.pk)
        by_state[state] = incident
    assert handler.staff_id is not None
    return Stage(officer, handler.staff_id, "欧阳娜娜", "13700001111", by_state)


def browser(world: World, who: str) -> Client:
    client = Client()
    if who == "anonymous":
        return client
    if who == "consumer":
        client.force_login(consumer_with_account(world.ours.insurer.pk))
        return client
    tenant, roles = {
        "other_insurer_compliance": (world.theirs, (Role.COMPLIANCE_OFFICER,)),
        "staff_without_role": (world.ours, (Role.HANDLER, Role.SUPERVISOR, Role.AUDITOR, Role.ADMINISTRATOR)),
        "compliance": (world.ours, (Role.COMPLIANCE_OFFICER,)),
    }[who]
    staff, _ = tenant.staff(*roles)
    client.force_login(staff.user)
    return client


def opening_form(staff_id: int) -> dict[str, object]:
    return {
        "summary": "客服账号被盗用，期间查看了客户手机号",
        "discovered_at": "2026-03-12T20:00:00",
        "window_start": "2026-03-10T09:00:00",
        "window_end": "2026-03-12T18:00:00",
        "source": f"staff:{staff_id}",
        "data_types": ["phone"],
        "cause": "员工账号密码泄露后被他人登录",
        "harm": "可能收到冒充保险公司的诈骗电话",
        "remediation": "已停用该账号，重置全部密码",
        "consumer_steps": "警惕自称保险公司的来电",
        "contact": "个人信息保护专线 400-000-9501",
    }


def attempts(stage: Stage) -> list[tuple[str, str, dict[str, object] | None]]:
    """Every page and POST of breach response: (method, path, form)."""
    s = stage.by_state
    return [
        ("get", "/workbench/breaches/", None),
        ("get", "/workbench/breaches/open/", None),
        ("post", "/workbench/breaches/open/", opening_form(stage.staff_id)),
        ("get", f"/workbench/breaches/{s['notified'].pk}/", None),
        ("get", f"/workbench/breaches/{s['notified'].pk}/report.pdf", None),
        ("post", f"/workbench/breaches/{s['open'].pk}/assess/", {}),
        ("post", f"/workbench/breaches/{s['assessed'].pk}/notify/", {}),
        ("post", f"/workbench/breaches/{s['notified'].pk}/report/", {}),
        ("post", f"/workbench/breaches/{s['reported'].pk}/close/", {}),
    ]


@pytest.mark.parametrize("who", WHO)
def test_every_page_and_post_is_for_compliance_of_the_insurer_only_and_a_refusal_changes_nothing(
    world: World, stage: Stage, who: str
) -> None:
    client = browser(world, who)
    answers = []
    for method, path, form in attempts(stage):
        before = row_counts()
        answer = getattr(client, method)(path, form) if form is not None else getattr(client, method)(path)
        answers.append(answer.status_code)
        if who != "compliance":
            assert row_counts() == before, f"{who} {method} {path} left rows behind"
            if who == "anonymous":
                assert answer["Location"].startswith("/accounts/login/")
    refused = {"anonymous": 302}.get(who, 404)
    expected = {
        "compliance": [200, 200, 302, 200, 200, 302, 302, 302, 302],
        # their own (empty) list and form; our staff member is no source they may name; our incidents: not found
        "other_insurer_compliance": [200, 200, 400, 404, 404, 404, 404, 404, 404],
    }.get(who, [refused] * 9)
    assert answers == expected


def test_the_other_insurers_compliance_sees_none_of_our_incidents(world: World, stage: Stage) -> None:
    page = browser(world, "other_insurer_compliance").get("/workbench/breaches/").content.decode()
    assert all(str(incident.reference) not in page for incident in stage.by_state.values())


def test_the_affected_list_is_masked(world: World, stage: Stage) -> None:
    page = browser(world, "compliance").get(f"/workbench/breaches/{stage.by_state['notified'].pk}/").content.decode()
    assert "欧**娜" in page
    assert "137****1111" in page
    assert stage.consumer_name not in page
    assert stage.consumer_phone not in page


def test_the_report_pdf_is_a_pdf_of_the_incident(world: World, stage: Stage) -> None:
    answer = browser(world, "compliance").get(f"/workbench/breaches/{stage.by_state['notified'].pk}/report.pdf")
    assert answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    assert f"{stage.by_state['notified'].reference}.pdf" in answer["Content-Disposition"]


def test_a_step_out_of_order_is_refused_with_a_message_and_changes_nothing(world: World, stage: Stage) -> None:
    incident = stage.by_state["open"]
    client = browser(world, "compliance")
    before = row_counts()
    answer = client.post(f"/workbench/breaches/{incident.pk}/report/")
    assert answer.status_code == 400
    assert 'role="alert"' in answer.content.decode()
    assert row_counts() == before


def test_an_unknown_step_is_not_found(world: World, stage: Stage) -> None:
    assert (
        browser(world, "compliance").post(f"/workbench/breaches/{stage.by_state['open'].pk}/erase/").status_code == 404
    )


def test_a_rejected_opening_keeps_what_was_typed_and_says_what_to_fix(world: World, stage: Stage) -> None:
    form = opening_form(stage.staff_id) | {"window_end": "2026-03-09T09:00:00"}  # ends before it begins
    before = Incident.objects.count()
    answer = browser(world, "compliance").post("/workbench/breaches/open/", form)
    page = answer.content.decode()
    assert answer.status_code == 400
    assert "客服账号被盗用，期间查看了客户手机号" in page
    assert "个人信息保护专线 400-000-9501" in page
    assert re.search(r'value="phone"[^>]*checked', page)
    with translation.override("zh-hans"):
        assert gettext("The window of exposure must end after it begins.") in page
    assert Incident.objects.count() == before


def test_a_source_of_the_other_insurer_is_refused(world: World, stage: Stage) -> None:
    theirs, _ = world.theirs.staff(Role.HANDLER)
    before = Incident.objects.count()
    answer = browser(world, "compliance").post("/workbench/breaches/open/", opening_form(theirs.pk))
    assert answer.status_code == 400
    assert Incident.objects.count() == before


def test_compliance_opens_assesses_and_notifies_from_the_pages(world: World, stage: Stage) -> None:
    client = browser(world, "compliance")
    answer = client.post("/workbench/breaches/open/", opening_form(stage.staff_id))
    incident = Incident.objects.order_by("-pk").first()
    assert incident is not None
    assert answer["Location"] == f"/workbench/breaches/{incident.pk}/"
    assert (incident.window_start, incident.window_end) == (START, END)  # typed as Beijing time
    client.post(f"/workbench/breaches/{incident.pk}/assess/")
    client.post(f"/workbench/breaches/{incident.pk}/notify/")
    client.post(f"/workbench/breaches/{incident.pk}/notify/")
    incident.refresh_from_db()
    assert incident.state == "notified"
    assert AffectedConsumer.objects.filter(incident=incident).count() == 1
    assert incident.notices.count() == 1
