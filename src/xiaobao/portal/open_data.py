"""The complainant's consent to the open complaint data set (issue #18 item 4), from their tracking page:
``POST /track/<reference>/open-data/`` with ``choice=give`` or ``choice=withdraw``.

Who decides is the complainant as the portal knows them — signed in, or their phone checked in this browser
(``portal.session.consumer_actor``) — and the complaint must be theirs (``complaints.access``). A reference, even
with its access code, proves nothing about who is typing: a browser that only opened the case with its code is sent
to check the phone first; a browser that never opened it gets the 404 of a page that is not there.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaobao.complaints import access
from xiaobao.disclosure import actions
from xiaobao.kernel.actors import ANONYMOUS
from xiaobao.kernel.errors import NotFound
from xiaobao.portal.session import consumer_actor, opened_complaints
from xiaobao.portal.sign_in import sign_in_url


@require_POST
def open_data_consent(request: HttpRequest, reference: str) -> HttpResponse:
    actor = consumer_actor(request)
    try:
        key = access.tracked_key(reference, opened=opened_complaints(request), actor=actor or ANONYMOUS)
    except NotFound:
        raise Http404 from None
    page = reverse("portal:tracking", args=[reference])
    choice = request.POST.get("choice", "")
    if choice not in {"give", "withdraw"}:
        raise Http404
    if actor is None:
        messages.info(request, _("To decide about publishing your complaint, check your phone first."))
        return HttpResponseRedirect(sign_in_url(page))
    try:
        if choice == "give":
            actions.open_data_consent_give(actor=actor, complaint_id=key.complaint_id)
        else:
            actions.open_data_consent_withdraw(actor=actor, complaint_id=key.complaint_id)
    except NotFound:
        messages.error(request, _("Only the complainant, with their own phone checked, can decide this."))
        return HttpResponseRedirect(page)
    messages.success(
        request,
        _("Your complaint will be in the next open data publication, without your personal data.")
        if choice == "give"
        else _("Your complaint will be left out of the next open data publication."),
    )
    return HttpResponseRedirect(page + "#open-data")
