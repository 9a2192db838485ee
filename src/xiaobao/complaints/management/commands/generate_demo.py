"""``manage.py generate_demo --complaints N``: realistic volume for benchmarks.

Complaints spread over both demo insurers, their branches, channels, product
lines, reasons and the last 60 days, each with its statutory deadline computed
by the engine and a policy number. Complainants are made too (one for about every
four complaints, each with a name, a mobile phone and a resident ID number), so
a search by phone or name at volume finds a person's few cases, as in life.
Written in bulk (no audit events or notices: this is load, not history), the
blind indexes filled as the actions fill them; the demo data is loaded first if
missing.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from stdnum.cn import ric

from xiaobao.calendars.selectors import business_calendar
from xiaobao.complaints.domain.classification import Channel, ProductLine, Reason
from xiaobao.complaints.domain.lifecycle import State
from xiaobao.complaints.models import Complaint, Deadline
from xiaobao.deadlines.clock import provisional_due_date
from xiaobao.deadlines.rules import DEFAULT
from xiaobao.identity.actions import name_index
from xiaobao.identity.models import Branch, Consumer, Insurer, Staff
from xiaobao.kernel.clock import STATUTORY_ZONE
from xiaobao.ops import clock
from xiaobao.privacy.keys import blind_indexer

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["淑芬", "建国", "秀英", "志强", "桂兰", "海燕", "伟", "静", "丽娟", "明", "玉兰", "国华", "晓东", "红梅"]
COMPLAINTS_PER_CONSUMER = 4
GENERATED_REGION = "210104"
"""Shenyang's Dadong district: the generated people's ID numbers, apart from the demo's own people."""


def generated_consumer(n: int, rng: random.Random) -> Consumer:
    """The ``n``-th generated person: a unique phone (+86 137…) and ID number, indexes as the actions write."""
    indexer = blind_indexer()
    name = rng.choice(SURNAMES) + rng.choice(GIVEN)
    phone = f"+86137{n:08d}"
    born = datetime(1940, 1, 1, tzinfo=STATUTORY_ZONE).date() + timedelta(days=n // 1000)
    body = f"{GENERATED_REGION}{born:%Y%m%d}{n % 1000:03d}"
    resident_id = body + ric.calc_check_digit(body + "0")
    return Consumer(
        name=name,
        name_index=name_index(name),
        phone=phone,
        phone_index=indexer.index("phone", phone),
        resident_id=resident_id,
        resident_id_index=indexer.index("resident_id", resident_id),
        birth_year=born.year,
    )


OPEN_STATES = [State.REGISTERED, State.ACCEPTED, State.ASSIGNED, State.INVESTIGATING, State.INVESTIGATING, State.PAUSED]


class Command(BaseCommand):
    help = "Generate N complaints with their deadlines, in bulk, for benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--complaints", type=int, required=True)
        parser.add_argument("--batch", type=int, default=5000)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        if not Insurer.objects.exists():
            call_command("demo_load", stdout=self.stdout)
        rng = random.Random(options["seed"])  # noqa: S311  (reproducible demo data, not secrets)
        calendar = business_calendar()
        insurers = list(Insurer.objects.all())
        branches = {i.pk: list(Branch.objects.filter(insurer=i, level__gte=3)) for i in insurers}
        handlers = {i.pk: list(Staff.objects.filter(insurer=i, role_grants__role="handler")) for i in insurers}
        indexer = blind_indexer()
        today = clock.today()
        counter = Complaint.objects.count()
        people = Consumer.objects.count()
        total, batch = options["complaints"], options["batch"]
        made = 0
        while made < total:
            size = min(batch, total - made)
            with transaction.atomic():
                consumers = [
                    c.pk
                    for c in Consumer.objects.bulk_create(
                        [generated_consumer(people + n, rng) for n in range(max(size // COMPLAINTS_PER_CONSUMER, 1))]
                    )
                ]
            people += len(consumers)
            rows = []
            for n in range(size):
                policy_number = f"PD{rng.choice(['AA', 'MD', 'LF'])}{counter + made + n + 1:09d}"
                insurer = rng.choice(insurers)
                received_on = today - timedelta(days=rng.randrange(0, 60))
                received_at = datetime.combine(received_on, time(9, 0), tzinfo=STATUTORY_ZONE)
                state = rng.choice(OPEN_STATES) if rng.random() < 0.3 else State.CLOSED
                rows.append(
                    Complaint(
                        insurer=insurer,
                        handling_branch=rng.choice(branches[insurer.pk]),
                        reference=f"LN-{received_on.year}-D{counter + made + n + 1:07d}",
                        channel=rng.choice(list(Channel)).value,
                        received_at=received_at,
                        received_on=received_on,
                        registered_at=received_at,
                        complainant_id=rng.choice(consumers),
                        policy_number=policy_number,
                        policy_number_index=indexer.index("policy_number", policy_number),
                        product_line=rng.choice(list(ProductLine)).value,
                        reason=rng.choice(list(Reason)).value,
                        description="生成的演示投诉：理赔金额与预期不符。",
                        state=state.value,
                        handler=rng.choice(handlers[insurer.pk])
                        if state in {State.ASSIGNED, State.INVESTIGATING}
                        else None,
                        elderly=rng.random() < 0.15,
                        disabled=rng.random() < 0.03,
                        new_urban_resident=rng.random() < 0.1,
                    )
                )
            with transaction.atomic():
                created = Complaint.objects.bulk_create(rows)
                rule = DEFAULT["CMP-T1"]
                Deadline.objects.bulk_create(
                    [
                        Deadline(
                            complaint=c,
                            insurer_id_copy=c.insurer_id,
                            rule_id=rule.id,
                            start=c.received_on,
                            due=(computed := provisional_due_date(rule, c.received_on, calendar))[0],
                            provisional=computed[1],
                            state=Deadline.PAUSED
                            if c.state == State.PAUSED
                            else (Deadline.MET if c.state == State.CLOSED else Deadline.RUNNING),
                            active=c.state != State.CLOSED,
                        )
                        for c in created
                    ]
                )
            made += size
            self.stdout.write(f"{made:,} of {total:,} complaints")
