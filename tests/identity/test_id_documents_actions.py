"""Consumers identified by any ID document (INC-3): one person one record per document, the kind part of the
blind index, the identity rules of docs/adr/0007 unchanged, the birth year and the new-urban-resident flag kept."""

from __future__ import annotations

import pytest

from tests.conftest import World
from xiaobao.audit.models import AuditEvent
from xiaobao.identity.actions import ConsumerDetails, consumer_by_resident_id, consumer_identify_by_phone
from xiaobao.identity.domain.documents import IdKind
from xiaobao.identity.models import Consumer
from xiaobao.kernel.actors import SYSTEM
from xiaobao.kernel.errors import InvalidInput
from xiaobao.privacy.keys import blind_indexer

pytestmark = pytest.mark.django_db

PASSPORT = "C01X00T47"


def identify(number: str, kind: IdKind, phone: str = "13800138001", **more: object) -> tuple[Consumer, bool]:
    details = ConsumerDetails(name="Anna Müller", resident_id=number, id_kind=kind.value, phone=phone, **more)  # type: ignore[arg-type]
    identity = consumer_identify_by_phone(actor=SYSTEM, details=details)
    return identity.consumer, identity.confirmed


def test_a_passport_holder_is_registered_with_the_kind_and_the_number_encrypted(world: World) -> None:
    person, confirmed = identify(" c01x 00t47 ", IdKind.FOREIGN_PASSPORT, birth_year=1961)

    stored = Consumer.objects.get(pk=person.pk)
    assert confirmed
    assert (stored.id_kind, stored.resident_id, stored.birth_year) == ("passport", PASSPORT, 1961)
    assert stored.resident_id_index == blind_indexer().index("id_document:passport", PASSPORT)
    registered = AuditEvent.objects.get(event_type="consumer.registered", subject_id=str(person.pk))
    assert registered.new_values == {"resident_id": "*******47", "phone": "138****8001", "id_kind": "passport"}


def test_the_same_characters_under_another_kind_are_another_person(world: World) -> None:
    """The same eight digits as a Taiwan permit and as a passport: two documents, two people, neither opens the
    other's record (a stated number would)."""
    permit_holder, _ = identify("01234567", IdKind.TAIWAN_PERMIT, phone="13800138001")
    passport_holder, confirmed = identify("01234567", IdKind.FOREIGN_PASSPORT, phone="13900139002")

    assert passport_holder.pk != permit_holder.pk
    assert confirmed  # a new person of their own, not an unconfirmed copy of the permit holder
    assert passport_holder.resident_id_index != permit_holder.resident_id_index
    assert consumer_by_resident_id("01234567", kind=IdKind.TAIWAN_PERMIT.value) == permit_holder


def test_a_passport_number_that_reads_like_a_resident_id_is_not_that_resident(world: World) -> None:
    """A resident ID's blind index keeps its old domain: the same characters looked up as a passport miss it."""
    resident = world.ours.consumer(name="张三", phone="13800138001")
    assert resident.resident_id is not None
    digits = resident.resident_id

    as_resident = blind_indexer().index("resident_id", digits)
    as_passport = blind_indexer().index("id_document:passport", digits)

    assert resident.resident_id_index == as_resident
    assert not Consumer.objects.filter(resident_id_index=as_passport).exists()
    assert consumer_by_resident_id(digits) == resident


def test_a_passport_number_on_record_with_another_phone_is_only_stated(world: World) -> None:
    """docs/adr/0007 for every document: a typed number proves nothing, the verified phone does."""
    owner, _ = identify(PASSPORT, IdKind.FOREIGN_PASSPORT, phone="13800138001")
    stranger, confirmed = identify(PASSPORT, IdKind.FOREIGN_PASSPORT, phone="13900139002")

    assert stranger.pk != owner.pk
    assert not confirmed
    assert stranger.resident_id_index is None
    assert stranger.stated_resident_id_index == owner.resident_id_index
    assert stranger.id_kind == "passport"


def test_the_same_passport_with_the_same_phone_is_the_same_person(world: World) -> None:
    first, _ = identify(PASSPORT, IdKind.FOREIGN_PASSPORT)
    again, confirmed = identify(PASSPORT.lower(), IdKind.FOREIGN_PASSPORT)
    assert (again.pk, confirmed) == (first.pk, True)


def test_a_hong_kong_permit_matches_across_renewals(world: World) -> None:
    first, _ = identify("H1234567800", IdKind.HK_MACAO_PERMIT)
    renewed, confirmed = identify("H1234567801", IdKind.HK_MACAO_PERMIT)
    assert (renewed.pk, confirmed) == (first.pk, True)


def test_an_invalid_number_registers_no_one(world: World) -> None:
    before = (Consumer.objects.count(), AuditEvent.objects.count())
    with pytest.raises(InvalidInput) as refused:
        identify("E1234", IdKind.CHINESE_PASSPORT)
    assert refused.value.code == "invalid_id_document"
    assert (Consumer.objects.count(), AuditEvent.objects.count()) == before


def test_the_birth_year_comes_from_the_document_when_it_holds_one(world: World) -> None:
    person, _ = identify("810000195003040010", IdKind.RESIDENCE_PERMIT, birth_year=1990)
    assert Consumer.objects.get(pk=person.pk).birth_year == 1950


def test_an_impossible_stated_birth_year_is_refused(world: World) -> None:
    with pytest.raises(InvalidInput) as refused:
        identify(PASSPORT, IdKind.FOREIGN_PASSPORT, birth_year=1850)
    assert refused.value.code == "invalid_birth_year"
    assert not Consumer.objects.exists()


def test_saying_one_is_new_to_the_city_marks_a_known_person_once_and_audited(world: World) -> None:
    person, _ = identify(PASSPORT, IdKind.FOREIGN_PASSPORT)
    identify(PASSPORT, IdKind.FOREIGN_PASSPORT, new_urban_resident=True)
    identify(PASSPORT, IdKind.FOREIGN_PASSPORT, new_urban_resident=True)

    assert Consumer.objects.get(pk=person.pk).new_urban_resident
    assert AuditEvent.objects.filter(event_type="consumer.new_urban_resident", subject_id=str(person.pk)).count() == 1


def test_saying_nothing_takes_the_flag_away_from_no_one(world: World) -> None:
    person, _ = identify(PASSPORT, IdKind.FOREIGN_PASSPORT, new_urban_resident=True)
    events = AuditEvent.objects.count()

    identify(PASSPORT, IdKind.FOREIGN_PASSPORT, new_urban_resident=False)

    assert Consumer.objects.get(pk=person.pk).new_urban_resident
    assert AuditEvent.objects.count() == events
