"""``manage.py generate_demo --complaints N``: realistic volume for benchmarks.

Complaints spread over both demo insurers, their branches, channels, product
lines, reasons and the last 60 days, each with its statutory deadline computed
by the engine. Written in bulk (no audit events or notices: this is load, not
history); the demo data is loaded first if missing.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from xiaobao.calendars.selectors import business_calendar
from xiaobao.complaints.domain.classification import Channel, ProductLine, Reason
from xiaobao.complaints.domain.lifecycle import State
from xiaobao.complaints.models import Complaint, Deadline
from xiaobao.deadlines.clock import provisional_due_date
from xiaobao.deadlines.rules import DEFAULT
from xiaobao.identity.models import Branch, Consumer, Insurer, Staff
from xiaobao.kernel.clock import STATUTORY_ZONE
from xiaobao.ops import clock

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
        consumers = list(Consumer.objects.values_list("pk", flat=True))
        today = clock.today()
        counter = Complaint.objects.count()
        total, batch = options["complaints"], options["batch"]
        made = 0
        while made < total:
            size = min(batch, total - made)
            rows = []
            for n in range(size):
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
