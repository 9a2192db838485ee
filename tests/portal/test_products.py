"""A page per product pointing to its terms (CHN-2, SAL-1), linked from the insurer's page; tenants kept apart."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import World
from tests.support.sales import make_product

pytestmark = pytest.mark.django_db


def test_the_insurer_page_links_each_of_its_products_and_only_its_own(client: Client, world: World) -> None:
    make_product(world.ours.insurer)
    make_product(world.ours.insurer, code="old-home", name="家庭财产保险（2019 版）", on_sale=False)
    make_product(world.theirs.insurer, code="their-motor", name="他们的机动车保险")
    page = client.get(f"/i/{world.ours.insurer.code}/").content.decode()
    assert f'href="/i/{world.ours.insurer.code}/products/fushou/"' in page
    assert f'href="/i/{world.ours.insurer.code}/products/old-home/"' in page
    assert page.index("福寿终身寿险") < page.index("家庭财产保险（2019 版）")  # on sale first
    assert "他们的机动车保险" not in page


def test_the_product_page_says_it_is_insurance_and_points_to_its_terms(client: Client, world: World) -> None:
    make_product(world.ours.insurer)
    response = client.get(f"/i/{world.ours.insurer.code}/products/fushou/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = response.content.decode()
    assert response.status_code == 200
    assert "这是保险产品。" in page
    assert 'href="https://tiaokuan.iachina.example/products/fushou"' in page
    assert "〔2024〕终身寿险 018 号" in page
    assert "普通人寿保险" in page
    assert "<p>第一条 保险责任<br>被保险人身故的" in page  # the terms, paragraph by paragraph
    assert f'href="/i/{world.ours.insurer.code}/complain/"' in page


def test_a_withdrawn_product_keeps_its_page_and_says_so(client: Client, world: World) -> None:
    make_product(world.ours.insurer, on_sale=False)
    page = client.get(f"/i/{world.ours.insurer.code}/products/fushou/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "We no longer sell this product." in page


def test_another_insurers_product_is_not_found_under_this_insurer(client: Client, world: World) -> None:
    make_product(world.theirs.insurer, code="their-motor")
    assert client.get(f"/i/{world.ours.insurer.code}/products/their-motor/").status_code == 404
    assert client.get(f"/i/{world.theirs.insurer.code}/products/their-motor/").status_code == 200
    assert client.get(f"/i/{world.ours.insurer.code}/products/nothing/").status_code == 404
    assert client.get("/i/nobody/products/their-motor/").status_code == 404


def test_script_in_product_text_is_shown_as_text(client: Client, world: World) -> None:
    make_product(world.ours.insurer, summary="<script>alert(1)</script>", name="<b>名</b>")
    page = client.get(f"/i/{world.ours.insurer.code}/products/fushou/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;名&lt;/b&gt;" in page
