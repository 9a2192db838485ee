"""Administrators declare emergencies (command or admin site) and keep the checklists; all audited."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from tests.support.claims import report
from tests.support.desk import Desk
from xiaobao.audit.models import AuditEvent
from xiaobao.claims.models import ChecklistItem, Claim, Emergency

pytestmark = pytest.mark.django_db


def test_the_command_declares_an_emergency_and_flags_claims_inside_it(desk: Desk) -> None:
    inside = report(desk, incident_region="210211")
    outside = report(desk, incident_region="210302")
    call_command(
        "emergency_declare", "--name", "大连暴雨", "--regions", "2102", "--from", "2026-02-19", "--to", "2026-02-21"
    )
    assert "major_emergency" in Claim.objects.get(pk=inside.pk).green_channel
    assert "major_emergency" not in Claim.objects.get(pk=outside.pk).green_channel
    with pytest.raises(CommandError):
        call_command(
            "emergency_declare", "--name", "x", "--regions", "大连", "--from", "2026-02-19", "--to", "2026-02-21"
        )
    assert Emergency.objects.count() == 1


def test_the_admin_site_declares_and_edits_checklists_through_audited_actions(client: Client, desk: Desk) -> None:
    inside = report(desk, incident_region="210211")
    admin = get_user_model().objects.create_superuser(username="platform", password="p" * 16)
    client.force_login(admin)
    added = client.post(
        "/admin/claims/emergency/add/",
        {"name": "大连暴雨", "region_prefixes": '["2102"]', "first_day": "2026-02-19", "last_day": "2026-02-21"},
    )
    assert added.status_code == 302, added.content.decode()[:2000]
    assert "major_emergency" in Claim.objects.get(pk=inside.pk).green_channel
    assert AuditEvent.objects.filter(event_type="claim.emergency_declared").count() == 1

    item = ChecklistItem.objects.get(product_line="medical", claim_type="hospitalisation", code="bank_card")
    changed = client.post(
        f"/admin/claims/checklistitem/{item.pk}/change/",
        {
            "product_line": "medical",
            "claim_type": "hospitalisation",
            "code": "bank_card",
            "name": "收款银行卡",
            "explanation": "本人银行卡照片，或银行卡号。",
            "required": "on",
            "order": "4",
        },
    )
    assert changed.status_code == 302
    event = AuditEvent.objects.get(event_type="claim.checklist_changed")
    assert (event.new_values["by"], event.new_values["waivable"]) == ("platform", False)
    assert client.post(f"/admin/claims/checklistitem/{item.pk}/delete/", {"post": "yes"}).status_code == 403
