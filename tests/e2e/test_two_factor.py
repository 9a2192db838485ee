"""Two-step sign-in in a real browser (issue #19): a new staff member enrols an authenticator from the QR page
(the code computed here from the key the page shows, as a phone would), then signs in with password and code;
every page of it, and the password pages, pass axe in Simplified Chinese and English and work by keyboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, sign_in
from tests.support.two_factor import code_from_secret, fresh_code
from tests.support.world import PASSWORD, make_tenant
from xiaobao.identity.models import Authenticator
from xiaobao.kernel.actors import Role


@pytest.fixture
def newcomer(transactional_db: None, seeded_calendar: None) -> str:
    staff, _ = make_tenant("anhe").staff(Role.HANDLER)
    return str(staff.user.username)


def choose_language(page: Page, language: str) -> None:
    page.get_by_label(re.compile("语言|Language")).select_option(language)
    page.get_by_role("button", name=re.compile("切换|Change")).click()


def password_step(page: Page, username: str, password: str = PASSWORD) -> None:
    page.goto("/workbench/")
    page.get_by_label(re.compile("用户名|User name")).fill(username)
    page.get_by_label(re.compile("^(密码|Password)$")).fill(password)
    with page.expect_navigation():
        page.get_by_label(re.compile("^(密码|Password)$")).press("Enter")


def test_a_new_staff_member_enrols_an_authenticator_and_signs_in_with_its_codes(page: Page, newcomer: str) -> None:
    password_step(page, newcomer)
    expect(page.get_by_role("heading", level=1)).to_have_text("设置两步登录")
    expect(page.get_by_role("img", name="您的验证器密钥的二维码")).to_be_visible()
    assert_accessible(page)
    choose_language(page, "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-step sign-in")
    assert_accessible(page)
    secret = page.locator("#totp-secret").inner_text()

    page.get_by_label("Six-digit code").fill("12345")  # one digit short
    page.get_by_role("button", name="Confirm and continue").click()
    expect(page.get_by_role("alert")).to_contain_text("six digits")
    assert page.locator("#totp-secret").inner_text() == secret  # the same key, still to be confirmed
    assert_accessible(page)
    page.get_by_label("Six-digit code").fill(code_from_secret(secret))
    page.get_by_role("button", name="Confirm and continue").click()
    expect(page.get_by_role("heading", name="Complaint queue")).to_be_visible()

    page.get_by_role("button", name=re.compile("^Sign out")).click()
    password_step(page, newcomer)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your sign-in code")
    assert_accessible(page)
    page.get_by_label("Six-digit code").fill("000000" if code_from_secret(secret) != "000000" else "111111")
    page.get_by_label("Six-digit code").press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("That code is not right")
    assert_accessible(page)
    choose_language(page, "zh-hans")
    expect(page.get_by_role("heading", level=1)).to_have_text("登录验证码")
    assert_accessible(page)
    page.get_by_label("六位验证码").fill(fresh_code(Authenticator.objects.get(user__username=newcomer)))
    page.get_by_label("六位验证码").press("Enter")  # by keyboard
    expect(page.get_by_role("heading", name="投诉队列")).to_be_visible()


def test_the_password_pages_are_accessible_in_chinese_and_english(page: Page, newcomer: str) -> None:
    for language, heading in (("zh-hans", "忘记密码？"), ("en", "Forgot your password?")):
        page.goto("/accounts/login/")
        choose_language(page, language)
        page.get_by_role("link", name=heading).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert_accessible(page)
        page.get_by_role("button", name=re.compile("发送链接|Send the link")).click()  # empty: refused, explained
        expect(page.get_by_role("alert")).to_be_visible()
        assert_accessible(page)
        page.get_by_label(re.compile("电子邮箱|Email address")).fill("someone@anhe.example")
        page.get_by_role("button", name=re.compile("发送链接|Send the link")).click()
        expect(page.get_by_role("status")).to_be_visible()
        assert_accessible(page)


def test_after_a_reset_the_set_up_code_page_is_accessible_and_lets_the_holder_enrol_by_keyboard(
    page: Page, transactional_db: None, seeded_calendar: None
) -> None:
    tenant = make_tenant("anhe")
    member, _ = tenant.staff(Role.HANDLER)
    admin, _ = tenant.staff(Role.ADMINISTRATOR)
    Authenticator.objects.create(user=member.user, name="phone", confirmed=True)
    sign_in(page, admin.user.username, PASSWORD)
    page.goto(f"/workbench/administration/staff/{member.pk}/")
    with page.expect_navigation():
        page.locator("form[action$='/two-factor/reset/'] button").click()
    code = page.locator("#ticket-code").input_value()
    assert re.fullmatch(r"[A-Z2-9]{5}-[A-Z2-9]{5}", code)
    assert_accessible(page)

    page.context.clear_cookies()
    password_step(page, member.user.username)
    expect(page.get_by_role("heading", level=1)).to_have_text("设置两步登录")
    expect(page.locator("#totp-secret")).to_have_count(0)
    assert_accessible(page)
    choose_language(page, "en")
    page.get_by_label("Set-up code").fill("ABCDE-FGHJK")
    page.get_by_label("Set-up code").press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("not right")
    assert_accessible(page)
    page.get_by_label("Set-up code").fill(code)
    page.get_by_label("Set-up code").press("Enter")  # by keyboard
    expect(page.locator("#totp-secret")).to_be_visible()
