"""Public disclosure's own rows (issue #18 item 4): each insurer's yearly report with its frozen figures, the
consumers' consents to the open data set, and the data set as last published.

Read through ``disclosure.access``/``disclosure.selectors``; written through ``disclosure.actions`` only.
"""

from __future__ import annotations

from django.db import models

from xiaobao.disclosure.domain.reports import ReportState


class DisclosureReport(models.Model):
    """An insurer's complaint-handling report for one calendar year: prepared by compliance, approved by another
    person, public once approved (CMP-S2 figures, counted by ``reports``, frozen in ``figures`` when prepared)."""

    insurer = models.ForeignKey("identity.Insurer", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=16, choices=[(s.value, s.value) for s in ReportState])
    figures = models.JSONField()
    """``total``, ``claims``, ``callbacks`` (the counts of ``reports.selectors.Figures``), ``months``,
    ``product_line``, ``reason``, ``channel`` (label, complaints received) — counts only, no case."""
    prepared_by = models.ForeignKey("identity.Staff", on_delete=models.PROTECT, related_name="+")
    prepared_at = models.DateTimeField()
    approved_by = models.ForeignKey("identity.Staff", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["insurer", "year"], name="disclosure_report_once_a_year")]


class OpenDataConsent(models.Model):
    """The complainant agreed that their complaint, stripped of personal data, may be published in the open data
    set (``disclosure.domain.anonymising``). Withdrawn when ``withdrawn_at`` is set: the next publication leaves the
    complaint out. Given again, the row is taken up again."""

    complaint = models.OneToOneField("complaints.Complaint", on_delete=models.PROTECT, related_name="+")
    consumer = models.ForeignKey("identity.Consumer", on_delete=models.PROTECT, related_name="+")
    insurer_id_copy = models.BigIntegerField()
    given_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)


class OpenDataPublication(models.Model):
    """The open data set as published by the periodic task: the one current row is what
    ``/disclosure/open-data/`` serves (earlier ones are deleted with it, so a withdrawn complaint is gone)."""

    published_at = models.DateTimeField()
    rows = models.PositiveIntegerField()
    csv_text = models.TextField()
    json_text = models.TextField()
    sha256 = models.CharField(max_length=64)
