"""Two people whose cases overlap at two insurers (issue #19, data rights): each files complaints and claims at
both, with texts of their own, a file, a call-back, a draft and the notices the actions send them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import pytest

from tests.conftest import World
from tests.support.clock import SHANGHAI, SettableClock
from tests.support.world import fresh_resident_id, make_consumer
from xiaobao.callbacks.actions import CallbackAsked, callback_record_call, callback_request
from xiaobao.callbacks.domain.languages import CallLanguage
from xiaobao.callbacks.domain.lifecycle import CallOutcome
from xiaobao.callbacks.domain.timing import Slot
from xiaobao.callbacks.models import CallbackRequest
from xiaobao.claims import actions as claim_actions
from xiaobao.claims.actions import NewClaim
from xiaobao.claims.models import Claim
from xiaobao.complaints import actions as complaint_actions
from xiaobao.complaints.actions import NewComplaint
from xiaobao.complaints.domain.classification import Channel, ProductLine, Reason
from xiaobao.complaints.models import Complaint
from xiaobao.identity.models import Consumer
from xiaobao.intake.actions import draft_keep
from xiaobao.kernel.actors import SYSTEM, Actor, ActorKind, Role
from xiaobao.ops import clock as app_clock

PDF = b"%PDF-1.4 a claim document of its own"
"""Each file also carries random bytes: uploads are stored by content address, and parallel test workers share
the media directory, so one test erasing its file must not delete another's."""


@dataclass
class Person:
    consumer: Consumer
    actor: Actor
    name: str
    resident_id: str
    phone: str
    complaints: list[Complaint]
    claims: list[Claim]
    marker: str
    texts: list[str]
    """Every free text written about the person (by them or by staff): ``traces`` looks for each."""


@pytest.fixture
def clock() -> Iterator[SettableClock]:
    settable = SettableClock(datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI))
    with app_clock.using(settable):
        yield settable


def make_person(world: World, *, name: str, phone: str, marker: str, with_file: bool) -> Person:
    resident_id = fresh_resident_id(date(1960, 1, 8))
    consumer = make_consumer(
        insurer_ids=[world.ours.insurer.pk, world.theirs.insurer.pk], name=name, phone=phone, resident_id=resident_id
    )
    actor = Actor(kind=ActorKind.CONSUMER, consumer_id=consumer.pk)
    complaints, claims = [], []
    for tenant in (world.ours, world.theirs):
        _, supervisor = tenant.staff(Role.SUPERVISOR)
        _, handler = tenant.staff(Role.HANDLER)
        complaints.append(
            complaint_actions.complaint_register(
                actor=supervisor,
                data=NewComplaint(
                    handling_branch_id=tenant.city.pk,
                    channel=Channel.HOTLINE,
                    received_at=app_clock.now(),
                    product_line=ProductLine.MEDICAL,
                    reason=Reason.CLAIMS,
                    description=f"{marker} 在 {tenant.insurer.code} 的投诉：理赔被拒",
                    requested_outcome=f"{marker} 要求赔付 {tenant.insurer.code}",
                    complainant_id=consumer.pk,
                    policy_number=f"POL-{marker}-{tenant.insurer.code}",
                ),
            )
        )
        complaint_actions.complaint_add_message(
            actor=SYSTEM, complaint_id=complaints[-1].pk, channel=Channel.HOTLINE, text=f"{marker} 来电补充说明"
        )
        claim = claim_actions.claim_report(
            actor=handler,
            insurer_id=tenant.insurer.pk,
            claimant_id=consumer.pk,
            data=NewClaim(
                policy_number=f"CLM-POL-{marker}-{tenant.insurer.code}",
                product_line="medical",
                claim_type="hospitalisation",
                incident_date=date(2026, 2, 20),
                incident_region="210102",
                description=f"{marker} 住院 {tenant.insurer.code}",
                amount_claimed=Decimal("1000.00"),
            ),
        )
        claims.append(claim)
        if with_file:
            claim_actions.claim_receive_document(
                actor=handler,
                claim_id=claim.pk,
                item_code="invoice",
                name=f"{marker}-发票.pdf",
                content=PDF + marker.encode() + uuid.uuid4().bytes,
            )
    callback_request(
        actor=actor,
        insurer_id=world.ours.insurer.pk,
        asked=CallbackAsked(slot=Slot.SOON, language=CallLanguage.MANDARIN, note=f"{marker} 请回电"),
        idempotency_key=f"key-{marker}",
        client="127.0.0.1",
    )
    draft_keep(
        actor=actor,
        insurer_id=world.theirs.insurer.pk,
        kind="complaint",
        fields={"description": f"{marker} 草稿"},
        why="later",
    )
    consumer.refresh_from_db()
    texts = [f"{marker} 在 {code} 的投诉：理赔被拒" for code in (world.ours.insurer.code, world.theirs.insurer.code)]
    texts += [f"{marker} 要求赔付 {tenant.insurer.code}" for tenant in (world.ours, world.theirs)]
    texts += [f"{marker} 住院 {tenant.insurer.code}" for tenant in (world.ours, world.theirs)]
    texts += [f"POL-{marker}-{tenant.insurer.code}" for tenant in (world.ours, world.theirs)]
    texts += [f"{marker} 来电补充说明", f"{marker} 请回电", f"{marker} 草稿"]
    return Person(consumer, actor, name, resident_id, phone, complaints, claims, marker, texts)


@pytest.fixture
def alice(world: World, clock: SettableClock) -> Person:
    return make_person(world, name="欧阳娜娜", phone="13700001111", marker="ALICE", with_file=True)


@pytest.fixture
def bob(world: World, clock: SettableClock, alice: Person) -> Person:
    return make_person(world, name="司马相如", phone="13600002222", marker="BOBBY", with_file=True)


HOSPITAL_ITEMS = ["claim_form", "id_card", "invoice", "discharge_summary", "bank_card"]


def settle(world: World, person: Person) -> None:
    """Every complaint of the person decided and closed, every claim refused, every call-back made: nothing holds
    their data. On the way staff write about the person — a declined complaint's reason, notes on new facts, a
    pause, an extension and a declared conflict, information asked of the person, the reason for revealing her phone, the reason a claim waits —
    and the decision is read aloud; each of these texts joins ``person.texts``."""
    from xiaobao.privacy.actions import personal_data_reveal
    from xiaobao.speech import recording
    from xiaobao.speech.domain.voices import VOICES
    from xiaobao.speech.engine import key_of

    m = person.marker

    def wrote(text: str) -> str:
        person.texts.append(text)
        return text

    from xiaobao.complaints.domain.decisions import Decision, Outcome

    decision = Decision(
        outcome=Outcome.NOT_UPHELD,
        findings=f"{person.marker} 已核实",
        basis=f"{person.marker} 合同第三条",
        reasons=f"{person.marker} 理由充分",
        remedy=f"{person.marker} 无",
    )
    person.texts += [decision.findings, decision.basis, decision.reasons, decision.remedy]
    recording.record(  # the tracking page showed the decision with its players
        [
            recording.Spoken(key_of(voice=VOICES["cmn"], text=text), "cmn", "zh-CN", text)
            for text in (decision.findings, decision.basis, decision.reasons, decision.remedy)
        ]
    )
    _, supervisor = world.ours.staff(Role.SUPERVISOR)
    declined = complaint_actions.complaint_register(
        actor=supervisor,
        data=NewComplaint(
            handling_branch_id=world.ours.city.pk,
            channel=Channel.HOTLINE,
            received_at=app_clock.now(),
            product_line=ProductLine.MEDICAL,
            reason=Reason.CLAIMS,
            description=wrote(f"{m} 咨询保单条款"),
            complainant_id=person.consumer.pk,
        ),
    )
    complaint_actions.complaint_decline(
        actor=SYSTEM, complaint_id=declined.pk, reason=wrote(f"{m} 只是咨询，不是投诉，已电话答复")
    )
    _, revealer = world.ours.staff(Role.HANDLER)
    personal_data_reveal(
        actor=revealer, consumer_id=person.consumer.pk, field="phone", reason=wrote(f"{m} 回电需要号码")
    )
    for complaint in person.complaints:
        tenant = world.ours if complaint.insurer_id == world.ours.insurer.pk else world.theirs
        handler, assigned = tenant.staff(Role.HANDLER)
        pk = complaint.pk
        complaint_actions.complaint_accept(actor=SYSTEM, complaint_id=pk)
        complaint_actions.complaint_assign(actor=SYSTEM, complaint_id=pk, handler_id=handler.pk)
        complaint_actions.complaint_investigate(actor=SYSTEM, complaint_id=pk)
        code = tenant.insurer.code
        complaint_actions.complaint_request_information(
            actor=SYSTEM, complaint_id=pk, text=wrote(f"{m} 请提供住院发票原件 {code}")
        )
        complaint_actions.complaint_new_facts(actor=SYSTEM, complaint_id=pk, note=wrote(f"{m} 提供了新病历 {code}"))
        complaint_actions.complaint_pause(
            actor=SYSTEM, complaint_id=pk, kind="appraisal", note=wrote(f"{m} 等待伤残鉴定 {code}")
        )
        complaint_actions.complaint_resume(actor=SYSTEM, complaint_id=pk)
        extension = complaint_actions.complaint_request_extension(
            actor=assigned, complaint_id=pk, to_complexity="complex", reason=wrote(f"{m} 病情复杂需要会诊 {code}")
        )
        _, approver = tenant.staff(Role.SUPERVISOR)
        complaint_actions.complaint_decide_extension(
            actor=approver, extension_id=extension.pk, approve=True, note=wrote(f"{m} 同意延期 {code}")
        )
        complaint_actions.complaint_declare_conflict(
            actor=assigned, complaint_id=pk, note=wrote(f"{m} 是我的邻居 {code}")
        )
        other, _ = tenant.staff(Role.HANDLER)
        complaint_actions.complaint_assign(actor=SYSTEM, complaint_id=pk, handler_id=other.pk)
        complaint_actions.complaint_investigate(actor=SYSTEM, complaint_id=pk)
        complaint_actions.complaint_decide(actor=SYSTEM, complaint_id=pk, decision=decision)
        complaint_actions.complaint_send_decision(actor=SYSTEM, complaint_id=pk)
        complaint_actions.complaint_close(actor=SYSTEM, complaint_id=pk)
    for callback in CallbackRequest.objects.filter(consumer=person.consumer, state="open"):
        _, caller = world.ours.staff(Role.HANDLER)
        callback_record_call(actor=caller, request_id=callback.pk, outcome=CallOutcome.CALLED)
    for claim in person.claims:
        for code in HOSPITAL_ITEMS:
            if Claim.objects.get(pk=claim.pk).state == "documents_complete":
                break
            claim_actions.claim_receive_document(
                actor=SYSTEM,
                claim_id=claim.pk,
                item_code=code,
                name=f"{code}.pdf",
                content=PDF + code.encode() + uuid.uuid4().bytes,
            )
        claim_actions.claim_assess(actor=SYSTEM, claim_id=claim.pk)
        claim_actions.claim_pause(actor=SYSTEM, claim_id=claim.pk, reason=wrote(f"{m} 等待司法鉴定 {claim.pk}"))
        claim_actions.claim_resume(actor=SYSTEM, claim_id=claim.pk)
        claim_actions.claim_refuse(
            actor=SYSTEM, claim_id=claim.pk, reasons="事故原因不在本合同保障范围之内。", basis="合同第五条"
        )


def traces(person: Person, indexes: list[str]) -> list[str]:
    """Where the person's name, ID number or phone — or their blind indexes, or any free text written about
    them (``person.texts``) — are still found: every table's raw
    rows as the database holds them, and every encrypted column decrypted. The recording SMS gateway's table is
    left out: it stands for the SMS provider, outside xiaobao (what it was sent is the provider's record)."""
    from django.apps import apps
    from django.db import connection

    from xiaobao.privacy.fields import EncryptedTextField

    plain = [person.name, person.resident_id, person.phone, *person.texts]
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table == "notifications_recordedsms":
                continue
            cursor.execute(f'SELECT * FROM "{table}"')
            for row in cursor.fetchall():
                text = " ".join(str(cell) for cell in row)
                found += [f"{table}: {value}" for value in [*plain, *indexes] if value and value in text]
    for model in apps.get_models():
        if model.__name__ == "RecordedSms":
            continue
        encrypted = [f.name for f in model._meta.get_fields() if isinstance(f, EncryptedTextField)]
        if not encrypted:
            continue
        for values in model._default_manager.values_list(*encrypted):
            text = " ".join(str(v) for v in values)
            found += [f"{model.__name__} (decrypted): {value}" for value in plain if value in text]
    return found


def indexes_of(person: Person) -> list[str]:
    c = person.consumer
    return [v for v in (c.name_index, c.phone_index, c.resident_id_index) if v]


def audit_verifies() -> str:
    """``manage.py audit_verify``'s answer: "ok" when it exits 0, else the break it names."""
    from django.core.management import call_command
    from django.core.management.base import CommandError

    try:
        call_command("audit_verify")
    except CommandError as broken:
        return str(broken)
    return "ok"
