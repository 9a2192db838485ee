"""Who read my data (PI-4): the signed-in consumer sees every read of their personal data — an insurer's staff
revealing a full value, a partner reading a forwarded complaint — with who (a role or a partner's name), what,
why and when, newest first. Only their own: the rows are those ``privacy.access`` gives this consumer."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from xiaobao.portal.session import consumer_actor, identity_unconfirmed
from xiaobao.portal.sign_in import sign_in_url
from xiaobao.privacy.access import partner_reads_of_consumer, reveals_of_consumer
from xiaobao.privacy.selectors import reads_page


def data_reads(request: HttpRequest) -> HttpResponse:
    actor = consumer_actor(request)
    if actor is None:
        return HttpResponseRedirect(sign_in_url(reverse("portal:data_reads")))
    page, reads = reads_page(reveals_of_consumer(actor), partner_reads_of_consumer(actor), request.GET.get("page"))
    response = render(
        request,
        "portal/data_reads.html",
        {"page": page, "reads": reads, "unconfirmed": identity_unconfirmed(request)},
    )
    response["Cache-Control"] = "no-store"
    return response
