"""A breach drill's world (issue #19 item 5): consumers of two insurers whose data staff revealed and partners read
at chosen moments — on the window's edges, a second outside them, in other kinds of data, through other sources —
and cases received inside and outside the window.

Every trace is made through the product's own actions at a set clock, and kept as a plain ``Trace`` so that a test
can say who the incident should find by its own arithmetic, independently of ``breaches.domain``.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from tests.conftest import World
from tests.support.clock import SHANGHAI, SettableClock
from tests.support.world import Tenant
from xiaobao.breaches.actions import incident_open
from xiaobao.breaches.domain.incidents import DataType, IncidentFacts, Source, SourceKind
from xiaobao.breaches.models import Incident
from xiaobao.claims import actions as claim_actions
from xiaobao.claims.actions import NewClaim
from xiaobao.complaints import actions as complaint_actions
from xiaobao.complaints.actions import NewComplaint
from xiaobao.complaints.domain.classification import Channel, ProductLine, Reason
from xiaobao.identity.actions import partner_key_issue
from xiaobao.identity.actors import actor_for_partner_key
from xiaobao.identity.models import Consumer, Partner
from xiaobao.kernel.actors import SYSTEM, Actor, Role
from xiaobao.ops import clock as app_clock
from xiaobao.privacy.actions import PartnerRead, partner_reads_record, personal_data_reveal
from xiaobao.privacy.domain.agreements import COMPLAINT_HANDLING, Release
from xiaobao.privacy.models import DataSharingAgreement

START = datetime(2026, 3, 10, 9, 0, 0, tzinfo=SHANGHAI)
END = datetime(2026, 3, 12, 18, 0, 0, tzinfo=SHANGHAI)
SECOND = timedelta(seconds=1)
MOMENTS = {
    "second before start": START - SECOND,
    "at start": START,
    "inside": START + timedelta(hours=20, minutes=7, seconds=3),
    "at end": END,
    "second after end": END + SECOND,
}
FIELD_TYPE = {"name": "name", "phone": "phone", "resident_id": "id_number", "email": "email"}
CATEGORY_TYPES = {
    "complaint": {"complaint_text"},
    "complainant_contact": {"name", "phone"},
    "policy": {"policy_number"},
}


@dataclass(frozen=True)
class Trace:
    """One thing that happened to one consumer's data: a reveal, a partner read or a case received."""

    consumer_id: int
    insurer: str  # "ours" or "theirs"
    kind: str  # "reveal", "read", "complaint", "claim"
    by: str  # the staff member's, partner's or key's label; "" for a case
    types: frozenset[str]
    at: datetime


@dataclass
class Drill:
    world: World
    officer: Actor
    leaky_staff: Actor
    other_staff: Actor
    leaky_partner: Partner
    leaky_key_id: int
    other_partner: Partner
    traces: list[Trace] = field(default_factory=list)
    consumers: dict[int, Consumer] = field(default_factory=dict)

    def expected(self, *, kind: str, by: str, types: set[str]) -> set[int]:
        """Who the incident must find, by this test's own reading of the rule: our insurer's traces, from the
        source, of one of the kinds, with both ends of the window included."""
        found = set()
        for trace in self.traces:
            if trace.insurer != "ours" or not (START <= trace.at <= END) or not (trace.types & types):
                continue
            if kind == "all" or (trace.kind in {"reveal", "read"} and by in trace.by.split("|")):
                found.add(trace.consumer_id)
        return found


@pytest.fixture
def clock() -> Iterator[SettableClock]:
    settable = SettableClock(datetime(2026, 3, 1, 10, 0, tzinfo=SHANGHAI))
    with app_clock.using(settable):
        yield settable


def _partner_actor(partner: Partner) -> tuple[Actor, int]:
    key, raw = partner_key_issue(actor=SYSTEM, partner_id=partner.pk)
    actor = actor_for_partner_key(raw)
    assert actor is not None
    return actor, key.pk


def _agreement(partner: Partner) -> int:
    return DataSharingAgreement.objects.get(partner=partner).pk


CATEGORIES = ["complaint", "complainant_contact", "policy"]


def _read(tenant_partner: Partner, actor: Actor, consumer: Consumer, categories: list[str]) -> None:
    agreement = _agreement(tenant_partner)
    partner_reads_record(
        actor=actor,
        granted=Release(purpose=COMPLAINT_HANDLING, agreement_of=dict.fromkeys(categories, agreement)),
        reads=[PartnerRead(consumer_id=consumer.pk, record=f"TS-{consumer.pk}")],
    )


def _complaint(tenant: Tenant, supervisor: Actor, consumer: Consumer, at: datetime) -> None:
    complaint_actions.complaint_register(
        actor=supervisor,
        data=NewComplaint(
            handling_branch_id=tenant.city.pk,
            channel=Channel.HOTLINE,
            received_at=at,
            product_line=ProductLine.MEDICAL,
            reason=Reason.CLAIMS,
            description="理赔被拒，要求复核",
            requested_outcome="要求赔付",
            complainant_id=consumer.pk,
            policy_number=f"POL-{consumer.pk}",
        ),
    )


def _claim(tenant: Tenant, handler: Actor, consumer: Consumer) -> None:
    claim_actions.claim_report(
        actor=handler,
        insurer_id=tenant.insurer.pk,
        claimant_id=consumer.pk,
        data=NewClaim(
            policy_number=f"CLM-{consumer.pk}",
            product_line="medical",
            claim_type="hospitalisation",
            incident_date=date(2026, 2, 20),
            incident_region="210102",
            description="住院",
            amount_claimed=Decimal("1000.00"),
        ),
    )


@pytest.fixture
def drill(world: World, clock: SettableClock) -> Drill:
    """About forty consumers, each touched once at one of the moments by one source, in one kind of data; the
    edges of the window and the seconds beside them each come up for every source."""
    rng = random.Random(19)  # a fixed seed: the drill is the same on every run
    ours, theirs = world.ours, world.theirs
    _, officer = ours.staff(Role.COMPLIANCE_OFFICER)
    leaky_staff_row, leaky_staff = ours.staff(Role.HANDLER)
    other_staff_row, other_staff = ours.staff(Role.HANDLER)
    theirs_staff_row, theirs_staff = theirs.staff(Role.HANDLER)
    _, supervisor = ours.staff(Role.SUPERVISOR)
    _, handler = ours.staff(Role.HANDLER)
    _, their_supervisor = theirs.staff(Role.SUPERVISOR)
    leaky_partner = ours.partner_under_agreement(CATEGORIES)
    other_partner = ours.partner_under_agreement(CATEGORIES)
    their_partner = theirs.partner_under_agreement(CATEGORIES)
    leaky_actor, leaky_key = _partner_actor(leaky_partner)
    second_actor, second_key = _partner_actor(leaky_partner)  # the same partner's other key
    other_actor, other_key = _partner_actor(other_partner)
    their_actor, their_key = _partner_actor(their_partner)
    drill = Drill(world, officer, leaky_staff, other_staff, leaky_partner, leaky_key, other_partner)

    staff_sources = [
        ("ours", leaky_staff, f"staff:{leaky_staff_row.pk}"),
        ("ours", other_staff, f"staff:{other_staff_row.pk}"),
        ("theirs", theirs_staff, f"staff:{theirs_staff_row.pk}"),
    ]
    partner_sources = [
        ("ours", leaky_partner, leaky_actor, f"partner:{leaky_partner.pk}|key:{leaky_key}"),
        ("ours", leaky_partner, second_actor, f"partner:{leaky_partner.pk}|key:{second_key}"),
        ("ours", other_partner, other_actor, f"partner:{other_partner.pk}|key:{other_key}"),
        ("theirs", their_partner, their_actor, f"partner:{their_partner.pk}|key:{their_key}"),
    ]
    n = 0

    def person(which: str) -> Consumer:
        nonlocal n
        n += 1
        tenant = ours if which == "ours" else theirs
        details: dict[str, object] = {"name": f"测试{n:02d}", "phone": f"139{n:08d}"}
        if n % 3 == 0:
            details["email"] = f"person{n}@example.cn"
        consumer = tenant.consumer(**details)
        if n % 4 == 0:
            consumer.preferred_language = "en"
            consumer.save(update_fields=["preferred_language"])
        drill.consumers[consumer.pk] = consumer
        return consumer

    for moment in MOMENTS.values():
        for which, actor, label in staff_sources:
            for field_name in ("phone", "resident_id", rng.choice(["name", "email"])):
                consumer = person(which)
                clock.moment = moment
                personal_data_reveal(actor=actor, consumer_id=consumer.pk, field=field_name, reason="回电核实投诉细节")
                drill.traces.append(
                    Trace(consumer.pk, which, "reveal", label, frozenset({FIELD_TYPE[field_name]}), moment)
                )
        for which, partner, actor, label in partner_sources:
            categories = sorted(rng.sample(CATEGORIES, rng.choice([1, 2])))
            for chosen in (categories, ["complainant_contact"]):
                consumer = person(which)
                clock.moment = moment
                _read(partner, actor, consumer, chosen)
                types = frozenset(t for c in chosen for t in CATEGORY_TYPES[c])
                drill.traces.append(Trace(consumer.pk, which, "read", label, types, moment))
        for which, who in (("ours", supervisor), ("theirs", their_supervisor)):
            consumer = person(which)
            clock.moment = moment
            _complaint(ours if which == "ours" else theirs, who, consumer, moment)
            identity = {"name", "phone", "id_number", "policy_number", "complaint_text"}
            drill.traces.append(Trace(consumer.pk, which, "complaint", "", frozenset(identity), moment))
        consumer = person("ours")
        clock.moment = moment
        _claim(ours, handler, consumer)
        drill.traces.append(
            Trace(consumer.pk, "ours", "claim", "", frozenset({"name", "phone", "id_number", "policy_number"}), moment)
        )
    clock.moment = END + timedelta(days=1)
    return drill


def open_incident(
    officer: Actor, *, kind: SourceKind, source_id: int | None, types: set[str], summary: str = "客服账号被盗用"
) -> Incident:
    return incident_open(
        actor=officer,
        facts=IncidentFacts(
            summary=summary,
            discovered_at=END + timedelta(hours=2),
            window_start=START,
            window_end=END,
            source=Source(kind, source_id),
            data_types=frozenset(DataType(t) for t in types),
            cause="员工账号密码泄露后被他人登录",
            harm="可能收到冒充保险公司的诈骗电话",
            remediation="已停用该账号，重置全部密码，启用双因素登录",
            consumer_steps="警惕自称保险公司的来电，不要透露验证码",
            contact="个人信息保护专线 400-000-9501",
        ),
    )
