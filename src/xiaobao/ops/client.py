"""Who is on the other end of a request: the client's address, seen through the proxies we trust."""

from __future__ import annotations

import ipaddress
import logging

from django.conf import settings
from django.http import HttpRequest

log = logging.getLogger(__name__)
_warned = False


def client_ip(request: HttpRequest) -> str:
    """The address of the client, for rate limits and logs.

    Behind ``XIAOBAO_PROXY_HOPS`` trusted proxies each appends the address it saw to X-Forwarded-For, so the
    client is that many entries from the right; anything further left was written by the client and proves
    nothing. With no proxy (the default) the socket's peer is the client and the header is ignored.
    """
    hops: int = settings.XIAOBAO_PROXY_HOPS
    peer = str(request.META.get("REMOTE_ADDR") or "unknown")
    if hops <= 0:
        if "HTTP_X_FORWARDED_FOR" in request.META:
            _warn_once()
        return peer
    forwarded = [part.strip() for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < hops:
        return forwarded[0] if forwarded else peer
    return forwarded[-hops]


def from_networks(request: HttpRequest, networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]) -> bool:
    """Whether the client (as ``client_ip`` sees it: a forged X-Forwarded-For proves nothing) is in one of
    ``networks``."""
    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    return any(address in network for network in networks)


def _warn_once() -> None:
    """Requests arrive through a proxy but none is trusted: every client then shares the proxy's address, and
    the per-address limits (SMS codes, log-ins, tracking guesses) hold for all of them together."""
    global _warned  # noqa: PLW0603  (one warning per process, not one per request)
    if not _warned:
        _warned = True
        log.warning(
            "X-Forwarded-For received but XIAOBAO_PROXY_HOPS is 0: every client shares the proxy's address "
            "for rate limits; set XIAOBAO_PROXY_HOPS to the number of proxies in front of xiaobao"
        )
