"""Agreements recorded before approval existed keep working (#19 item 2): the data migration makes each approved
(at the moment it was recorded), for complaint handling, with its categories and its own wording kept."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("privacy", "0002_agreement_reference_once")]
AFTER = [("privacy", "0004_existing_agreements_approved")]


@pytest.mark.django_db(transaction=True)
def test_an_existing_agreement_becomes_approved_for_complaint_handling() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    insurer = old.get_model("identity", "Insurer").objects.create(code="old-ins", name="Old Insurance")
    partner = old.get_model("identity", "Partner").objects.create(
        insurer=insurer, kind="agent", code="P-OLD", name="Old Agent"
    )
    recorded = old.get_model("privacy", "DataSharingAgreement").objects.create(
        insurer=insurer,
        partner=partner,
        reference="DSA-OLD",
        purpose="处理其代理保单引起的投诉",
        data_categories=["complaint"],
        valid_from=date(2026, 1, 1),
        valid_until=date(2026, 12, 31),
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)

    new = executor.loader.project_state(AFTER).apps
    agreement = new.get_model("privacy", "DataSharingAgreement").objects.get(pk=recorded.pk)
    assert agreement.approved_at == agreement.signed_at
    assert (agreement.purpose, agreement.purpose_detail, agreement.data_categories) == (
        "complaint_handling",
        "处理其代理保单引起的投诉",
        ["complaint"],
    )
    assert (agreement.ended_at, agreement.recorded_by_id, agreement.approved_by_id) == (None, None, None)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
