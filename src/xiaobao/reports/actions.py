"""The writes of the complaint statistics (CMP-S2): recomputing the monthly summary, recording an insurer's
denominators, and noting each export in the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction

from xiaobao.audit.recorder import record
from xiaobao.kernel.actors import Actor, ActorKind
from xiaobao.kernel.errors import InvalidInput, PermissionDenied
from xiaobao.kernel.i18n import _
from xiaobao.ops import clock
from xiaobao.reports import access, events, selectors
from xiaobao.reports.domain.periods import parse_period
from xiaobao.reports.models import Denominator, MonthFigure

EXPORT_FORMATS = ("csv", "xlsx")


def figures_refresh(*, actor: Actor, months: list[date]) -> int:
    """Recompute the summary of these months from the complaints, clocks, claims and call-backs, and replace
    it, one month per transaction (a reader sees a month's old figures or its new ones, never half). Returns the
    rows written. The system's work only (the worker, ``demo_load``, the bench).

    No audit event: the figures are derived from rows whose every change is audited already, and recomputing
    them changes no fact; a recomputation every few minutes would fill the log with nothing."""
    if actor.kind is not ActorKind.SYSTEM:
        raise PermissionDenied()
    written = 0
    today, now = clock.today(), clock.now()
    for month in months:
        rows = selectors.month_aggregates(month, today=today, now=now)
        with transaction.atomic():
            MonthFigure.objects.filter(month=month).delete()
            MonthFigure.objects.bulk_create(
                [MonthFigure(month=month, refreshed_at=now, **row) for row in rows], batch_size=2000
            )
        written += len(rows)
    return written


@dataclass(frozen=True)
class Export:
    statistics: selectors.Statistics
    table: str
    file_format: str


@transaction.atomic
def statistics_export(
    *, actor: Actor, period_key: str, table: str, file_format: str, insurer_id: int | None = None
) -> Export:
    """One table of a period's statistics to be written as a file; one audit event says who took what."""
    period = parse_period(period_key)
    if period is None or file_format not in EXPORT_FORMATS:
        raise InvalidInput(_("Choose a period and a file format (CSV or XLSX)."))
    stats = selectors.statistics(actor, period, insurer_id=insurer_id)
    if table not in stats.tables:
        raise InvalidInput(_("There is no such table to export."))
    subject, audit_insurer = access.export_subject(actor, stats.scope)
    record(
        event_type=events.STATISTICS_EXPORTED,
        actor=actor,
        subject=subject,
        insurer_id=audit_insurer,
        new={
            "period": period.key(),
            "table": table,
            "format": file_format,
            "scope": "all insurers"
            if stats.scope.regulator
            else ("insurer" if stats.scope.whole_insurer else "branches"),
        },
    )
    return Export(statistics=stats, table=table, file_format=file_format)


@transaction.atomic
def denominator_record(*, actor: Actor, period_key: str, policies_in_force: int, premium_yuan: Decimal) -> Denominator:
    """The insurer's policies in force and premium income for a period (the rates' denominators), entered by
    compliance; a later entry for the same period replaces the figures, the same figures again change nothing."""
    insurer = access.denominator_insurer(actor, for_update=True)
    period = parse_period(period_key)
    if period is None:
        raise InvalidInput(_("Give the period as 2026-Q3, 2026-07 or 2026."))
    if policies_in_force <= 0 or premium_yuan <= 0:
        raise InvalidInput(_("Policies in force and premium must both be more than zero."))
    existing = access.denominator_of(insurer.pk, period.key(), for_update=True)
    if existing is not None and (existing.policies_in_force, existing.premium_yuan) == (
        policies_in_force,
        premium_yuan,
    ):
        return existing
    old = (
        {"policies_in_force": existing.policies_in_force, "premium_yuan": str(existing.premium_yuan)}
        if existing
        else None
    )
    denominator = existing or Denominator(insurer=insurer, period=period.key())
    denominator.policies_in_force, denominator.premium_yuan = policies_in_force, premium_yuan
    denominator.entered_by_id, denominator.entered_at = actor.staff_id or 0, clock.now()
    if existing is None:
        denominator.save()
    else:
        denominator.save(update_fields=["policies_in_force", "premium_yuan", "entered_by", "entered_at"])
    record(
        event_type=events.DENOMINATOR_RECORDED,
        actor=actor,
        subject=denominator,
        insurer_id=insurer.pk,
        old=old,
        new={"period": period.key(), "policies_in_force": policies_in_force, "premium_yuan": str(premium_yuan)},
        first=existing is None,
    )
    return denominator
