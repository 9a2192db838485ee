"""The API documentation page works under our own Content-Security-Policy: Swagger UI from our static files."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_the_api_documentation_renders_every_operation_from_our_own_files(
    page: Page, live_server: Any, transactional_db: None
) -> None:
    # given the page, watching for anything the browser refuses or fetches from elsewhere
    refused: list[str] = []
    foreign: list[str] = []
    page.on("console", lambda message: refused.append(message.text) if message.type == "error" else None)
    page.on("request", lambda request: None if request.url.startswith(live_server.url) else foreign.append(request.url))
    # when it is opened
    page.goto("/api/docs")
    # then Swagger UI drew the operations of our OpenAPI document, with no CSP refusal and nothing from a CDN
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() > 10
    assert foreign == []
    assert [text for text in refused if "Content Security Policy" in text] == []
