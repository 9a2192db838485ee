"""Ready a web worker before its first request, and keep the garbage collector off what lives forever.

A Django process holds some hundred thousand long-lived objects (modules, URL patterns,
translation catalogues, compiled templates). Python's full garbage collection walks all of
them: measured here, one pass took 70 ms, and every request queued behind that worker
waited for it — the p99 of bench/track.py. Loading what Django loads lazily and then
``gc.freeze()`` moves those objects out of the collector's sight; a full pass then takes
about 4 ms.
"""

from __future__ import annotations

import gc

from django.conf import settings
from django.urls import get_resolver
from django.utils import translation


def warm_and_freeze() -> None:
    get_resolver().reverse_dict  # noqa: B018  (imports every view module and fills the reverse lookup)
    probe = "xiaobao"  # asking for any text loads the language's catalogues (a variable: nothing to translate)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext(probe)
    gc.collect()
    gc.freeze()
