"""Attacks on every page and export of issue #18 — statistics, the regulator's view, root causes, fairness,
education and the auditor's page (security review). Each is tried by an anonymous visitor, a consumer, staff of
another insurer holding every role, an auditor (who may verify chains but not read statistics, root causes or
education), a handler (who may do none of it; both read cases) and the regulator: each is refused as a page that is not there
(anonymous visitors: the sign-in page), sees none of our rows, and leaves every table as it was."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.http import HttpResponse
from django.test import Client

from tests.conftest import World
from tests.insights.conftest import SURRENDER, WAITING, complaint
from tests.support.clock import SettableClock
from tests.support.education import write_article, write_video
from tests.support.matrix import consumer_with_account, row_counts
from xiaobao.audit import actions as audit_actions
from xiaobao.identity import actions as identity_actions
from xiaobao.insights.actions import action_record, complaints_group
from xiaobao.insights.models import RootCauseGroup
from xiaobao.kernel.actors import ANONYMOUS, SYSTEM, Role
from xiaobao.outreach import actions as outreach_actions
from xiaobao.outreach.actions import PlanDraft

pytestmark = pytest.mark.django_db

OURS = "OURS-ONLY-标记"
"""A word in our plan's, item's and question's texts: no page another insurer opens may show it."""

WHO = ("anonymous", "consumer", "other_insurer", "auditor", "handler", "regulator")


@dataclass(frozen=True)
class Attempt:
    method: str
    path: str
    data: dict[str, str] | None
    area: str
    """``reports``, ``insights``, ``education`` (compliance and managers), ``audit`` (auditors), ``regulator``."""
    names_our_row: bool
    """True when the address or the form names a row of ours: another insurer's staff get a 404; otherwise they
    reach their own (empty) page, which must show nothing of ours."""


@pytest.fixture
def ours(world: World, clock: SettableClock) -> list[Attempt]:
    """A row of every kind of ours, and every attempt on them."""
    for i, text in enumerate([*WAITING, *SURRENDER]):
        complaint(world.ours, world.ours.consumer(), text, clock.moment - timedelta(days=10, hours=i))
    run = complaints_group(actor=SYSTEM, insurer_id=world.ours.insurer.pk)
    group = RootCauseGroup.objects.get(run_id=run.run_id, number=1)
    owner, _ = world.ours.staff(Role.SUPERVISOR)
    _, compliance = world.ours.staff(Role.COMPLIANCE_OFFICER)
    remedy = action_record(
        actor=compliance, group_id=group.pk, what="整改", owner_id=owner.pk, due_on=clock.moment.date() + timedelta(20)
    )
    plan = outreach_actions.plan_create(
        actor=compliance,
        plan=PlanDraft(
            title=f"{OURS} 计划",
            audience="village",
            period_start=clock.moment.date(),
            period_end=clock.moment.date() + timedelta(days=90),
            goals="三个村",
            owner_id=compliance.staff_id or 0,
            planned_events=3,
        ),
    )
    item = write_article(compliance, title=f"{OURS} 文章")
    video = write_video(compliance, title=f"{OURS} video")
    asked = outreach_actions.question_ask(
        actor=ANONYMOUS,
        insurer_id=world.ours.insurer.pk,
        question=f"{OURS} 问题？",
        name="",
        language="zh-hans",
        idempotency_key="attack:q",
        client="192.0.2.9",
    )
    case = complaint(world.ours, world.ours.consumer(), "一件投诉", clock.moment - timedelta(days=3))
    verification = audit_actions.case_verify(actor=compliance, reference=case.reference, idempotency_key="attack:v")
    period = {"granularity": "quarter", "period": "2026-Q1"}
    return [
        Attempt("get", "/workbench/reports/?granularity=quarter&period=2026-Q1", None, "reports", False),
        Attempt(
            "post", "/workbench/reports/export/", {**period, "table": "insurer", "format": "csv"}, "reports", False
        ),
        Attempt(
            "post", "/workbench/reports/export/", {**period, "table": "reason", "format": "xlsx"}, "reports", False
        ),
        Attempt(
            "post",
            "/workbench/reports/denominators/",
            {"period": "2026-Q1", "policies_in_force": "1000", "premium_yuan": "100"},
            "reports",
            False,
        ),
        Attempt("get", "/regulator/?granularity=quarter&period=2026-Q1", None, "regulator", False),
        Attempt("post", "/regulator/export/", {**period, "table": "insurer", "format": "csv"}, "regulator", False),
        Attempt("get", "/workbench/root-causes/", None, "insights", False),
        Attempt("post", "/workbench/root-causes/run/", {}, "insights", False),
        Attempt("get", f"/workbench/root-causes/{group.pk}/", None, "insights", True),
        Attempt(
            "post",
            f"/workbench/root-causes/{group.pk}/actions/",
            {"what": "补充告知", "owner": str(owner.pk), "due_on": "2026-03-30", "token": "t"},
            "insights",
            True,
        ),
        Attempt(
            "post", f"/workbench/root-causes/actions/{remedy.pk}/progress/", {"progress": "已修订"}, "insights", True
        ),
        Attempt("post", f"/workbench/root-causes/actions/{remedy.pk}/complete/", {}, "insights", True),
        Attempt("get", "/workbench/fairness/?month=2026-02", None, "insights", False),
        Attempt("get", "/workbench/education/", None, "education", False),
        Attempt("get", f"/workbench/education/plans/{plan.pk}/", None, "education", True),
        Attempt("get", "/workbench/education/library/", None, "education", False),
        Attempt("get", f"/workbench/education/library/{item.pk}/", None, "education", True),
        Attempt(
            "post",
            f"/workbench/education/library/{item.pk}/text/",
            {"text-language": "en", "text-title": "Changed", "text-body": "Changed."},
            "education",
            True,
        ),
        Attempt("post", f"/workbench/education/library/{item.pk}/publish/", {}, "education", True),
        Attempt(
            "post",
            f"/workbench/education/library/{item.pk}/withdraw/",
            {"withdraw-reason": "内容已经过时，不再适用"},
            "education",
            True,
        ),
        Attempt("get", f"/workbench/education/library/{video.pk}/video/", None, "education", True),
        Attempt("get", "/workbench/education/questions/", None, "education", False),
        Attempt("get", f"/workbench/education/questions/{asked.pk}/", None, "education", True),
        Attempt(
            "post",
            f"/workbench/education/questions/{asked.pk}/",
            {"step": "answer", "answer-answer": "请见条款。"},
            "education",
            True,
        ),
        Attempt("get", "/workbench/audit/", None, "audit", False),
        Attempt("post", "/workbench/audit/verify/", {"reference": case.reference, "token": "a1"}, "audit", True),
        Attempt("post", "/workbench/audit/verify-all/", {"token": "a2"}, "audit", False),
        Attempt("get", f"/workbench/audit/verifications/{verification.pk}/", None, "audit", True),
        Attempt("post", "/workbench/audit/timeline/", {"reference": case.reference, "format": "csv"}, "audit", True),
        Attempt("get", f"/workbench/complaints/{case.pk}/", None, "case", True),
    ]


def _client(world: World, who: str) -> Client:
    client = Client()
    if who == "anonymous":
        return client
    if who == "consumer":
        client.force_login(consumer_with_account(world.ours.insurer.pk))
        return client
    if who == "regulator":
        made = identity_actions.regulator_create(
            actor=SYSTEM, username="regulator-a", display_name="Regulator", password="correct-horse-battery-staple"
        )
        client.force_login(made.user)
        return client
    tenant, roles = {
        "other_insurer": (
            world.theirs,
            (Role.COMPLIANCE_OFFICER, Role.SENIOR_MANAGER, Role.AUDITOR, Role.ADMINISTRATOR, Role.SUPERVISOR),
        ),
        "auditor": (world.ours, (Role.AUDITOR,)),
        "handler": (world.ours, (Role.HANDLER,)),
    }[who]
    staff, _ = tenant.staff(*roles)
    client.force_login(staff.user)
    return client


def _send(client: Client, attempt: Attempt) -> HttpResponse:
    send = getattr(client, attempt.method)
    return send(attempt.path, attempt.data) if attempt.data is not None else send(attempt.path)  # type: ignore[no-any-return]


def _allowed(who: str, attempt: Attempt) -> bool:
    """Who may open what: the regulator their own page alone; an auditor the audit pages and the case (reading
    cases is an auditor's work); another insurer's staff their own pages (but no row of ours)."""
    if who == "regulator":
        return attempt.area == "regulator"
    if who == "auditor":
        return attempt.area in {"audit", "case"}
    if who == "handler":
        return attempt.area == "case"
    if who == "other_insurer":
        return attempt.area not in {"regulator", "case"} and not attempt.names_our_row
    return False


@pytest.mark.parametrize("who", WHO)
def test_every_page_and_export_of_18_refuses_whom_it_must_and_a_refusal_changes_nothing(
    world: World, ours: list[Attempt], who: str
) -> None:
    client = _client(world, who)
    for attempt in ours:
        before = row_counts()
        answer = _send(client, attempt)
        where = f"{who} {attempt.method.upper()} {attempt.path}"
        body = answer.content.decode("utf-8", "replace") if not answer.streaming else ""
        assert OURS not in body, f"{where} showed our data"
        if _allowed(who, attempt):
            assert answer.status_code in {200, 302}, where
            assert not answer.get("Location", "").startswith("/accounts/login/"), where
            continue
        if who == "anonymous":
            assert answer.status_code == 302, where
            assert answer["Location"].startswith("/accounts/login/"), where
        else:
            assert answer.status_code == 404, where
        assert row_counts() == before, f"{where} left rows behind"


def test_our_own_keepers_reach_every_page_and_export(world: World, ours: list[Attempt]) -> None:
    """The attempts above are real: our compliance officer (who is also a senior manager, an auditor) reaches
    each, so a refusal there is a refusal, not a mistyped address."""
    staff, _ = world.ours.staff(Role.COMPLIANCE_OFFICER, Role.SENIOR_MANAGER, Role.AUDITOR, Role.HANDLER)
    client = Client()
    client.force_login(staff.user)
    for attempt in ours:
        if attempt.area == "regulator":
            continue
        answer = _send(client, attempt)
        # publishing the item they wrote is refused by four eyes, on the item's page (400), not as a missing page
        reached = {200, 302, 400} if attempt.path.endswith("/publish/") else {200, 302}
        assert answer.status_code in reached, f"{attempt.method.upper()} {attempt.path}: {answer.status_code}"
        assert not answer.get("Location", "").startswith("/accounts/login/")
