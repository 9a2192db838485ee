"""Counters published per insurer on its page (CHN-2, CMP-P1): address, hours, access for people with
disabilities, languages; kept through an audited action; another insurer's counters are not shown."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import World
from xiaobao.audit.models import AuditEvent
from xiaobao.identity.actions import service_point_save
from xiaobao.identity.models import Insurer, ServicePoint
from xiaobao.kernel.actors import SYSTEM
from xiaobao.kernel.errors import PermissionDenied

pytestmark = pytest.mark.django_db


def counter(insurer: Insurer, name: str, **overrides: object) -> ServicePoint:
    values: dict[str, object] = {
        "insurer": insurer,
        "name": name,
        "address": "沈阳市和平区南京北街 1 号",
        "hours": "周一至周五 8:30–17:00",
        "accessibility": "无障碍坡道、低位服务台",
        "languages": "普通话、英语",
    }
    values.update(overrides)
    return service_point_save(actor=SYSTEM, point=ServicePoint(**values), changed_by="admin")  # type: ignore[arg-type]


def test_the_insurer_page_publishes_its_counters_and_no_one_elses(world: World) -> None:
    counter(world.ours.insurer, "和平区客户服务柜台")
    counter(world.ours.insurer, "已关闭的柜台", published=False)
    counter(world.theirs.insurer, "别家的柜台")

    page = Client().get(f"/i/{world.ours.insurer.code}/").content.decode()

    assert "和平区客户服务柜台" in page
    assert "周一至周五 8:30–17:00" in page
    assert "无障碍坡道、低位服务台" in page
    assert "普通话、英语" in page
    assert "已关闭的柜台" not in page
    assert "别家的柜台" not in page


def test_a_counter_is_kept_through_an_audited_action_by_the_platform_only(world: World) -> None:
    point = counter(world.ours.insurer, "和平区客户服务柜台")
    saved = AuditEvent.objects.get(event_type="identity.service_point_saved")
    assert saved.new_values["hours"] == "周一至周五 8:30–17:00"
    assert saved.insurer_id == world.ours.insurer.pk

    _, staff = world.ours.staff()
    with pytest.raises(PermissionDenied):
        service_point_save(actor=staff, point=point, changed_by="someone")
