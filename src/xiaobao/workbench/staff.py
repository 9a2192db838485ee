"""The workbench is for staff: anyone else signs in, or gets a 404 if signed in as someone else."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponseBase

from xiaobao.identity.actors import actor_for_request
from xiaobao.kernel.actors import ActorKind

View = Callable[..., HttpResponseBase]  # a page, or a file streamed to the reader


def staff_only(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        actor = actor_for_request(request)
        if actor.kind is not ActorKind.STAFF:
            if request.user.is_authenticated:
                raise Http404
            return redirect_to_login(request.get_full_path())
        return view(request, actor, *args, **kwargs)

    return wrapped
