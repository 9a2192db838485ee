"""Schemathesis over the whole published API, in-process: no answer is a server error, and every answer
matches the schema the API publishes (``/api/openapi.json``).

Every operation gets generated requests, valid and invalid, with the token of a staff member who holds every
role, against a world with complaints, a claim, an extension request and a forward in it. Operations on one
row are tried twice: with generated ids (mostly "not found") and with the ids of real rows, so the real
answers are checked against their schema too. The examples are derandomised — the same requests every
run, so a failure is reproducible — and the run stays well under a minute.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.support.desk import Desk
from tests.support.sale_sessions import make_shop, start_sale
from xiaobao.claims import actions as claim_actions
from xiaobao.claims.actions import NewClaim
from xiaobao.complaints import actions as complaint_actions
from xiaobao.disputes.actions import consent_give, referral_make, sharing_agreement_record
from xiaobao.disputes.models import Referral
from xiaobao.identity import actions as identity_actions
from xiaobao.identity.actions import staff_key_issue
from xiaobao.kernel.actors import SYSTEM, Actor, ActorKind, Role
from xiaobao.sales import actions as sale_actions

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 8
CHECKS = [not_a_server_error, response_schema_conformance]


def _rows(desk: Desk) -> dict[str, Any]:
    """One real row for each kind of id a path names."""
    investigating = desk.in_state("investigating")
    desk.register()
    partner = desk.world.ours.partner_under_agreement()
    forward = complaint_actions.complaint_forward(
        actor=desk.handler, complaint_id=investigating.pk, partner_id=partner.pk, summary="代理人销售时未说明免责条款"
    )
    extension = complaint_actions.complaint_request_extension(
        actor=desk.handler, complaint_id=investigating.pk, to_complexity="complex", reason="需要调取三家医院的病历。"
    )
    claim = claim_actions.claim_report(
        actor=desk.handler,
        insurer_id=desk.world.ours.insurer.pk,
        data=NewClaim(
            policy_number="ACC-2026-0042",
            product_line="accident",
            claim_type="injury",
            incident_date=date(2026, 2, 27),
            incident_region="210202",
            description="下楼梯摔伤，右腕骨折。",
            amount_claimed=Decimal("8600.00"),
        ),
        claimant_id=desk.complainant.pk,
    )
    shop = make_shop(desk.world.ours)
    sale = start_sale(shop, buyer_age=70)
    upload = sale_actions.recording_upload_open(
        actor=shop.agent,
        sale_id=sale.pk,
        media_type="video/mp4",
        duration_seconds=5,
        recorded_at=sale.started_at,
        size_bytes=1024,
    )
    return {
        "sale_id": sale.pk,
        "token": upload.token,
        "referral_id": _referral(desk).pk,
        "complaint_id": investigating.pk,
        "claim_id": claim.pk,
        "extension_id": extension.pk,
        "forward_id": forward.pk,
        "branch_id": desk.world.ours.city.pk,
        "reference": "LN-2026-W000001",  # a write-behind receipt's (ADR 0023): another caller's, or none
    }


def _referral(desk: Desk) -> Referral:
    """A complaint referred to mediation with the complainant's consent (issue #17)."""
    organisation = identity_actions.mediation_organisation_create(actor=SYSTEM, code="centre", name="调解中心")
    _, admin = desk.world.ours.staff(Role.ADMINISTRATOR)
    sharing_agreement_record(
        actor=admin,
        organisation_id=organisation.pk,
        reference="MSA-1",
        valid_from=date(2026, 1, 1),
        valid_until=date(2026, 12, 31),
    )
    complaint = desk.in_state("investigating")
    consumer = Actor(kind=ActorKind.CONSUMER, consumer_id=complaint.complainant_id)
    consent_give(actor=consumer, complaint_id=complaint.pk, organisation_id=organisation.pk, shared=["decision"])
    return referral_make(
        actor=desk.handler, complaint_id=complaint.pk, organisation_id=organisation.pk, shared=["decision"]
    )


@contextmanager
def _one_connection() -> Iterator[None]:
    """Requests run in the test's transaction, as Django's test client runs them: the WSGI handler must not
    close the connection at the start and end of each request (which would drop that transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _exercise(operation: Any, mode: GenerationMode, token: str, path_parameters: dict[str, Any] | None) -> None:
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)

    run()


def test_no_operation_answers_a_server_error_or_off_its_schema(desk: Desk) -> None:
    rows = _rows(desk)
    _, everyone = desk.world.ours.staff(*Role)
    _, token = staff_key_issue(actor=everyone, label="schemathesis")
    with _one_connection():
        _check_every_operation(rows, token)


def _check_every_operation(rows: dict[str, Any], token: str) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) > 30

    failures: list[str] = []
    for operation in operations:
        named = {p.name for p in operation.path_parameters}
        tries: list[tuple[GenerationMode, dict[str, Any] | None]] = [
            (GenerationMode.POSITIVE, None),
            (GenerationMode.NEGATIVE, None),
        ]
        if named:
            tries.append((GenerationMode.POSITIVE, {name: rows[name] for name in named}))
        for mode, path_parameters in tries:
            try:
                _exercise(operation, mode, token, path_parameters)
            except Exception as error:
                failures.append(f"{operation.label} [{mode.value}, real ids: {path_parameters}]: {error}")

    assert not failures, "\n\n".join(failures)
