"""The breach drill (issue #19 item 5, SEC-3, PI-5): an incident finds exactly the consumers whose data its window,
source and kinds of data covered — both ends of the window in, a second beside them out, other kinds, other
sources and the other insurer out — freezes them, and notifies each once, however often "notify" is pressed."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext

from tests.breaches.conftest import END, START, Drill, Trace, open_incident
from tests.support.clock import SettableClock
from tests.support.pdf import pdf_fonts, pdf_text, squeezed
from xiaobao.breaches.actions import incident_assess, incident_close, incident_notify, incident_report
from xiaobao.breaches.domain.incidents import DATA_TYPE_TEXT, DataType, SourceKind, StepNotAllowed
from xiaobao.breaches.models import AffectedConsumer, IncidentNotice
from xiaobao.breaches.selectors import incident_view, regulator_report_pdf
from xiaobao.notifications.actions import notification_deliver
from xiaobao.notifications.models import Notification, Status
from xiaobao.privacy.actions import personal_data_reveal

pytestmark = pytest.mark.django_db


def found(incident_id: int) -> set[int]:
    return set(AffectedConsumer.objects.filter(incident_id=incident_id).values_list("consumer_id", flat=True))


def test_a_leaked_staff_account_finds_exactly_the_consumers_it_revealed_in_the_window(drill: Drill) -> None:
    staff_id = drill.leaky_staff.staff_id
    incident = open_incident(drill.officer, kind=SourceKind.STAFF, source_id=staff_id, types={"phone", "id_number"})
    incident_assess(actor=drill.officer, incident_id=incident.pk)
    expected = drill.expected(kind="staff", by=f"staff:{staff_id}", types={"phone", "id_number"})
    assert len(expected) == 6  # two fields at three moments: the start, inside, the end
    assert found(incident.pk) == expected


def test_a_leaked_partner_finds_the_reads_of_both_its_keys_in_the_kinds_chosen(drill: Drill) -> None:
    partner_id = drill.leaky_partner.pk
    incident = open_incident(drill.officer, kind=SourceKind.PARTNER, source_id=partner_id, types={"name"})
    incident_assess(actor=drill.officer, incident_id=incident.pk)
    expected = drill.expected(kind="partner", by=f"partner:{partner_id}", types={"name"})
    assert len(expected) >= 6
    assert found(incident.pk) == expected


def test_a_leaked_partner_key_finds_only_that_keys_reads(drill: Drill) -> None:
    key = drill.leaky_key_id
    incident = open_incident(
        drill.officer, kind=SourceKind.PARTNER_KEY, source_id=key, types={"complaint_text", "phone"}
    )
    incident_assess(actor=drill.officer, incident_id=incident.pk)
    expected = drill.expected(kind="key", by=f"key:{key}", types={"complaint_text", "phone"})
    assert len(expected) >= 3
    assert found(incident.pk) == expected


def test_a_storage_breach_finds_every_read_and_every_case_received_in_the_window_at_our_insurer(drill: Drill) -> None:
    types = {"phone", "complaint_text"}
    incident = open_incident(drill.officer, kind=SourceKind.ALL, source_id=None, types=types)
    incident_assess(actor=drill.officer, incident_id=incident.pk)
    expected = drill.expected(kind="all", by="", types=types)
    theirs = {t.consumer_id for t in drill.traces if t.insurer == "theirs"}
    assert expected
    assert not expected & theirs
    assert found(incident.pk) == expected


def test_the_list_is_frozen_at_assessment(drill: Drill, clock: SettableClock) -> None:
    staff_id = drill.leaky_staff.staff_id
    incident = open_incident(drill.officer, kind=SourceKind.STAFF, source_id=staff_id, types={"phone"})
    incident_assess(actor=drill.officer, incident_id=incident.pk)
    before = found(incident.pk)
    late = next(c for pk, c in drill.consumers.items() if pk not in before and c.phone and pk in
                {t.consumer_id for t in drill.traces if t.insurer == "ours"})  # fmt: skip
    clock.moment = incident.window_start  # a reveal found in the log only after the assessment
    personal_data_reveal(actor=drill.leaky_staff, consumer_id=late.pk, field="phone", reason="事后补查的记录")
    with pytest.raises(StepNotAllowed):
        incident_assess(actor=drill.officer, incident_id=incident.pk)
    incident_notify(actor=drill.officer, incident_id=incident.pk)
    assert found(incident.pk) == before
    assert set(IncidentNotice.objects.filter(incident=incident).values_list("consumer_id", flat=True)) == before


def test_notifying_twice_tells_each_affected_consumer_exactly_once(drill: Drill) -> None:
    types = {"phone", "complaint_text"}
    incident = open_incident(drill.officer, kind=SourceKind.ALL, source_id=None, types=types)
    incident_assess(actor=drill.officer, incident_id=incident.pk)
    expected = drill.expected(kind="all", by="", types=types)

    first = incident_notify(actor=drill.officer, incident_id=incident.pk)
    second = incident_notify(actor=drill.officer, incident_id=incident.pk)

    notices = Notification.objects.filter(purpose="breaches.consumer_notice", about_id=str(incident.pk))
    assert (first, second) == (len(expected), 0)
    assert sorted(notices.values_list("consumer_id", flat=True)) == sorted(expected)


def test_a_second_notice_to_the_same_consumer_is_refused_by_the_database(drill: Drill) -> None:
    incident = open_incident(drill.officer, kind=SourceKind.ALL, source_id=None, types={"phone"})
    incident_assess(actor=drill.officer, incident_id=incident.pk)
    incident_notify(actor=drill.officer, incident_id=incident.pk)
    notice = IncidentNotice.objects.filter(incident=incident).first()
    assert notice is not None
    other = Notification.objects.exclude(pk=notice.notification_id).first()
    assert other is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        IncidentNotice.objects.create(
            incident=incident, consumer_id=notice.consumer_id, notification=other, queued_at=notice.queued_at
        )


def test_each_notice_says_what_pi5_asks_in_the_consumers_language_on_their_channel(drill: Drill) -> None:
    incident = open_incident(drill.officer, kind=SourceKind.ALL, source_id=None, types={"phone", "complaint_text"})
    incident_assess(actor=drill.officer, incident_id=incident.pk)
    incident_notify(actor=drill.officer, incident_id=incident.pk)
    affected = {a.consumer_id: a.data_types for a in AffectedConsumer.objects.filter(incident=incident)}
    languages = set()
    for notice in IncidentNotice.objects.filter(incident=incident).select_related("notification", "consumer"):
        sent, consumer = notice.notification, notice.consumer
        assert sent.language == consumer.preferred_language
        languages.add(sent.language)
        with translation.override(consumer.preferred_language):
            kinds = gettext(", ").join(gettext(DATA_TYPE_TEXT[DataType(t)]) for t in affected[consumer.pk])
            lines = [
                gettext("Your data concerned: %(kinds)s") % {"kinds": kinds},
                gettext("Cause: %(cause)s") % {"cause": incident.cause},
                gettext("Possible harm: %(harm)s") % {"harm": incident.harm},
                gettext("What we have done: %(remediation)s") % {"remediation": incident.remediation},
                gettext("What you can do: %(steps)s") % {"steps": incident.consumer_steps},
                gettext("Contact: %(contact)s") % {"contact": incident.contact},
            ]
        assert all(line in sent.body.splitlines() for line in lines)
        assert (sent.channel, sent.to_address) == ("sms", consumer.phone)
    assert languages == {"zh-hans", "en"}


def test_the_report_counts_the_affected_by_kind_and_the_notices_delivered(drill: Drill) -> None:
    types = {"phone", "complaint_text"}
    incident = open_incident(drill.officer, kind=SourceKind.ALL, source_id=None, types=types)
    incident_assess(actor=drill.officer, incident_id=incident.pk)
    incident_notify(actor=drill.officer, incident_id=incident.pk)
    notices = IncidentNotice.objects.filter(incident=incident)
    for notice in notices[:5]:
        assert notification_deliver(str(notice.notification_id)) == "sent"
    incident_report(actor=drill.officer, incident_id=incident.pk)
    incident_close(actor=drill.officer, incident_id=incident.pk)

    view = incident_view(drill.officer, incident.pk)
    expected = drill.expected(kind="all", by="", types=types)
    for kind in types:
        by_kind = {t.consumer_id for t in drill.traces if t.insurer == "ours" and kind in t.types
                   and t.consumer_id in expected and drill_in_window(t)}  # fmt: skip
        assert view.by_type[kind] == len(by_kind)
    assert view.notices == {"queued": len(expected), "sent": 5, "failed": 0}
    assert Notification.objects.filter(pk__in=notices.values("notification_id"), status=Status.SENT).count() == 5
    assert [label for label, _ in view.timeline] == [
        "discovered", "opened", "assessed", "notified", "reported", "closed"
    ]  # fmt: skip


def drill_in_window(trace: Trace) -> bool:
    return START <= trace.at <= END


def test_the_report_pdf_states_the_counts_in_the_officers_language_with_its_font_embedded(drill: Drill) -> None:
    types = {"phone", "complaint_text"}
    incident = open_incident(drill.officer, kind=SourceKind.ALL, source_id=None, types=types)
    incident_assess(actor=drill.officer, incident_id=incident.pk)
    incident_notify(actor=drill.officer, incident_id=incident.pk)
    view = incident_view(drill.officer, incident.pk)

    with translation.override("zh-hans"):
        name, pdf = regulator_report_pdf(drill.officer, incident.pk)
        rows = {
            gettext("Consumers affected"): len(view.affected),
            gettext("phone number"): view.by_type["phone"],
            gettext("complaint texts"): view.by_type["complaint_text"],
            gettext("Notices queued"): view.notices["queued"],
        }
    text = squeezed(pdf_text(pdf))
    assert name == f"{incident.reference}.pdf"
    for label, count in rows.items():
        assert squeezed(f"{label}{count}") in text
    assert all(font.embedded for font in pdf_fonts(pdf))
