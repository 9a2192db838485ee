"""Tracking pages kept rendered while unchanged: any recorded change, another day, language or elder mode
draws the page again; each browser gets its own CSRF token; one-time messages and retyped forms are never kept."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.portal.conftest import Filer, filed_and_opened
from tests.support.clock import SettableClock
from xiaobao.complaints import actions
from xiaobao.kernel.actors import SYSTEM
from xiaobao.portal.page_cache import TOKEN_SLOT

pytestmark = pytest.mark.django_db


def _queries(client: Client, path: str) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        page = client.get(path).content.decode()
    return page, [q["sql"] for q in captured.captured_queries]


def test_a_second_view_is_served_kept_and_any_recorded_change_draws_it_again(filer: Filer) -> None:
    complaint, _ = filed_and_opened(filer)
    path = f"/track/{complaint.reference}/"
    first, drawn = _queries(filer.client, path)
    again, kept = _queries(filer.client, path)
    assert any("audit_auditevent" in sql for sql in drawn)
    assert not any("audit_auditevent" in sql or "complaints_deadline" in sql for sql in kept)
    assert len(kept) < len(drawn)
    assert re.sub(r'value="[^"]{40,}"', "", first) == re.sub(r'value="[^"]{40,}"', "", again)

    actions.complaint_accept(actor=SYSTEM, complaint_id=complaint.pk)
    assert "投诉已受理" in filer.client.get(path).content.decode()


def test_each_browser_gets_its_own_working_csrf_token(filer: Filer) -> None:
    complaint, code = filed_and_opened(filer)
    path = f"/track/{complaint.reference}/"
    filer.client.get(path)  # kept now
    other = Client(enforce_csrf_checks=True)  # a second browser: its own CSRF cookie from the form page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', other.get("/track/").content.decode())
    assert token is not None
    opened = other.post(
        "/track/", {"reference": complaint.reference, "access_code": code, "csrfmiddlewaretoken": token.group(1)}
    )
    assert opened.status_code == 302
    page = other.get(path).content.decode()
    assert TOKEN_SLOT not in page
    mine = re.search(
        r'action="/track/[^"]+/mediation/"[^>]*>\s*<input type="hidden" name="csrfmiddlewaretoken" '
        r'value="([^"]+)"',
        page,
    )
    assert mine is not None
    wanted = other.post(f"{path}mediation/", {"csrfmiddlewaretoken": mine.group(1)})
    assert wanted.status_code == 302
    assert Client(enforce_csrf_checks=True).post(f"{path}mediation/").status_code == 403


def test_the_thank_you_message_is_shown_once_and_not_kept(filer: Filer) -> None:
    complaint, _ = filed_and_opened(filer)
    path = f"/track/{complaint.reference}/"
    filer.client.get(path)
    done = filer.client.post(f"{path}mediation/", follow=True).content.decode()
    assert "谢谢，我们已记录。" in done
    assert "谢谢，我们已记录。" not in filer.client.get(path).content.decode()


def test_another_day_language_or_elder_mode_draws_the_page_again(filer: Filer, clock: SettableClock) -> None:
    complaint, _ = filed_and_opened(filer)
    path = f"/track/{complaint.reference}/"
    days = lambda page: re.search(r"还剩 (\d+) 天", page).group(1)  # type: ignore[union-attr]  # noqa: E731
    today = days(filer.client.get(path).content.decode())
    clock.set("2026-03-03 10:00")
    assert int(days(filer.client.get(path).content.decode())) == int(today) - 1
    filer.client.cookies["django_language"] = "en"
    assert 'lang="en"' in filer.client.get(path).content.decode()
    filer.client.cookies["elder"] = "1"
    assert '<body class="elder">' in filer.client.get(path).content.decode()


def test_turned_off_every_view_is_drawn(filer: Filer, settings: object) -> None:
    settings.XIAOBAO_PAGE_CACHE_SECONDS = 0  # type: ignore[attr-defined]
    complaint, _ = filed_and_opened(filer)
    path = f"/track/{complaint.reference}/"
    filer.client.get(path)
    _, queries = _queries(filer.client, path)
    assert any("audit_auditevent" in sql for sql in queries)
