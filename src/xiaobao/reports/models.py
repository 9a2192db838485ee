"""The complaint statistics' own rows (CMP-S2): the monthly summary the dashboard reads, and the denominators
an insurer supplies for the normalised rates.

Read through ``reports.access``/``reports.selectors``; written through ``reports.actions`` only.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MonthFigure(models.Model):
    """One month of one insurer's branch, for one value of one breakdown (``dimension``: ``all``,
    ``product_line``, ``reason``, ``channel``, ``group``, ``claims``, ``callbacks``): the counts CMP-S2 reports.

    Written by ``reports.actions.figures_refresh`` from the complaints, their statutory clocks (CMP-T1..T3), the
    claims' clocks (CLM-T2..T4) and the call-backs (INC-E3), month by month of the day received; summed over
    months, branches and insurers by ``reports.selectors``. Holds counts only: no case, no person.
    ``branch`` is empty on call-back rows (a call-back belongs to the insurer, not to a branch).
    """

    insurer = models.ForeignKey("identity.Insurer", on_delete=models.PROTECT, related_name="+")
    branch = models.ForeignKey("identity.Branch", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    month = models.DateField()
    dimension = models.CharField(max_length=16)
    value = models.CharField(max_length=32, blank=True, default="")
    received = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    decided = models.PositiveIntegerField(default=0)
    upheld = models.PositiveIntegerField(default=0)
    within_15 = models.PositiveIntegerField(default=0)
    within_30 = models.PositiveIntegerField(default=0)
    within_60 = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    reviews = models.PositiveIntegerField(default=0)
    mediations = models.PositiveIntegerField(default=0)
    in_time = models.PositiveIntegerField(default=0)
    """Claims rows: decided within the clock; call-back rows: called back in time."""
    paid_in_time = models.PositiveIntegerField(default=0)
    paid_late = models.PositiveIntegerField(default=0)
    refreshed_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["month", "insurer", "dimension"], name="month_figure_period")]


class Denominator(models.Model):
    """What an insurer reports of its size for a period (CMP-S2 normalised rates): policies in force and premium
    income in yuan. Entered by its compliance officer, each entry audited; a later entry for the same period
    replaces the figures (the audit event keeps the old ones)."""

    insurer = models.ForeignKey("identity.Insurer", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("period"), max_length=8)
    """``2026-Q3``, ``2026-07`` or ``2026`` (``reports.domain.periods.Period.key``)."""
    policies_in_force = models.PositiveBigIntegerField(_("policies in force"))
    premium_yuan = models.DecimalField(_("premium income (yuan)"), max_digits=18, decimal_places=2)
    entered_by = models.ForeignKey("identity.Staff", on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["insurer", "period"], name="denominator_once_per_period")]
