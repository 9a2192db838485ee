"""The regulator's aggregates hide small groups (security review of issue #18; ADR 0019 addendum): a count below
``XIAOBAO_REPORT_MIN_CELL`` (5) shows as "<5", every other count is rounded to a multiple of it, so no total
minus the other rows gives back a small group; a rate over a hidden count is not shown. Planted here: three
complaints of one reason, two of them by disabled complainants, among a few dozen."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time
from itertools import count

import pytest
from django.test import Client
from openpyxl import load_workbook

from tests.conftest import World
from tests.support.clock import SHANGHAI, SettableClock
from tests.support.world import make_consumer
from xiaobao.complaints.domain.classification import Channel, ProductLine, Reason
from xiaobao.complaints.models import Complaint
from xiaobao.identity.models import Regulator, Staff
from xiaobao.kernel.actors import SYSTEM, Actor, Role
from xiaobao.ops import clock as app_clock
from xiaobao.reports import actions
from xiaobao.reports.domain import disclosure

pytestmark = pytest.mark.django_db

COMMON, RARE = (reason.value for reason in list(Reason)[:2])
_serial = count(1)


@pytest.fixture
def planted(world: World) -> World:
    """Theirs: 12 complaints of a common reason and 3 of a rare one (2 of those by disabled complainants);
    ours: 7 of the common reason. All received in July 2026, none decided."""
    complainant = make_consumer(insurer_ids=[world.ours.insurer.pk, world.theirs.insurer.pk])

    def plant(tenant, n: int, reason: str, *, disabled: int = 0) -> None:  # type: ignore[no-untyped-def]
        day = date(2026, 7, 6)
        Complaint.objects.bulk_create(
            Complaint(
                insurer=tenant.insurer,
                handling_branch=tenant.city,
                reference=f"LN-2026-S{next(_serial):05d}",
                channel=next(iter(Channel)).value,
                received_at=datetime.combine(day, time(9), tzinfo=SHANGHAI),
                received_on=day,
                registered_at=datetime.combine(day, time(9), tzinfo=SHANGHAI),
                complainant=complainant,
                product_line=next(iter(ProductLine)).value,
                reason=reason,
                description="种下的投诉。",
                state="registered",
                disabled=n_ < disabled,
            )
            for n_ in range(n)
        )

    plant(world.theirs, 12, COMMON)
    plant(world.theirs, 3, RARE, disabled=2)
    plant(world.ours, 7, COMMON)
    with app_clock.using(SettableClock(datetime(2026, 10, 15, 10, 0, tzinfo=SHANGHAI))):
        actions.figures_refresh(actor=SYSTEM, months=[date(2026, 7, 1), date(2026, 8, 1), date(2026, 9, 1)])
    return world


def _regulator_csv(client: Client, table: str, insurer: str = "") -> dict[str, list[str]]:
    data = {"granularity": "quarter", "period": "2026-Q3", "table": table, "format": "csv"}
    if insurer:
        data["insurer"] = insurer
    answer = client.post("/regulator/export/", data)
    assert answer.status_code == 200
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    return {row[0]: row[1:] for row in rows[1:]}


def _regulator(client: Client, regulator: tuple[Regulator, Actor]) -> Client:
    client.force_login(regulator[0].user)
    return client


def test_the_rule_in_plain_numbers() -> None:
    assert [disclosure.shown_count(n, 5) for n in (0, 1, 4, 5, 7, 8, 12, 13, 15)] == [
        0,
        None,
        None,
        5,
        5,
        10,
        10,
        15,
        15,
    ]
    assert disclosure.shown_count(3, 1) == 3  # a threshold of 1 hides nothing
    assert disclosure.shown_text(None, 5) == "<5"


def test_a_planted_small_group_shows_as_below_the_threshold_to_the_regulator(
    client: Client, planted: World, regulator: tuple[Regulator, Actor]
) -> None:
    reasons = _regulator_csv(_regulator(client, regulator), "reason")
    [rare] = [line for line in reasons.values() if line[0] == "<5"]  # received: 3
    assert rare[1] == "0"  # accepted: none (nothing to hide in nobody)
    assert rare[3] == "—"  # the upheld rate: none decided
    common = [line for line in reasons.values() if line[0] != "<5"]
    assert [line[0] for line in common] == ["20"]  # 19 rounded to a multiple of 5
    assert all(value != "3" and value != "19" for line in reasons.values() for value in line)


def test_disabled_complainants_below_the_threshold_are_hidden(
    client: Client, planted: World, regulator: tuple[Regulator, Actor]
) -> None:
    groups = _regulator_csv(_regulator(client, regulator), "group")
    [disabled] = groups.values()
    assert disabled[0] == "<5"


def test_no_total_gives_back_the_small_group(
    client: Client, planted: World, regulator: tuple[Regulator, Actor]
) -> None:
    client = _regulator(client, regulator)
    insurers = _regulator_csv(client, "insurer")
    assert insurers[planted.theirs.insurer.name][0] == "15"
    assert insurers[planted.ours.insurer.name][0] == "5"  # 7, rounded
    theirs_only = _regulator_csv(client, "reason", insurer=str(planted.theirs.insurer.pk))
    assert sorted(line[0] for line in theirs_only.values()) == ["10", "<5"]  # 12 and 3: 15 − 10 is not 3
    months = _regulator_csv(client, "month")
    assert months["2026-07"][0] == "20"  # 22 received in July
    page = client.get("/regulator/?granularity=quarter&period=2026-Q3").content.decode()
    assert "&lt;5" in page
    assert "<dd>22</dd>" not in page
    assert "<dd>20</dd>" in page


def test_the_xlsx_export_writes_the_hidden_cells_as_text(
    client: Client, planted: World, regulator: tuple[Regulator, Actor]
) -> None:
    data = {"granularity": "quarter", "period": "2026-Q3", "table": "reason", "format": "xlsx"}
    answer = _regulator(client, regulator).post("/regulator/export/", data)
    book = load_workbook(io.BytesIO(answer.content))
    values = [cell for row in book.worksheets[0].iter_rows(min_row=3, values_only=True) for cell in row[1:]]
    assert "<5" in values
    assert 3 not in values
    assert 19 not in values
    notes = [row[0] for row in book.worksheets[1].iter_rows(values_only=True)]
    assert any("5" in str(note) and "<" in str(note) for note in notes)


def test_a_threshold_set_higher_hides_more(
    client: Client, planted: World, regulator: tuple[Regulator, Actor], settings: object
) -> None:
    settings.XIAOBAO_REPORT_MIN_CELL = 10  # type: ignore[attr-defined]
    insurers = _regulator_csv(_regulator(client, regulator), "insurer")
    assert insurers[planted.theirs.insurer.name][0] == "20"  # 15: half up to 20
    assert insurers[planted.ours.insurer.name][0] == "<10"


def test_the_insurers_own_compliance_reads_exact_counts(client: Client, planted: World) -> None:
    _staff, compliance = planted.theirs.staff(Role.COMPLIANCE_OFFICER)
    client.force_login(Staff.objects.get(pk=compliance.staff_id).user)
    data = {"granularity": "quarter", "period": "2026-Q3", "table": "reason", "format": "csv"}
    rows = list(csv.reader(io.StringIO(client.post("/workbench/reports/export/", data).content.decode("utf-8-sig"))))
    assert sorted(row[1] for row in rows[1:]) == ["12", "3"]
