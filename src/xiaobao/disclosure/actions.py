"""The writes of public disclosure (issue #18 item 4): preparing and approving an insurer's yearly report (four
eyes), the complainant's consent to the open data set and its withdrawal, and the publication of the set. Each
is one transaction with its audit event."""

from __future__ import annotations

import csv
import hashlib
import io
import json

from django.db import transaction
from django.utils.translation import gettext as _

from xiaobao.audit.recorder import record
from xiaobao.complaints import access as complaint_access
from xiaobao.disclosure import access, events, selectors
from xiaobao.disclosure.domain import reports as rules
from xiaobao.disclosure.domain.anonymising import FIELDS
from xiaobao.disclosure.models import DisclosureReport, OpenDataConsent, OpenDataPublication
from xiaobao.identity import access as identity_access
from xiaobao.identity.domain.permissions import Permission
from xiaobao.kernel.actors import SYSTEM, Actor, ActorKind
from xiaobao.kernel.errors import PermissionDenied, TransitionNotAllowed
from xiaobao.ops import clock
from xiaobao.reports import actions as report_actions
from xiaobao.reports.domain.periods import Granularity, Period


@transaction.atomic
def report_prepare(*, actor: Actor, year: int) -> DisclosureReport:
    """Compliance prepares the insurer's report of an ended year: the year's statistics are recounted from the
    cases (``reports.actions.figures_refresh``, as the system: the summary is the platform's) and frozen in the
    report, which waits for another person's approval. Preparing again before approval replaces the figures."""
    insurer = access.preparer_insurer(actor)
    rules.check_year(year, clock.today())
    existing = access.report_of_year(insurer.pk, year)
    rules.check_prepare(rules.ReportState(existing.state) if existing else None)
    period = Period(Granularity.YEAR, year, 1)
    report_actions.figures_refresh(actor=SYSTEM, months=period.months())
    figures = selectors.report_figures(actor, year)
    report = existing or DisclosureReport(insurer=insurer, year=year)
    report.state = rules.ReportState.PREPARED.value
    report.figures = figures
    report.prepared_by_id, report.prepared_at = actor.staff_id or 0, clock.now()
    if existing is None:
        report.save()
    else:
        report.save(update_fields=["state", "figures", "prepared_by", "prepared_at"])
    record(
        event_type=events.REPORT_PREPARED,
        actor=actor,
        subject=report,
        insurer_id=insurer.pk,
        new={"year": year, "received": figures["total"]["received"], "state": report.state},
        first=existing is None,
    )
    return report


@transaction.atomic
def report_approve(*, actor: Actor, report_id: int, seen_prepared_at: str | None = None) -> DisclosureReport:
    """Another person than the one who prepared it approves the report; from then on it is public.

    The approval page sends back the moment of the preparation it showed (``seen_prepared_at``): a report prepared
    again since then is refused, so what is published is exactly what the approver looked at."""
    identity_access.require(actor, Permission.APPROVE_DISCLOSURE)
    report = access.report_for(actor, report_id, for_update=True)
    rules.check_approve(
        rules.ReportState(report.state), prepared_by=report.prepared_by_id, approver=actor.staff_id or 0
    )
    if seen_prepared_at is not None and seen_prepared_at != report.prepared_at.isoformat():
        raise TransitionNotAllowed(
            _("The report was prepared again after you opened it. Check its figures again before approving.")
        )
    report.state = rules.ReportState.APPROVED.value
    report.approved_by_id, report.approved_at = actor.staff_id, clock.now()
    report.save(update_fields=["state", "approved_by", "approved_at"])
    record(
        event_type=events.REPORT_APPROVED,
        actor=actor,
        subject=report,
        insurer_id=report.insurer_id,
        old={"state": rules.ReportState.PREPARED.value},
        new={"year": report.year, "state": report.state},
    )
    return report


def _consumer_only(actor: Actor) -> None:
    """The consent is the complainant's own: signed in, or their phone checked in this browser — never someone
    who only typed a reference and code, and never staff on their behalf."""
    if actor.kind is not ActorKind.CONSUMER:
        raise PermissionDenied()


@transaction.atomic
def open_data_consent_give(*, actor: Actor, complaint_id: int) -> OpenDataConsent:
    """The complainant agrees that their complaint, without personal data, may be published in the open data
    set (from the next publication). Giving it again changes nothing."""
    _consumer_only(actor)
    complaint = complaint_access.complaint_of_complainant(actor, complaint_id, for_update=True)
    consent = access.consent_of(complaint.pk, for_update=True)
    if consent is not None and consent.withdrawn_at is None:
        return consent
    now = clock.now()
    if consent is None:
        consent = OpenDataConsent.objects.create(
            complaint=complaint,
            consumer_id=complaint.complainant_id,
            insurer_id_copy=complaint.insurer_id,
            given_at=now,
        )
    else:
        consent.given_at, consent.withdrawn_at = now, None
        consent.save(update_fields=["given_at", "withdrawn_at"])
    record(
        event_type=events.OPEN_DATA_CONSENT_GIVEN,
        actor=actor,
        subject=complaint,
        insurer_id=complaint.insurer_id,
        new={"open_data": "given"},
    )
    return consent


@transaction.atomic
def open_data_consent_withdraw(*, actor: Actor, complaint_id: int) -> OpenDataConsent | None:
    """The complainant takes the agreement back: the next publication leaves the complaint out. Withdrawing
    what was never given, or twice, changes nothing."""
    _consumer_only(actor)
    complaint = complaint_access.complaint_of_complainant(actor, complaint_id, for_update=True)
    consent = access.consent_of(complaint.pk, for_update=True)
    if consent is None or consent.withdrawn_at is not None:
        return consent
    consent.withdrawn_at = clock.now()
    consent.save(update_fields=["withdrawn_at"])
    record(
        event_type=events.OPEN_DATA_CONSENT_WITHDRAWN,
        actor=actor,
        subject=complaint,
        insurer_id=complaint.insurer_id,
        old={"open_data": "given"},
        new={"open_data": "withdrawn"},
    )
    return consent


def open_data_files(rows: list[dict[str, object]]) -> tuple[str, str]:
    """The rows as CSV (with its header) and as JSON (a list of objects), both under ``FIELDS``."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(FIELDS))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue(), json.dumps(rows, ensure_ascii=False, indent=1)


@transaction.atomic
def open_data_publish(*, actor: Actor) -> OpenDataPublication:
    """Publish the open data set anew from the consents standing now (the periodic task's work): the new set
    replaces the old at once, so a withdrawn consent is honoured at this publication."""
    if actor.kind is not ActorKind.SYSTEM:
        raise PermissionDenied()
    rows = selectors.open_data_cases()
    csv_text, json_text = open_data_files(rows)
    digest = hashlib.sha256(csv_text.encode()).hexdigest()
    publication = OpenDataPublication.objects.create(
        published_at=clock.now(), rows=len(rows), csv_text=csv_text, json_text=json_text, sha256=digest
    )
    OpenDataPublication.objects.exclude(pk=publication.pk).delete()
    record(
        event_type=events.OPEN_DATA_PUBLISHED,
        actor=actor,
        subject=publication,
        insurer_id=None,
        new={"rows": len(rows), "sha256": digest},
        first=True,
    )
    return publication
