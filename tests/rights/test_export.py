"""An export holds all and only the consumer's data (issue #19, PIPL Art.45): compared with a listing built here
from the models, and searched for every value of another person whose cases sit at the same two insurers."""

from __future__ import annotations

import json

import pytest
from django.utils.translation import gettext

from tests.conftest import World
from tests.rights.conftest import Person
from xiaobao.audit.models import AuditEvent
from xiaobao.callbacks.actions import callback_record_call
from xiaobao.callbacks.domain.lifecycle import CallOutcome
from xiaobao.callbacks.models import CallbackRequest
from xiaobao.claims.models import Claim, ClaimDocument
from xiaobao.complaints import actions as complaint_actions
from xiaobao.complaints.models import Complaint, Message
from xiaobao.intake.models import Draft
from xiaobao.kernel.actors import ANONYMOUS, SYSTEM, Actor, ActorKind, Role
from xiaobao.kernel.errors import NotFound
from xiaobao.notifications.models import Notification
from xiaobao.rights.actions import personal_data_read
from xiaobao.rights.selectors import WHO_TEXT, export_json

pytestmark = pytest.mark.django_db


def exported(person: Person) -> str:
    """The downloaded file as text, with every value it holds listed after it as it reads unescaped."""
    raw = export_json(personal_data_read(actor=person.actor, format="json")).decode()
    return raw + "\n" + "\n".join(leaves(json.loads(raw)))


def leaves(value: object) -> list[str]:
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in leaves(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in leaves(item)]
    return [str(value)]


def listing(person: Person) -> list[str]:
    """Every personal value held about the person, read straight from the models (not through the export)."""
    c = person.consumer
    values = [c.name, c.resident_id or "", c.phone or ""]
    for complaint in Complaint.objects.filter(complainant=c):
        values += [
            complaint.reference or "",
            complaint.description,
            complaint.requested_outcome,
            complaint.policy_number,
        ]
    values += [m.text for m in Message.objects.filter(complaint__complainant=c)]
    for claim in Claim.objects.filter(claimant=c):
        values += [claim.reference or "", claim.description, claim.policy_number]
    for document in ClaimDocument.objects.filter(claim__claimant=c):
        values += [document.original_name, document.sha256, str(document.size)]
    values += [cb.reference or "" for cb in CallbackRequest.objects.filter(consumer=c)]
    values += [cb.note for cb in CallbackRequest.objects.filter(consumer=c)]
    values += [json.loads(d.fields)["description"] for d in Draft.objects.filter(consumer=c)]
    values += [n.body for n in Notification.objects.filter(consumer=c)]
    return [v for v in values if v]


def test_the_export_holds_every_value_the_models_hold_about_the_consumer(alice: Person, bob: Person) -> None:
    # given two people with complaints, claims, files, call-backs, drafts and notices at the same two insurers
    # when alice downloads her data
    export = exported(alice)
    # then every value the models hold about her is in it
    missing = [value for value in listing(alice) if value not in export]
    assert missing == []
    assert len(listing(alice)) > 20  # the listing is not empty by accident


def test_the_export_holds_nothing_of_the_other_consumer(alice: Person, bob: Person) -> None:
    export = exported(alice)
    national_phone = bob.phone
    his = [v for v in listing(bob) if len(v) >= 6]  # file sizes are numbers anyone's file may share
    assert len(his) > 20
    for value in [bob.name, bob.resident_id, national_phone, "BOBBY", *his]:
        assert value not in export, value


def test_the_export_lists_each_of_her_cases_and_files_once(alice: Person, bob: Person) -> None:
    data = personal_data_read(actor=alice.actor, format="json")
    assert sorted(c["reference"] for c in data["complaints"]) == sorted(c.reference for c in alice.complaints)
    assert sorted(c["reference"] for c in data["claims"]) == sorted(c.reference for c in alice.claims)
    files = [f for claim in data["claims"] for f in claim["files"]]
    assert sorted(f["sha256"] for f in files) == sorted(
        ClaimDocument.objects.filter(claim__claimant=alice.consumer).values_list("sha256", flat=True)
    )
    assert all(set(f) >= {"name", "size", "sha256"} for f in files)


def test_the_export_names_no_staff_member(alice: Person) -> None:
    export = exported(alice)
    assert "Staff " not in export  # test staff are called "Staff <n>"
    data = personal_data_read(actor=alice.actor, format="json")
    assert {step["by"] for c in data["complaints"] for step in c["steps"]} <= {str(w) for w in WHO_TEXT.values()} | {
        gettext("xiaobao")
    }  # roles only, in her language


def test_the_export_is_recorded_as_a_read_of_her_data(alice: Person) -> None:
    before = AuditEvent.objects.filter(event_type="rights.data_exported").count()
    exported(alice)
    event = AuditEvent.objects.filter(event_type="rights.data_exported").latest("id")
    assert AuditEvent.objects.filter(event_type="rights.data_exported").count() == before + 1
    assert (event.subject_id, event.actor_id, event.new_values["format"]) == (
        str(alice.consumer.pk),
        f"consumer:{alice.consumer.pk}",
        "json",
    )


@pytest.mark.parametrize("who", ["anonymous", "staff"])
def test_only_a_consumer_reads_their_data(alice: Person, who: str) -> None:
    actor = ANONYMOUS if who == "anonymous" else Actor(kind=ActorKind.STAFF, staff_id=1, insurer_id=1)
    before = AuditEvent.objects.count()
    with pytest.raises(NotFound):
        personal_data_read(actor=actor, format="json")
    assert AuditEvent.objects.count() == before


def test_the_export_holds_no_note_kept_inside_the_insurer(world: World, alice: Person) -> None:
    # given a handler's note on her call-back and an appraisal pause's note on her complaint
    callback = CallbackRequest.objects.get(consumer=alice.consumer)
    handler = world.ours.staff(Role.HANDLER)[1]
    callback_record_call(
        actor=handler, request_id=callback.pk, outcome=CallOutcome.CALLED, note="INTERNAL 客户情绪激动"
    )
    complaint = alice.complaints[0]
    complaint_actions.complaint_accept(actor=SYSTEM, complaint_id=complaint.pk)
    complaint_actions.complaint_assign(actor=SYSTEM, complaint_id=complaint.pk, handler_id=handler.staff_id)
    complaint_actions.complaint_investigate(actor=SYSTEM, complaint_id=complaint.pk)
    complaint_actions.complaint_pause(actor=SYSTEM, complaint_id=complaint.pk, kind="appraisal", note="INTERNAL 等鉴定")
    # when she downloads her data, then neither note is in it (her own call-back note is)
    export = exported(alice)
    assert "INTERNAL" not in export
    assert "ALICE 请回电" in export
