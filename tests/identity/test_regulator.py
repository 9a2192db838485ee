"""The regulator's account (CMP-S2): made by the platform only, not staff of any insurer, signs in with a
password and is an actor of its own kind."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.conftest import World
from xiaobao.audit.models import AuditEvent
from xiaobao.identity import actions
from xiaobao.identity.actors import actor_for_user
from xiaobao.identity.models import Regulator
from xiaobao.kernel.actors import SYSTEM, ActorKind, Role
from xiaobao.kernel.errors import PermissionDenied


def test_the_platform_makes_a_regulator_who_is_no_insurers_staff(db: None) -> None:
    regulator = actions.regulator_create(
        actor=SYSTEM, username="nfra-ln", display_name="辽宁监管局", password="correct-horse-battery-staple"
    )
    actor = actor_for_user(regulator.user)
    assert actor.kind is ActorKind.REGULATOR
    assert actor.insurer_id is None
    assert actor.staff_id is None
    assert actor.audit_id == f"regulator:{regulator.user_id}"
    [event] = AuditEvent.objects.filter(event_type="regulator.created")
    assert event.insurer_id is None


def test_insurer_staff_cannot_make_a_regulator(world: World) -> None:
    _staff, administrator = world.ours.staff(Role.ADMINISTRATOR)
    with pytest.raises(PermissionDenied):
        actions.regulator_create(actor=administrator, username="fake", display_name="x", password="p-4-x-y-z-w")
    assert not Regulator.objects.exists()
    assert not get_user_model().objects.filter(username="fake").exists()
    assert not AuditEvent.objects.filter(event_type="regulator.created").exists()


def test_the_command_asks_for_the_password_twice(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter(["correct-horse-battery-staple", "correct-horse-battery-staple"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    call_command("regulator_create", "nfra-ln", "--name", "辽宁监管局", "--office", "辽宁监管局统计处")
    regulator = Regulator.objects.get()
    assert (regulator.display_name, regulator.office) == ("辽宁监管局", "辽宁监管局统计处")
    assert regulator.user.check_password("correct-horse-battery-staple")


def test_the_command_refuses_differing_passwords_and_a_taken_name(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter(["one-password-here", "another-password", "pw-1-long-enough", "pw-1-long-enough"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with pytest.raises(CommandError):
        call_command("regulator_create", "nfra-ln", "--name", "x")
    get_user_model().objects.create_user(username="taken", password="x-y-z-w-1-2")
    with pytest.raises(CommandError):
        call_command("regulator_create", "taken", "--name", "x")
    assert not Regulator.objects.exists()
