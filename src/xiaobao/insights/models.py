"""Root causes (CMP-S1) and the fairness reports sent (INC-4).

A grouping run keeps, per insurer, the groups of similar complaints it found: their members (complaint ids) and
their top terms and centroid (words that hold no personal data: ``insights.domain.words``) — never a complaint's
text. Remediation actions hang from a group. Read through ``insights.access``; write through ``insights.actions``.
"""

from __future__ import annotations

from django.db import models


class GroupingRun(models.Model):
    insurer = models.ForeignKey("identity.Insurer", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        "identity.Staff", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    finished_at = models.DateTimeField()
    complaints = models.PositiveIntegerField()
    """How many complaint texts were read."""

    class Meta:
        indexes = [models.Index(fields=["insurer", "finished_at"], name="grouping_run_latest")]


class RootCauseGroup(models.Model):
    run = models.ForeignKey(GroupingRun, on_delete=models.PROTECT, related_name="groups")
    insurer = models.ForeignKey("identity.Insurer", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField()
    """1 for the largest group of its run, and so on."""
    top_terms = models.JSONField(default=list)
    centroid = models.JSONField(default=dict)
    """Term → weight (the heaviest terms of the members' TF-IDF mean): new complaints join by nearest centroid."""

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "number"], name="root_cause_group_number_once")]

    def __str__(self) -> str:
        return " · ".join(self.top_terms[:3])


class GroupMember(models.Model):
    group = models.ForeignKey(RootCauseGroup, on_delete=models.CASCADE, related_name="members")
    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField()
    by_centroid = models.BooleanField(default=False)
    """Received after the group was found, and put in it as nearest to its centroid."""

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "complaint"], name="root_cause_member_once")]


class RemediationAction(models.Model):
    """What compliance decided to do about a root cause: who does it, by when, how far it has got."""

    OPEN, DONE = "open", "done"

    insurer = models.ForeignKey("identity.Insurer", on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(RootCauseGroup, on_delete=models.PROTECT, related_name="actions")
    what = models.TextField()
    owner = models.ForeignKey("identity.Staff", on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    progress = models.TextField(blank=True, default="")
    state = models.CharField(max_length=8, choices=[(OPEN, OPEN), (DONE, DONE)], default=OPEN)
    completed_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey("identity.Staff", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()


class ActionReminder(models.Model):
    """A reminder already sent about an action (before its due date, or once overdue): each kind once."""

    action = models.ForeignKey(RemediationAction, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=16)
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["action", "kind"], name="remediation_reminder_once")]


class FairnessReportSent(models.Model):
    """The monthly fairness report put in compliance's inbox, once per insurer and month."""

    insurer = models.ForeignKey("identity.Insurer", on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    """The first day of the month reported on."""
    flagged = models.PositiveIntegerField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["insurer", "month"], name="fairness_report_once")]
