"""A buyer's own sales (issue #16 item 4; SAL-3): what they were shown, in order, each page as it was shown with
its SHA-256, and their recordings' existence and hashes — only their own (``sales.access``). And the public key
that checks any sale's bundle, for anyone."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from xiaobao.kernel.errors import NotFound
from xiaobao.portal.session import consumer_actor, identity_unconfirmed
from xiaobao.portal.sign_in import sign_in_url
from xiaobao.sales import selectors
from xiaobao.sales.bundle import public_key_pem
from xiaobao.web.sandboxed import sandboxed_html


def my_sales(request: HttpRequest) -> HttpResponse:
    actor = consumer_actor(request)
    if actor is None:
        return HttpResponseRedirect(sign_in_url(reverse("portal:my_sales")))
    replays = [selectors.replay(actor, sale.pk) for sale in selectors.sales_list(actor, limit=50)]
    response = render(
        request, "portal/my_sales.html", {"replays": replays, "unconfirmed": identity_unconfirmed(request)}
    )
    response["Cache-Control"] = "no-store"
    return response


def my_sale_shown(request: HttpRequest, sale_id: int, sequence: int) -> HttpResponse:
    """Exactly what the buyer was shown at one event, sandboxed (runs nothing, loads nothing)."""
    actor = consumer_actor(request)
    if actor is None:
        raise Http404
    try:
        event = selectors.shown_content(actor, sale_id, sequence)
    except NotFound:
        raise Http404 from None
    return sandboxed_html(event.content)


def bundle_key(request: HttpRequest) -> HttpResponse:
    """The public key that checks the signature of every sale bundle this site exports (Ed25519, PEM)."""
    response = HttpResponse(public_key_pem(), content_type="application/x-pem-file")
    response["Content-Disposition"] = 'inline; filename="bundle-key.pem"'
    return response
