"""The accessibility check itself: axe-core, as the browser tests run it, finds a violation where there is one."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.e2e.conftest import axe_violations


def test_axe_reports_each_node_of_a_violation(page: Page) -> None:
    page.set_content(
        '<!doctype html><html lang="zh-CN"><head><title>t</title></head><body><main><h1>标题</h1>'
        '<img src="data:," id="first"><img src="data:," id="second"><p>正文</p></main></body></html>'
    )
    violations = {v["id"]: v["nodes"] for v in axe_violations(page)}
    assert violations.get("image-alt") == [["#first"], ["#second"]], violations


def test_axe_reports_nothing_on_a_clean_page(page: Page) -> None:
    page.set_content(
        '<!doctype html><html lang="zh-CN"><head><title>t</title></head><body><main><h1>标题</h1>'
        '<img src="data:," alt="图"><p>正文</p></main></body></html>'
    )
    assert axe_violations(page) == []
