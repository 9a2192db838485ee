"""Consumer pages kept rendered while what they show is unchanged.

A tracking page is drawn from one complaint and its audit timeline. Every change to a
complaint is an audit event, so the length of its chain is the page's version: the page is
kept under (complaint, version, language, elder mode, today, address) and drawn again as
soon as any of them differs. Each person's CSRF token is put in when the page is served,
never kept. Pages hold personal data, so they live only in the web process's own memory
(the ``pages`` cache, see settings) for a few minutes, and pages with a one-time message or
a form to show again are never kept.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from xiaobao.ops import clock
from xiaobao.web.context import elder_size

# Stands in for the CSRF token while the page is drawn; replaced on every serving.
TOKEN_SLOT = "xb-csrf-slot-9c1e0b7d"  # noqa: S105  (a placeholder, not a secret)


def served(
    request: HttpRequest, *, kind: str, pk: int, version: int | None, draw: Callable[[dict[str, str]], HttpResponse]
) -> HttpResponse:
    """The kept page when current, else ``draw`` it (given the context to add) and keep it."""
    seconds = settings.XIAOBAO_PAGE_CACHE_SECONDS
    if not seconds or version is None or len(get_messages(request)):
        return draw({})
    key = ":".join(
        str(part)
        for part in (
            kind,
            pk,
            version,
            get_language(),
            elder_size(request),
            clock.today(),
            request.get_full_path(),
        )
    )
    pages = caches["pages"]
    body = pages.get(key)
    if body is None:
        response = draw({"csrf_token": TOKEN_SLOT})
        if response.status_code != 200 or response.streaming:
            return response
        body = response.content.decode()
        pages.set(key, body, timeout=seconds)
    return HttpResponse(body.replace(TOKEN_SLOT, get_token(request)))
