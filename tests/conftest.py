from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests.support.world import Tenant, make_tenant

# A property fails for a wrong answer, never for a slow first call on a busy machine (hypothesis' timing
# deadline failed `make test` once: 311 ms on the first call, 0.02 ms after).
hypothesis_settings.register_profile(
    "xiaobao", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
hypothesis_settings.load_profile("xiaobao")

# the complaint desk and the settable clock; a real IMAP server (Dovecot) for the mail tests that ask for one;
# the one browser of the browser tests; emptying the PostgreSQL database after a transactional test quickly
pytest_plugins = ["tests.support.desk", "tests.support.imap", "tests.support.browser", "tests.support.fast_flush"]


@dataclass
class World:
    ours: Tenant
    theirs: Tenant


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Staff are made by the dozen in tests; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_of_this_worker(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Stored files in a folder of this xdist worker's own: the two workers' databases number their rows alike,
    so in one shared folder each worker's claim 2 would write the same file name (a test that needs a folder of
    its own still sets one)."""
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"


@pytest.fixture(autouse=True)
def _force_login_passes_both_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    """``client.force_login(user)`` stands for a whole sign-in, the password and the authenticator's code
    (issue #19); the tests of the two steps themselves sign in through the pages."""
    from django.test import Client

    from xiaobao.identity.two_factor import VERIFIED

    original = Client.force_login

    def force_login(self: Client, user: Any, backend: str | None = None) -> None:
        original(self, user, backend)
        session = self.session
        session[VERIFIED] = "tests/force_login"
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def _authenticator_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """django-otp reads the time of a code from the settable ``AUTHENTICATOR_TIME`` (the real time to begin with):
    a test that needs a second code moves it on one step instead of sleeping for up to 30 s
    (tests/support/two_factor.py)."""
    from django_otp.plugins.otp_totp import models as totp_models

    from tests.support.two_factor import AUTHENTICATOR_TIME

    monkeypatch.setattr(AUTHENTICATOR_TIME, "offset", 0.0)
    monkeypatch.setattr(totp_models, "time", AUTHENTICATOR_TIME)


@pytest.fixture(autouse=True)
def _intake_registers_at_once(settings: Any) -> None:
    """The API registers a complaint in the request (201 and the case), as before write-behind intake (ADR 0023);
    tests/complaints/test_write_behind.py turns it off to test the receipt and the worker."""
    settings.XIAOBAO_INTAKE_IMMEDIATE = True


@pytest.fixture(autouse=True)
def _plain_static_files(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Pages render without running collectstatic first (the manifest storage needs its manifest), and the
    static files a `make run` or a cluster test collected into var/static are not this process's: WhiteNoise
    reads every file under STATIC_ROOT each time a test client builds its middleware (about 40 ms for 570 files,
    for every client of the thousands in a run), so it reads an empty folder of this worker's own instead, as
    on a fresh checkout whatever ran before."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.STATIC_ROOT = _empty_static_root(tmp_path_factory)


def _empty_static_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.getbasetemp() / "static-root"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> Iterator[None]:
    """The process-wide calendar cache must not carry a rolled-back year into the next test."""
    from xiaobao.calendars.selectors import business_calendar

    business_calendar.cache_clear()
    yield
    business_calendar.cache_clear()


@pytest.fixture(autouse=True)
def _empty_page_cache() -> Iterator[None]:
    """Kept pages are keyed by row id and version; a rolled-back test must not leave one for the next."""
    from django.core.cache import caches

    caches["pages"].clear()
    yield
    caches["pages"].clear()


@pytest.fixture
def world(db: None) -> World:
    """Two insurers: ``ours`` (the one under test) and ``theirs`` (the one that must never see it)."""
    return World(ours=make_tenant("ours"), theirs=make_tenant("theirs"))


# The longest tests and modules (tens of seconds each: real clusters and servers, many pages in a browser) start
# first, so that the two xdist workers share out the short ones at the end instead of one waiting for the other's
# last long test (`--dist loadgroup --no-loadscope-reorder` in the Makefile: tests are handed out one at a time
# in this order, the cluster module's two as one group). A stable sort: the order within each group is kept; and
# pytest-django sorts after it (database tests, then transactional ones, then the rest, so that no test needing
# the migrations' seeds follows a flush), so the long ones start first within each of its three kinds.
SLOW_FIRST = (
    "tests/scaleout/test_cluster.py",
    "tests/ops/test_gunicorn_orphans.py",
    "tests/api/test_schemathesis.py",
    "tests/api/test_partner_schemathesis.py",
    "tests/reports/test_attacks.py",
    "tests/e2e/",
    "tests/speech/test_player_in_browser.py",
)


# Modules whose tests must all run on one xdist worker, one after the other: the cluster tests share one cluster
# (a module-scoped fixture, one at a time by a file lock). Their `xdist_group` mark no longer does it: pytest-xdist
# 3.8 names the group by appending it to `item._nodeid`, which pytest 9 no longer reads, so under `--dist
# loadgroup` the two tests went to both workers and the second waited on the lock for the first worker's cluster,
# then started a second one (~100 s of one worker's time).
ONE_WORKER_MODULES = ("tests/scaleout/test_cluster.py",)


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist's: `-p no:xdist` runs without it
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """`--dist loadgroup` as pytest-xdist schedules it, with the modules of ``ONE_WORKER_MODULES`` as one group
    each (every other test on its own, handed out in collection order)."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class OneWorkerModules(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return one_worker_scope(nodeid) or super()._split_scope(nodeid)

    return OneWorkerModules(config, log)


def one_worker_scope(nodeid: str) -> str | None:
    module = nodeid.split("::", 1)[0]
    return module if module in ONE_WORKER_MODULES else None


def _slow_first(item: pytest.Item) -> int:
    path = item.nodeid
    return next((n for n, prefix in enumerate(SLOW_FIRST) if path.startswith(prefix)), len(SLOW_FIRST))


@pytest.hookimpl(tryfirst=True)  # before -m deselects
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test under tests/e2e drives the browser: marked so `make fast` can leave them out.
    PostgreSQL-only tests are skipped on SQLite."""
    from django.conf import settings

    for item in items:
        if "/tests/e2e/" in str(item.path):
            item.add_marker(pytest.mark.browser)
    items.sort(key=_slow_first)
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL; runs in the PostgreSQL pass of make test")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def seeded_calendar(transactional_db: None) -> None:
    """Transactional tests start from a flushed database: put the migrations' seeds back (the calendar,
    the claims document checklists)."""
    from django.apps import apps

    from xiaobao.calendars.models import CalendarYear
    from xiaobao.claims.models import ChecklistItem

    if not CalendarYear.objects.exists():
        seed = __import__("xiaobao.calendars.migrations.0002_seed_state_council_schedules", fromlist=["seed"]).seed
        seed(apps, None)
    if not ChecklistItem.objects.exists():
        __import__("xiaobao.claims.migrations.0002_seed_checklists", fromlist=["seed"]).seed(apps, None)
