"""The queue's order and its timeliness figures, read from the database (INC-E3)."""

from __future__ import annotations

from tests.callbacks.conftest import Ask
from tests.conftest import World
from tests.support.clock import SettableClock
from xiaobao.callbacks import actions, selectors
from xiaobao.callbacks.domain.lifecycle import CallOutcome
from xiaobao.callbacks.domain.timing import Slot, Timeliness, queue_key
from xiaobao.callbacks.selectors import Figures
from xiaobao.kernel.actors import Role


def test_the_queue_puts_priority_first_then_the_earliest_target(ask: Ask, world: World, clock: SettableClock) -> None:
    standard_early = ask(phone="13800138001")  # due 12:00
    clock.advance(minutes=5)
    priority_late = ask(phone="13800138002", slot=Slot.TODAY_AFTERNOON, disabled=True)  # due 12:00, after
    priority_soon = ask(phone="13800138003", new_urban_resident=True)  # due 10:35
    standard_slot = ask(phone="13800138004", slot=Slot.TODAY_AFTERNOON)  # due 12:00
    _staff, handler = world.ours.staff(Role.HANDLER)
    listed = [row.reference for row in selectors.callback_queue(handler, clock.now())]
    assert listed == [
        priority_soon.reference,
        priority_late.reference,
        standard_early.reference,
        standard_slot.reference,
    ]
    everything = [priority_late, priority_soon, standard_early, standard_slot]
    by_domain = sorted(
        everything,
        key=lambda c: queue_key(priority=c.priority, target_at=c.target_at, requested_at=c.requested_at, pk=c.pk),
    )
    assert listed == [c.reference for c in by_domain]


def test_a_called_request_leaves_the_queue_and_one_not_reached_stays(
    ask: Ask, world: World, clock: SettableClock
) -> None:
    called, unreachable = ask(phone="13800138001"), ask(phone="13800138002")
    _staff, handler = world.ours.staff(Role.HANDLER)
    actions.callback_record_call(actor=handler, request_id=called.pk, outcome=CallOutcome.CALLED)
    actions.callback_record_call(actor=handler, request_id=unreachable.pk, outcome=CallOutcome.UNREACHABLE)
    assert [row.reference for row in selectors.callback_queue(handler, clock.now())] == [unreachable.reference]


def test_the_figures_count_in_time_late_open_and_overdue_for_today_and_the_last_30_days(
    ask: Ask, world: World, clock: SettableClock
) -> None:
    _staff, handler = world.ours.staff(Role.HANDLER)
    clock.set("2026-02-10 10:00")  # 20 days ago: called late
    old = ask(phone="13800138009")
    clock.set("2026-02-10 13:00")
    actions.callback_record_call(actor=handler, request_id=old.pk, outcome=CallOutcome.CALLED)
    clock.set("2026-01-10 10:00")  # 51 days ago: outside the figures
    forgotten = ask(phone="13800138008")  # still waits: in the queue, not in the figures
    clock.set("2026-03-02 08:00")
    in_time, late, overdue = ask(phone="13800138001"), ask(phone="13800138002"), ask(phone="13800138003")  # due 10:00
    clock.set("2026-03-02 09:00")
    actions.callback_record_call(actor=handler, request_id=in_time.pk, outcome=CallOutcome.UNREACHABLE)
    clock.set("2026-03-02 10:30")
    actions.callback_record_call(actor=handler, request_id=late.pk, outcome=CallOutcome.CALLED)
    waiting = ask(phone="13800138004")  # due 12:30
    figures = selectors.queue_figures(handler, clock.now())
    assert figures.today == Figures(in_time=1, late=1, open=1, overdue=1)
    assert figures.last_30_days == Figures(in_time=1, late=2, open=1, overdue=1)
    shown = {row.reference: row.timeliness for row in selectors.callback_queue(handler, clock.now())}
    assert shown == {
        in_time.reference: Timeliness.IN_TIME,
        overdue.reference: Timeliness.OVERDUE,
        waiting.reference: Timeliness.OPEN,
        forgotten.reference: Timeliness.OVERDUE,
    }


def test_another_insurers_requests_are_not_in_the_figures(ask: Ask, world: World, clock: SettableClock) -> None:
    ask(insurer_id=world.theirs.insurer.pk)
    _staff, handler = world.ours.staff(Role.HANDLER)
    assert selectors.queue_figures(handler, clock.now()).today == Figures(0, 0, 0, 0)
