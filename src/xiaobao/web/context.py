"""Template context every page needs: whether the elder version is on, and at which size (INC-E1); what a file
field offers to pick."""

from __future__ import annotations

from django.http import HttpRequest

from xiaobao.complaints.domain.files import ACCEPT

ELDER_COOKIE = "elder"
"""The cookie remembering the elder version: ``1`` larger text, ``2`` extra-large text; absent for the standard."""
ELDER_SIZES = {"on": "1", "large": "2"}
"""The switch's choices and the cookie value each keeps."""


def elder_size(request: HttpRequest) -> str:
    """``""`` (standard), ``"on"`` (elder version, larger text) or ``"large"`` (extra-large text)."""
    kept = request.COOKIES.get(ELDER_COOKIE)
    return next((size for size, value in ELDER_SIZES.items() if value == kept), "")


def elder_mode(request: HttpRequest) -> dict[str, object]:
    size = elder_size(request)
    return {"elder_mode": bool(size), "elder_size": size}


def uploads(request: HttpRequest) -> dict[str, str]:
    """``upload_accept``: the ``accept`` of every file field — what the upload checks take, phone photos and the
    camera included (``image/*``)."""
    return {"upload_accept": ACCEPT}
