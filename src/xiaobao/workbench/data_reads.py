"""Who read personal data, for the insurer's compliance staff (PI-4, SEC-2): every reveal by its staff and every
read by its partners, newest first — of their own insurer only (``privacy.access``)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from xiaobao.identity.domain.permissions import Permission, staff_may
from xiaobao.kernel.actors import Actor
from xiaobao.privacy.access import partner_reads_for, personal_data_accesses_for
from xiaobao.privacy.selectors import reads_page
from xiaobao.workbench.staff import staff_only


@staff_only
def data_reads(request: HttpRequest, actor: Actor) -> HttpResponse:
    if not staff_may(actor, Permission.VIEW_PERSONAL_DATA_LOG):
        raise Http404
    page, reads = reads_page(
        personal_data_accesses_for(actor), partner_reads_for(actor), request.GET.get("page"), for_compliance=True
    )
    return render(request, "workbench/data_reads.html", {"actor": actor, "page": page, "reads": reads})
