"""Browser tests: Playwright driving Debian's Chromium against the live test server; axe-core from npm."""

from __future__ import annotations

import functools
import json
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.support.browser import AXE
from tests.support.sales import make_product
from tests.support.two_factor import pass_the_code_step
from tests.support.world import make_tenant
from xiaobao.identity.actions import service_point_save
from xiaobao.identity.models import ServicePoint
from xiaobao.kernel.actors import SYSTEM


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A/AA and best-practice rules on the current page (run through CDP, so CSP holds).
    Every rule runs; only the violations are gathered node by node (axe's ``resultTypes``: the passes and the
    rest keep one node each), which halves the time of a run on a long page."""
    if not AXE.exists():
        pytest.fail(f"{AXE} missing: `make test` runs npm ci")
    page.evaluate(_axe_source())
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}, resultTypes: ['violations']})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


@functools.cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def assert_accessible(page: Page) -> None:
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)


def sign_in(page: Page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
    pass_the_code_step(page, username)  # staff sign in with a code from their authenticator too (issue #19)


@pytest.fixture
def insurer_code(transactional_db: None, seeded_calendar: None) -> str:
    tenant = make_tenant("anhe")
    tenant.insurer.complaint_phone = "400-000-9501"
    tenant.insurer.complaint_address = "沈阳市和平区南京北街 1 号"
    tenant.insurer.complaint_email = "complaints@anhe.example"
    tenant.insurer.save()
    make_product(tenant.insurer)
    service_point_save(
        actor=SYSTEM,
        point=ServicePoint(
            insurer=tenant.insurer,
            name="和平区客户服务柜台",
            address="沈阳市和平区南京北街 1 号",
            phone="024-0000-9501",
            hours="周一至周五 8:30–17:00",
            accessibility="无障碍坡道、低位服务台",
            languages="普通话、英语",
        ),
        changed_by="test",
    )
    return tenant.insurer.code
