"""Demo data: every role, an elderly and a visually impaired consumer, loaded once."""

from __future__ import annotations

import pytest

from xiaobao.audit.verification import verify
from xiaobao.demo.data import load
from xiaobao.disputes.models import SharingAgreement
from xiaobao.identity.models import Consumer, Insurer, MediationOrganisation, Partner, StaffRole
from xiaobao.kernel.actors import Role

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Insurer, StaffRole, Partner, Consumer, MediationOrganisation))


def test_demo_data_is_loaded_once() -> None:
    first = load()
    counts = _counts()

    second = load()

    assert (first.created, second.created) == (True, False)
    assert _counts() == counts
    assert verify().ok


def test_demo_data_has_two_insurers_with_every_role_and_the_consumers_the_mission_names() -> None:
    load()

    assert Insurer.objects.count() == 2
    for insurer in Insurer.objects.all():
        roles = set(StaffRole.objects.filter(staff__insurer=insurer).values_list("role", flat=True))
        assert roles == {role.value for role in Role}
        assert Partner.objects.filter(insurer=insurer).count() == 2
    assert Consumer.objects.filter(birth_year__lte=1960).exists()
    assert Consumer.objects.filter(visually_impaired=True).exists()
    # an industry centre and a court's mediation desk (issue #17), the centre under agreement with both insurers
    assert MediationOrganisation.objects.count() == 2
    assert SharingAgreement.objects.filter(organisation__code="ln-mediation").count() == 2
