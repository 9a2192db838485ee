"""A person is who their verified phone says (SEC-1, CMP-I1): someone with another's ID number and their own
phone sees none of that person's cases and cannot act on them; the rightful owner still can."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.conftest import World
from tests.portal.conftest import PDF, Filer, apply, filed_and_opened
from xiaobao.audit.models import AuditEvent
from xiaobao.claims.models import Claim, ClaimDocument
from xiaobao.complaints.models import Complaint
from xiaobao.identity.models import Consumer
from xiaobao.notifications.models import Notification

pytestmark = pytest.mark.django_db

OWNER_PHONE, STRANGER_PHONE = "13800138001", "13900139002"


@dataclass
class Owner:
    complaint: Complaint
    claim: Claim
    consumer: Consumer


@pytest.fixture
def owner(filer: Filer) -> Owner:
    """Given a consumer who filed a complaint and a claim from their own phone."""
    complaint, _code = filed_and_opened(filer)
    apply(filer)
    claim = Claim.objects.get()
    return Owner(complaint, claim, complaint.complainant)


@pytest.fixture
def stranger(world: World, owner: Owner, filer: Filer) -> Filer:
    """Someone else, in another browser, who typed the owner's ID number and checked their own phone."""
    other = Filer(Client(), world.ours.insurer, filer.resident_id)
    other.start(name="李四", phone=STRANGER_PHONE)
    other.verify()
    return other


def test_another_persons_id_number_with_ones_own_phone_shows_none_of_their_cases(owner: Owner, stranger: Filer) -> None:
    page = stranger.client.get("/my/").content.decode()
    assert owner.complaint.reference not in page
    assert owner.claim.reference not in page
    assert "只显示您用这部手机提交的内容" in page  # the page says why
    assert stranger.client.get(f"/track/{owner.complaint.reference}/").status_code == 404
    assert stranger.client.get(f"/claims/{owner.claim.reference}/").status_code == 404


def test_another_persons_id_number_cannot_act_on_their_cases(owner: Owner, stranger: Filer) -> None:
    documents_before = ClaimDocument.objects.count()
    events_before = AuditEvent.objects.count()
    sent = stranger.client.post(
        f"/claims/{owner.claim.reference}/documents/", {"doc-claim_form": SimpleUploadedFile("a.pdf", PDF)}
    )
    withdrawn = stranger.client.post(f"/track/{owner.complaint.reference}/withdraw/", {"confirm": "yes"})
    assert (sent.status_code, withdrawn.status_code) == (404, 404)
    owner.complaint.refresh_from_db()
    assert owner.complaint.state != "withdrawn"
    assert ClaimDocument.objects.count() == documents_before
    assert AuditEvent.objects.count() == events_before


def test_what_the_stranger_files_is_theirs_not_the_owners(owner: Owner, stranger: Filer) -> None:
    stranger.details(description="另一件事。", token="stranger-1")
    filed = Complaint.objects.exclude(pk=owner.complaint.pk).get()
    assert filed.complainant_id != owner.consumer.pk
    assert filed.complainant.identity_confirmed is False
    # notices of the new case go to the phone that was checked, not to the phone on record
    assert not Notification.objects.filter(consumer=owner.consumer, about_id=str(filed.pk)).exists()
    told = [n.to_address for n in Notification.objects.filter(consumer=filed.complainant)]
    assert told
    assert all(address.endswith(STRANGER_PHONE) for address in told)
    assert AuditEvent.objects.filter(event_type="consumer.identity_unconfirmed").count() == 1
    # the owner, back with their own phone, sees their cases and not the stranger's
    back = Filer(Client(), owner.complaint.insurer, stranger.resident_id)
    back.start(phone=OWNER_PHONE)
    back.verify()
    page = back.client.get("/my/").content.decode()
    assert owner.complaint.reference in page
    assert owner.claim.reference in page
    assert filed.reference not in page
    assert "只显示您用这部手机提交的内容" not in page


def test_the_same_stranger_coming_back_finds_what_they_filed_and_nothing_more(owner: Owner, stranger: Filer) -> None:
    stranger.details(description="另一件事。", token="stranger-1")
    filed = Complaint.objects.exclude(pk=owner.complaint.pk).get()
    again = Filer(Client(), owner.complaint.insurer, stranger.resident_id)
    again.start(name="李四", phone=STRANGER_PHONE)
    again.verify()
    page = again.client.get("/my/").content.decode()
    assert filed.reference in page
    assert owner.complaint.reference not in page
    assert Consumer.objects.count() == 2  # one record for the stranger's phone, however often they come


def test_the_rightful_owner_keeps_acting_on_their_claim(owner: Owner, stranger: Filer, filer: Filer) -> None:
    sent = filer.client.post(
        f"/claims/{owner.claim.reference}/documents/", {"doc-claim_form": SimpleUploadedFile("a.pdf", PDF)}
    )
    assert sent.status_code == 302
    assert ClaimDocument.objects.filter(claim=owner.claim).count() == 1


def test_typing_someones_id_number_first_does_not_capture_their_later_cases(world: World, filer: Filer) -> None:
    """Before: the first phone to type an unknown ID number held it, and a complaint staff later registered
    for its real holder (with the holder's own phone) went to that record — its notices and access code to
    the squatter's phone, its page to the squatter's /my/."""
    from xiaobao.complaints import actions as complaint_actions
    from xiaobao.complaints.actions import NewComplaint
    from xiaobao.complaints.domain.classification import Channel, ProductLine, Reason
    from xiaobao.identity.actions import ConsumerDetails
    from xiaobao.kernel.actors import Role
    from xiaobao.ops import clock

    squatter = Filer(Client(), world.ours.insurer, filer.resident_id)
    squatter.start(name="李四", phone=STRANGER_PHONE)
    squatter.verify()
    _, counter_staff = world.ours.staff(Role.HANDLER)
    registered = complaint_actions.complaint_register(
        actor=counter_staff,
        data=NewComplaint(
            handling_branch_id=world.ours.city.pk,
            channel=Channel.COUNTER,
            received_at=clock.now(),
            product_line=ProductLine.MEDICAL,
            reason=Reason.CLAIMS,
            description="柜台投诉：理赔被拒。",
            complainant=ConsumerDetails(name="王淑芬", resident_id=filer.resident_id, phone=OWNER_PHONE),
        ),
    )

    assert squatter.client.get("/my/").content.decode().count(registered.reference) == 0
    told = [n.to_address for n in Notification.objects.filter(consumer=registered.complainant)]
    assert told
    assert all(address.endswith(OWNER_PHONE) for address in told)
    assert AuditEvent.objects.filter(event_type="consumer.resident_id_released").count() == 1
    owner = Filer(Client(), world.ours.insurer, filer.resident_id)
    owner.start(phone=OWNER_PHONE)
    owner.verify()
    assert registered.reference in owner.client.get("/my/").content.decode()
