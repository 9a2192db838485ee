"""SAL-1 on the public pages: a product page lists the material approved for it, and each piece of material,
as the buyer was shown it, says it is insurance and where the product is in the register. Material not
approved, or withdrawn, is not published."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.conftest import World
from tests.support.sales import PDF, make_material, make_product
from xiaobao.kernel.actors import Role
from xiaobao.sales.actions import material_approve, material_withdraw
from xiaobao.sales.models import SalesMaterial

pytestmark = pytest.mark.django_db


def _approved(world: World, **overrides: Any) -> SalesMaterial:
    product = make_product(world.ours.insurer, uncertain_benefit=True, term_months=None, cooling_off_days=20)
    registrant = world.ours.staff(Role.COMPLIANCE_OFFICER)[1]
    material = make_material(registrant, product, **overrides)
    return material_approve(actor=world.ours.staff(Role.COMPLIANCE_OFFICER)[1], material_id=material.pk)


def test_the_product_page_lists_approved_material_and_says_the_benefit_is_not_guaranteed(
    client: Client, world: World
) -> None:
    material = _approved(world, title="福寿宣传单页")
    page = client.get(f"/i/{world.ours.insurer.code}/products/fushou/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'href="/i/{world.ours.insurer.code}/products/fushou/material/{material.pk}/"' in page
    assert "Benefit not guaranteed:" in page
    assert "20 days after you receive the policy" in page


def test_approved_material_says_it_is_insurance_with_the_register_entry(client: Client, world: World) -> None:
    material = _approved(world)
    response = client.get(f"/i/{world.ours.insurer.code}/products/fushou/material/{material.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "这是保险产品。" in page
    assert "〔2024〕终身寿险 018 号" in page
    assert 'href="https://tiaokuan.iachina.example/products/fushou"' in page
    assert "保障终身，身故给付基本保险金额。" in page


def test_material_awaiting_approval_or_withdrawn_is_not_published(client: Client, world: World) -> None:
    product = make_product(world.ours.insurer)
    compliance = world.ours.staff(Role.COMPLIANCE_OFFICER)[1]
    draft = make_material(compliance, product, title="草稿单页")
    url = f"/i/{world.ours.insurer.code}/products/fushou/material/{draft.pk}/"
    assert client.get(url).status_code == 404
    assert "草稿单页" not in client.get(f"/i/{world.ours.insurer.code}/products/fushou/").content.decode()
    material_approve(actor=world.ours.staff(Role.COMPLIANCE_OFFICER)[1], material_id=draft.pk)
    assert client.get(url).status_code == 200
    material_withdraw(actor=compliance, material_id=draft.pk, reason="活动已结束")
    assert client.get(url).status_code == 404


def test_material_is_found_only_under_its_own_insurer_and_product(client: Client, world: World) -> None:
    material = _approved(world)
    make_product(world.ours.insurer, code="other")
    make_product(world.theirs.insurer)
    assert client.get(f"/i/{world.theirs.insurer.code}/products/fushou/material/{material.pk}/").status_code == 404
    assert client.get(f"/i/{world.ours.insurer.code}/products/other/material/{material.pk}/").status_code == 404


def test_the_file_of_approved_material_is_served(client: Client, world: World, settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    material = _approved(world, file_name="单页.pdf", content=SimpleUploadedFile("单页.pdf", PDF))
    response = client.get(f"/i/{world.ours.insurer.code}/products/fushou/material/{material.pk}/file/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    assert response["X-Content-Type-Options"] == "nosniff"
