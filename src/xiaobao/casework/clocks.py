"""The statutory clock as a row (DESIGN.md "Deadlines"): one abstract model every case type's clocks share."""

from __future__ import annotations

from django.db import models


class StatutoryClock(models.Model):
    """One statutory clock of one case: rule id (RULES.md), start, due date, paused days, state.

    The due date is computed by the pure ``deadlines`` package and stored by the case's actions; ``provisional``
    marks a date whose year had no published calendar (the earliest possible date), confirmed by the sweep.
    """

    RUNNING, PAUSED, MET, MISSED, SUPERSEDED = "running", "paused", "met", "missed", "superseded"
    STATES = (RUNNING, PAUSED, MET, MISSED, SUPERSEDED)

    insurer_id_copy = models.BigIntegerField(db_index=False)
    rule_id = models.CharField(max_length=24)
    start = models.DateField()
    due = models.DateField()
    paused_days = models.PositiveIntegerField(default=0)
    provisional = models.BooleanField(default=False)
    """The due date's year had no published calendar: the earliest possible date, recomputed by the sweep."""
    state = models.CharField(max_length=12, choices=[(s, s) for s in STATES], default=RUNNING)
    active = models.BooleanField(default=True)
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        abstract = True


class ReminderSentBase(models.Model):
    """A reminder or escalation already sent for a clock, so the sweep sends each once (subclasses add the
    ``deadline`` foreign key and the unique constraint on it and ``kind``)."""

    kind = models.CharField(max_length=16)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
