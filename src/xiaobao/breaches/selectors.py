"""Read models of breach response for the workbench: the incident list, one incident with its frozen list of
affected consumers (masked), and the regulator's report (SEC-3, PI-5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext

from xiaobao.breaches import access
from xiaobao.breaches.domain.incidents import (
    DATA_TYPE_TEXT,
    SOURCE_TEXT,
    TIMELINE_TEXT,
    DataType,
    SourceKind,
    counts_by_type,
    delivery_counts,
    shanghai_text,
)
from xiaobao.breaches.models import Incident
from xiaobao.casework.letters import Letter, Section, letter_pdf
from xiaobao.kernel.actors import Actor
from xiaobao.ops import clock
from xiaobao.privacy.domain.identifiers import mask_name, mask_phone


def incidents(actor: Actor) -> QuerySet[Incident]:
    return access.incidents_for(actor).select_related("opened_by")


def sources(actor: Actor) -> list[tuple[str, list[tuple[int, str]]]]:
    """The choices of source for the opening form, by kind, each labelled for a person."""
    found = access.sources_for(actor)
    keys = [
        (k.pk, f"{k.partner.name} · {k.prefix}" + (f" · {k.label}" if k.label else "")) for k in found["partner_key"]
    ]
    return [
        ("staff", [(s.pk, f"{s.display_name} ({s.user.username})") for s in found["staff"].select_related("user")]),
        ("partner", [(p.pk, f"{p.name} ({p.code})") for p in found["partner"]]),
        ("partner_key", keys),
    ]


@dataclass(frozen=True)
class AffectedRow:
    name: str
    phone: str
    data_types: list[str]
    evidence: list[str]
    notice_status: str
    notice_channel: str


@dataclass(frozen=True)
class IncidentView:
    incident: Incident
    source_label: str
    affected: list[AffectedRow]
    by_type: dict[str, int]
    notices: dict[str, int]
    timeline: list[tuple[str, datetime]]


def _source_label(incident: Incident) -> str:
    if incident.source_staff_id:
        return f"{incident.source_staff.display_name}"  # type: ignore[union-attr]
    if incident.source_partner_id:
        return f"{incident.source_partner.name} ({incident.source_partner.code})"  # type: ignore[union-attr]
    if incident.source_partner_key_id:
        key = incident.source_partner_key
        return f"{key.partner.name} · {key.prefix}"  # type: ignore[union-attr]
    return ""


def incident_view(actor: Actor, incident_id: Any) -> IncidentView:
    """One incident of the actor's insurer, its affected consumers masked (a name's first character, a phone's
    last four digits), counts by kind of data, and its notices: queued, sent with proof, failed."""
    incident = access.incident_for(actor, incident_id)
    notices = {n.consumer_id: n.notification for n in access.notices_of(incident)}
    rows = []
    for row in access.affected_of(incident):
        notice = notices.get(row.consumer_id)
        rows.append(
            AffectedRow(
                name=mask_name(row.consumer.name or ""),
                phone=mask_phone(row.consumer.phone or "") if row.consumer.phone else "",
                data_types=list(row.data_types),
                evidence=list(row.evidence),
                notice_status=notice.status if notice else "",
                notice_channel=notice.channel if notice else "",
            )
        )
    timeline = [
        (label, moment)
        for label, moment in (
            ("discovered", incident.discovered_at),
            ("opened", incident.opened_at),
            ("assessed", incident.assessed_at),
            ("notified", incident.notified_at),
            ("reported", incident.reported_at),
            ("closed", incident.closed_at),
        )
        if moment is not None
    ]
    return IncidentView(
        incident=incident,
        source_label=_source_label(incident),
        affected=rows,
        by_type=counts_by_type(r.data_types for r in rows),
        notices=dict(delivery_counts(n.status for n in notices.values())),
        timeline=timeline,
    )


def regulator_report_pdf(actor: Actor, incident_id: Any) -> tuple[str, bytes]:
    """The regulator's report as a PDF with its font embedded (the letters' machinery): the incident's facts, the
    consumers affected by kind of data, the notices sent and delivered, and the timeline. Its file name and
    bytes; labels in the active language."""
    view = incident_view(actor, incident_id)
    incident = view.incident
    moment = incident.reported_at or clock.now()

    when = shanghai_text
    source = gettext(SOURCE_TEXT[SourceKind(incident.source_kind)])
    if view.source_label:
        source = f"{source}: {view.source_label}"
    facts = [
        (gettext("What happened"), incident.summary),
        (gettext("Discovered"), when(incident.discovered_at)),
        (gettext("Window of exposure"), f"{when(incident.window_start)} – {when(incident.window_end)}"),
        (gettext("Source"), source),
        (gettext("Kinds of data"), ", ".join(gettext(DATA_TYPE_TEXT[DataType(t)]) for t in incident.data_types)),
        (gettext("Cause"), incident.cause),
        (gettext("Possible harm"), incident.harm),
        (gettext("Remediation taken"), incident.remediation),
        (gettext("Contact"), incident.contact),
    ]
    counts = [(gettext("Consumers affected"), str(len(view.affected)))] + [
        (gettext(DATA_TYPE_TEXT[DataType(kind)]), str(n)) for kind, n in view.by_type.items() if n
    ]
    notices = [
        (gettext("Notices queued"), str(view.notices["queued"])),
        (gettext("Notices delivered"), str(view.notices["sent"])),
        (gettext("Notices failed"), str(view.notices["failed"])),
    ]
    timeline = [(gettext(TIMELINE_TEXT[label]), when(at)) for label, at in view.timeline]
    letter = Letter(
        insurer=incident.insurer,
        title=gettext("Report of a personal-data breach"),
        reference=incident.reference or "",
        day=clock.statutory_date_of(moment),
        addressee=gettext("The insurance regulator and the personal information protection authority"),
        headline=gettext("Report of incident %(reference)s (PIPL Art.57)") % {"reference": incident.reference},
        sections=[
            Section(gettext("The incident"), rows=facts),
            Section(gettext("Consumers affected, by kind of data"), rows=counts),
            Section(gettext("Notices to the consumers"), rows=notices),
            Section(gettext("Timeline"), rows=timeline),
        ],
        options_heading=gettext("What the consumers were told they can do"),
        options=[incident.consumer_steps],
        office=incident.insurer.name,
    )
    return f"{incident.reference}.pdf", letter_pdf(letter)
