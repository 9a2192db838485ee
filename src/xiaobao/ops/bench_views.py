"""A bare Django endpoint that inserts one row: the baseline of ``bench/intake.py``.

Mounted only when ``XIAOBAO_BENCH_ENDPOINTS=1``; never in a normal deployment.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from xiaobao.ops.models import LoadProbe


@csrf_exempt
@require_POST
def bare_insert(request: HttpRequest) -> JsonResponse:
    row = LoadProbe.objects.create(note=request.headers.get("Idempotency-Key", "")[:64])
    return JsonResponse({"id": row.pk}, status=201)


def bare_read(request: HttpRequest) -> HttpResponse:
    """The baseline page of ``bench/track.py``: read one row, render a line of HTML."""
    row = LoadProbe.objects.order_by("pk").first()
    return HttpResponse(f"<!DOCTYPE html><title>probe</title><p>{row.pk if row else 0}</p>")
