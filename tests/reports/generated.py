"""Complaints, clocks, claims and call-backs of two insurers, written in bulk with random values (volume for
the statistics' tests, not history). The tests count them again in plain Python from these very objects."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from tests.conftest import World
from tests.support.clock import SHANGHAI
from xiaobao.callbacks.models import CallbackRequest
from xiaobao.claims.models import Claim, ClaimDeadline
from xiaobao.complaints.domain.classification import Channel, ProductLine, Reason
from xiaobao.complaints.domain.decisions import Outcome
from xiaobao.complaints.models import Complaint, Deadline
from xiaobao.identity.models import Consumer

TODAY = date(2026, 10, 15)
NOW = datetime(2026, 10, 15, 10, 0, tzinfo=SHANGHAI)
FIRST, LAST = date(2026, 6, 20), date(2026, 10, 10)
"""Received days spread over the third quarter of 2026 and a little either side of it."""
STATES = ["registered", "declined", "accepted", "investigating", "paused", "notified", "closed", "closed", "withdrawn"]


@dataclass
class Generated:
    complaints: list[Complaint] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    claim_deadlines: list[ClaimDeadline] = field(default_factory=list)
    callbacks: list[CallbackRequest] = field(default_factory=list)


def _day(rng: random.Random) -> date:
    return FIRST + timedelta(days=rng.randrange((LAST - FIRST).days + 1))


def generate(world: World, complainant: Consumer, *, seed: int = 18, per_insurer: int = 150) -> Generated:
    rng = random.Random(seed)
    made = Generated()
    serial = 0
    for tenant in (world.ours, world.theirs):
        branches = [tenant.head_office, tenant.province, tenant.city]
        rows = []
        for _ in range(per_insurer):
            serial += 1
            received_on = _day(rng)
            state = rng.choice(STATES)
            decided = state in {"notified", "closed"}
            rows.append(
                Complaint(
                    insurer=tenant.insurer,
                    handling_branch=rng.choice(branches),
                    reference=f"LN-2026-R{serial:05d}",
                    channel=rng.choice(list(Channel)).value,
                    received_at=datetime.combine(received_on, time(9), tzinfo=SHANGHAI),
                    received_on=received_on,
                    registered_at=datetime.combine(received_on, time(9), tzinfo=SHANGHAI),
                    complainant=complainant,
                    product_line=rng.choice(list(ProductLine)).value,
                    reason=rng.choice(list(Reason)).value,
                    description="生成的投诉。",
                    state=state,
                    outcome=rng.choice(list(Outcome)).value if decided else "",
                    elderly=rng.random() < 0.3,
                    disabled=rng.random() < 0.2,
                    new_urban_resident=rng.random() < 0.2,
                    review_requested_on=received_on + timedelta(days=20) if decided and rng.random() < 0.3 else None,
                    mediation_wanted_on=received_on + timedelta(days=25) if rng.random() < 0.1 else None,
                    next_step="mediation" if decided and rng.random() < 0.1 else "",
                )
            )
        complaints = Complaint.objects.bulk_create(rows)
        made.complaints += complaints
        clocks = []
        for complaint in complaints:
            # one to three clocks: a superseded one first sometimes (extended), then the last
            if rng.random() < 0.3:
                clocks.append(_clock(complaint, "CMP-T1", Deadline.SUPERSEDED, active=False))
            rule = rng.choice(["CMP-T1", "CMP-T1", "CMP-T2", "CMP-T3"])
            if complaint.state in {"notified", "closed", "declined", "withdrawn"}:
                clocks.append(_clock(complaint, rule, rng.choice([Deadline.MET, Deadline.MISSED]), active=False))
            else:
                due = TODAY + timedelta(days=rng.randrange(-10, 10))
                clocks.append(_clock(complaint, rule, Deadline.RUNNING, active=True, due=due))
            if complaint.review_requested_on and rng.random() < 0.5:
                clocks.append(_clock(complaint, "CMP-N2-DECISION", Deadline.MET, active=False))
        made.deadlines += Deadline.objects.bulk_create(clocks)
        made.claims += _claims(rng, tenant, branches, complainant, made)
        made.callbacks += _callbacks(rng, tenant, serial)
    return made


def _clock(complaint: Complaint, rule: str, state: str, *, active: bool, due: date | None = None) -> Deadline:
    return Deadline(
        complaint=complaint,
        insurer_id_copy=complaint.insurer_id,
        rule_id=rule,
        start=complaint.received_on,
        due=due or complaint.received_on + timedelta(days=15),
        state=state,
        active=active,
    )


def _claims(rng: random.Random, tenant, branches, complainant: Consumer, made: Generated) -> list[Claim]:  # type: ignore[no-untyped-def]
    claims = Claim.objects.bulk_create(
        [
            Claim(
                insurer=tenant.insurer,
                handling_branch=rng.choice(branches),
                reference=f"LP-{tenant.insurer.code}-{n}",
                policy_number="P-1",
                product_line="medical",
                claim_type="hospitalisation",
                claimant=complainant,
                incident_date=(day := _day(rng)),
                incident_region="210102",
                description="生成的理赔。",
                amount_claimed=Decimal("100.00"),
                reported_at=datetime.combine(day, time(9), tzinfo=SHANGHAI),
                received_on=day,
            )
            for n in range(40)
        ]
    )
    clocks = []
    for claim in claims:
        for which in ("decision", "payment"):
            state = rng.choice([Deadline.MET, Deadline.MISSED, Deadline.RUNNING])
            clocks.append(
                ClaimDeadline(
                    claim=claim,
                    insurer_id_copy=claim.insurer_id,
                    rule_id="CLM-T2",
                    clock=which,
                    length=30,
                    start=claim.received_on,
                    due=TODAY + timedelta(days=rng.randrange(-10, 10)),
                    target=claim.received_on,
                    state=state,
                    active=state == Deadline.RUNNING,
                )
            )
    made.claim_deadlines += ClaimDeadline.objects.bulk_create(clocks)
    return claims


def _callbacks(rng: random.Random, tenant, serial: int) -> list[CallbackRequest]:  # type: ignore[no-untyped-def]
    rows = []
    for n in range(30):
        requested = datetime.combine(_day(rng), time(rng.choice([0, 7, 12, 23]), 30), tzinfo=SHANGHAI)
        late_after = requested + timedelta(hours=rng.choice([2, 24 * 200]))
        first = rng.choice([None, requested + timedelta(hours=1), requested + timedelta(hours=30)])
        rows.append(
            CallbackRequest(
                insurer=tenant.insurer,
                idempotency_key=f"k-{serial}-{n}",
                phone="13900000000",
                phone_index=f"idx-{n}",
                requested_at=requested,
                target_at=requested,
                late_after=late_after,
                first_attempt_at=first,
            )
        )
    return CallbackRequest.objects.bulk_create(rows)
