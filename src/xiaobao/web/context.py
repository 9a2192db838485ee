"""Template context every page needs: whether the elder version is on."""

from __future__ import annotations

from django.http import HttpRequest


def elder_mode(request: HttpRequest) -> dict[str, bool]:
    return {"elder_mode": request.COOKIES.get("elder") == "1"}
