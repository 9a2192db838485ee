"""Who read personal data, for the insurer's compliance staff (PI-4, SEC-2): every reveal by its staff and every
read by its partners, newest first — of their own insurer only (``privacy.access``); and the approval of a
data-sharing agreement from the approvals page, by a compliance officer or administrator who did not record it."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaobao.identity.domain.permissions import Permission, staff_may
from xiaobao.kernel.actors import Actor
from xiaobao.kernel.errors import DomainError, NotFound
from xiaobao.ops.i18n import message_of
from xiaobao.privacy import actions as privacy_actions
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


@require_POST
@staff_only
def agreement_approve(request: HttpRequest, actor: Actor, agreement_id: int) -> HttpResponse:
    try:
        privacy_actions.agreement_approve(actor=actor, agreement_id=agreement_id)
    except NotFound:
        raise Http404 from None
    except DomainError as refused:
        messages.error(request, message_of(refused))
    else:
        messages.success(request, _("Agreement approved: it releases data from its first day."))
    return HttpResponseRedirect(reverse("workbench:approvals"))
