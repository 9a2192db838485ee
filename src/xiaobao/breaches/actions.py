"""Breach response writes (SEC-3, PI-5; PIPL Art.57): a compliance officer opens an incident, assesses it (the
affected consumers found from the logs and frozen), notifies each affected consumer once, reports it to the
regulator and closes it. Each step is one atomic, audited action; the notices go through the outbox in the same
transaction."""

from __future__ import annotations

from django.db import transaction
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_noop

from xiaobao.audit.recorder import record
from xiaobao.breaches import access, events
from xiaobao.breaches.domain.incidents import (
    DATA_TYPE_TEXT,
    DataType,
    IncidentFacts,
    Source,
    SourceKind,
    Step,
    affected,
    check_facts,
    counts_by_type,
    delivery_counts,
    next_state,
)
from xiaobao.breaches.models import AffectedConsumer, Incident, IncidentNotice
from xiaobao.identity.access import require
from xiaobao.identity.domain.permissions import Permission
from xiaobao.kernel.actors import Actor, ActorKind
from xiaobao.kernel.errors import PermissionDenied
from xiaobao.notifications.actions import tell_consumer
from xiaobao.ops import clock


def _kinds_text(kinds: list[str]) -> str:
    return gettext(", ").join(gettext(DATA_TYPE_TEXT[DataType(kind)]) for kind in kinds)


kinds_text = lazy(_kinds_text, str)
"""The kinds of data, listed in the language active when the notice is rendered (the consumer's)."""

SOURCE_FIELD = {
    SourceKind.STAFF: "source_staff_id",
    SourceKind.PARTNER: "source_partner_id",
    SourceKind.PARTNER_KEY: "source_partner_key_id",
}


def _staff_only(actor: Actor) -> tuple[int, int]:
    require(actor, Permission.HANDLE_BREACHES)
    if actor.kind is not ActorKind.STAFF or actor.insurer_id is None or actor.staff_id is None:
        raise PermissionDenied()
    return actor.insurer_id, actor.staff_id


@transaction.atomic
def incident_open(*, actor: Actor, facts: IncidentFacts) -> Incident:
    """A compliance officer records a breach of their insurer's personal data (PIPL Art.57), in state open."""
    insurer_id, staff_id = _staff_only(actor)
    check_facts(facts, clock.now())
    if facts.source.kind is not SourceKind.ALL:
        assert facts.source.id is not None
        access.source_of_insurer(actor, facts.source.kind.value, facts.source.id)
    incident = Incident(
        insurer_id=insurer_id,
        summary=facts.summary.strip(),
        discovered_at=facts.discovered_at,
        window_start=facts.window_start,
        window_end=facts.window_end,
        source_kind=facts.source.kind.value,
        data_types=sorted(t.value for t in facts.data_types),
        cause=facts.cause.strip(),
        harm=facts.harm.strip(),
        remediation=facts.remediation.strip(),
        consumer_steps=facts.consumer_steps.strip(),
        contact=facts.contact.strip(),
        opened_by_id=staff_id,
        opened_at=clock.now(),
    )
    if facts.source.kind is not SourceKind.ALL:
        setattr(incident, SOURCE_FIELD[facts.source.kind], facts.source.id)
    incident.save()
    incident.reference = f"BR-{clock.statutory_date_of(incident.opened_at).year}-{incident.pk:06d}"
    incident.save(update_fields=["reference"])
    record(
        event_type=events.INCIDENT_OPENED,
        actor=actor,
        subject=incident,
        insurer_id=insurer_id,
        new={
            "reference": incident.reference,
            "discovered_at": facts.discovered_at.isoformat(),
            "window_start": facts.window_start.isoformat(),
            "window_end": facts.window_end.isoformat(),
            "source": f"{facts.source.kind.value}:{facts.source.id or ''}",
            "data_types": incident.data_types,
        },
    )
    return incident


@transaction.atomic
def incident_assess(*, actor: Actor, incident_id: int) -> Incident:
    """Find the consumers the incident affected from the insurer's logs for its window, source and kinds of data
    (``breaches.domain.incidents.affected``) and freeze the list: one row per consumer, never recomputed."""
    incident = access.incident_for(actor, incident_id, for_update=True)
    state = next_state(incident.state, Step.ASSESS)
    start, end, insurer_id = incident.window_start, incident.window_end, incident.insurer_id
    source_kind = SourceKind(incident.source_kind)
    found = affected(
        source=Source(source_kind, None if source_kind is SourceKind.ALL else incident.source_id),
        data_types=[DataType(t) for t in incident.data_types],
        window_start=start,
        window_end=end,
        reveals=access.reveals_in(insurer_id, start, end),
        reads=access.partner_reads_in(insurer_id, start, end),
        holdings=access.holdings_in(insurer_id, start, end) if source_kind is SourceKind.ALL else (),
    )
    AffectedConsumer.objects.bulk_create(
        AffectedConsumer(
            incident=incident,
            consumer_id=consumer_id,
            data_types=sorted(t.value for t in exposure.data_types),
            evidence=sorted(e.value for e in exposure.evidence),
        )
        for consumer_id, exposure in sorted(found.items())
    )
    incident.state, incident.assessed_at = state.value, clock.now()
    incident.save(update_fields=["state", "assessed_at"])
    record(
        event_type=events.INCIDENT_ASSESSED,
        actor=actor,
        subject=incident,
        insurer_id=insurer_id,
        new={
            "state": incident.state,
            "affected": len(found),
            "by_type": counts_by_type(sorted(t.value for t in e.data_types) for e in found.values()),
        },
    )
    return incident


@transaction.atomic
def incident_notify(*, actor: Actor, incident_id: int) -> int:
    """PI-5: each affected consumer not yet told gets one notice — the kinds of their data exposed, the cause and
    possible harm, the remediation, what they can do, the contact — in their language on their channel. Doing it
    again tells nobody twice (and the constraint on ``IncidentNotice`` holds it). How many notices were queued."""
    incident = access.incident_for(actor, incident_id, for_update=True)
    state = next_state(incident.state, Step.NOTIFY)
    told = set(access.notices_of(incident).values_list("consumer_id", flat=True))
    sent = 0
    now = clock.now()
    for row in access.affected_of(incident):  # the incident's row lock keeps a second notify waiting
        if row.consumer_id in told:
            continue
        notification = tell_consumer(
            actor=actor,
            consumer=row.consumer,
            template="breaches/notices/breach.txt",
            subject=gettext_noop("%(insurer)s: your personal data may have been exposed (%(reference)s)"),
            subject_params={"insurer": incident.insurer.name, "reference": incident.reference},
            purpose="breaches.consumer_notice",
            insurer_id=incident.insurer_id,
            about=incident,
            incident=incident,
            data_types=kinds_text(row.data_types),
        )
        IncidentNotice.objects.create(incident=incident, consumer_id=row.consumer_id, notification=notification,
                                      queued_at=now)  # fmt: skip
        sent += 1
    if incident.notified_at is None:
        incident.notified_at = now
    incident.state = state.value
    incident.save(update_fields=["state", "notified_at"])
    record(
        event_type=events.CONSUMERS_NOTIFIED,
        actor=actor,
        subject=incident,
        insurer_id=incident.insurer_id,
        new={"state": incident.state, "sent": sent, "already_told": len(told)},
    )
    return sent


@transaction.atomic
def incident_report(*, actor: Actor, incident_id: int) -> Incident:
    """The regulator has been sent the report (``breaches.selectors.regulator_report``): marked, with the counts
    it gave, in the audit log."""
    incident = access.incident_for(actor, incident_id, for_update=True)
    state = next_state(incident.state, Step.REPORT)
    incident.state, incident.reported_at = state.value, clock.now()
    incident.save(update_fields=["state", "reported_at"])
    notices = access.notices_of(incident)
    record(
        event_type=events.REGULATOR_REPORTED,
        actor=actor,
        subject=incident,
        insurer_id=incident.insurer_id,
        new={
            "state": incident.state,
            "by_type": counts_by_type(access.affected_of(incident).values_list("data_types", flat=True)),
            "notices": dict(delivery_counts(notices.values_list("notification__status", flat=True))),
        },
    )
    return incident


@transaction.atomic
def incident_close(*, actor: Actor, incident_id: int) -> Incident:
    incident = access.incident_for(actor, incident_id, for_update=True)
    state = next_state(incident.state, Step.CLOSE)
    incident.state, incident.closed_at = state.value, clock.now()
    incident.save(update_fields=["state", "closed_at"])
    record(
        event_type=events.INCIDENT_CLOSED,
        actor=actor,
        subject=incident,
        insurer_id=incident.insurer_id,
        new={"state": incident.state},
    )
    return incident
