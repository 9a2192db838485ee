"""Schemathesis over the partner API with a partner's own key (#19 item 2): under an agreement in force, and
after it has been ended, no answer is a server error and every answer matches the published schema (fields
outside the agreement absent, a refusal a documented 403)."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from schemathesis import GenerationMode

from tests.api.test_schemathesis import _exercise, _one_connection
from tests.support.desk import Desk
from xiaobao.complaints import actions
from xiaobao.identity.actions import partner_key_issue
from xiaobao.kernel.actors import SYSTEM, Role
from xiaobao.privacy import actions as privacy_actions
from xiaobao.privacy.models import DataSharingAgreement

pytestmark = pytest.mark.django_db


def _partner_operations_hold(forward_id: int, key: str) -> list[str]:
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    operations = [
        result.ok()  # type: ignore[union-attr]
        for result in schema.get_all_operations()
        if result.ok().path.startswith("/api/v1/partner/")  # type: ignore[union-attr]
    ]
    assert len(operations) == 3
    failures = []
    for operation in operations:
        named = {p.name for p in operation.path_parameters}
        tries = [(GenerationMode.POSITIVE, None), (GenerationMode.NEGATIVE, None)]
        if named:
            tries.append((GenerationMode.POSITIVE, {"forward_id": forward_id}))
        for mode, path_parameters in tries:
            try:
                _exercise(operation, mode, key, path_parameters)
            except Exception as error:  # every failure is reported, not the first only
                failures.append(f"{operation.label} [{mode.value}, {path_parameters}]: {error}")
    return failures


def test_the_partner_api_holds_its_schema_in_force_and_after_the_end(desk: Desk) -> None:
    partner = desk.world.ours.partner_under_agreement(["complaint", "complainant_contact"])
    case = desk.in_state("investigating")
    forward = actions.complaint_forward(
        actor=desk.handler, complaint_id=case.pk, partner_id=partner.pk, summary="代理人销售时未说明免责条款"
    )
    _, key = partner_key_issue(actor=SYSTEM, partner_id=partner.pk)

    with _one_connection():
        in_force = _partner_operations_hold(forward.pk, key)
        _, compliance = desk.world.ours.staff(Role.COMPLIANCE_OFFICER)
        privacy_actions.agreement_end(
            actor=compliance,
            agreement_id=DataSharingAgreement.objects.get(partner=partner).pk,
            reason="代理合同已解除",
        )
        ended = _partner_operations_hold(forward.pk, key)

    assert not in_force, "\n\n".join(in_force)
    assert not ended, "\n\n".join(ended)
