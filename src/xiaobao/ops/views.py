from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from xiaobao.ops.health import health


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 while the database answers (status ok or degraded), 503 when it does not."""
    report, database_ok = health()
    return JsonResponse(report, status=200 if database_ok else 503)
