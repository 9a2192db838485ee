from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from xiaobao.ops.client import from_networks
from xiaobao.ops.health import health


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 while the database answers (status ok or degraded), 503 when it does not.

    The details — workers alive, tasks and receipts waiting, across every insurer — only to a caller on the
    operators' networks (``XIAOBAO_HEALTH_DETAIL_NETWORKS``, the machine itself by default); anyone else gets the
    status alone, which is all a load balancer needs: the platform's volume is no one else's business."""
    report, database_ok = health()
    if not from_networks(request, settings.XIAOBAO_HEALTH_DETAIL_NETWORKS):
        report = {"status": report["status"]}
    return JsonResponse(report, status=200 if database_ok else 503)
