"""Insurers run themselves (#14 item 4): the administrator keeps branches, staff and roles, partners and their
keys, data-sharing agreements, counters, complaint channels and document checklists — of their own insurer.

Every page and every POST is tried as anonymous, a consumer, staff of another insurer (its administrator), staff
without the role (a handler) and the administrator: only the last succeeds, and a refusal leaves every table as
it was (``tests.support.matrix``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.support.matrix import Cast, assert_matrix
from tests.support.world import PASSWORD
from xiaobao.audit.models import AuditEvent
from xiaobao.claims import access as claim_access
from xiaobao.claims.models import ChecklistItem, ChecklistItemWording
from xiaobao.identity import actions
from xiaobao.identity.actors import actor_for_partner_key
from xiaobao.identity.models import Branch, Insurer, Partner, PartnerKey, ServicePoint, Staff, StaffRole
from xiaobao.kernel.actors import SYSTEM, Actor, Role
from xiaobao.privacy.access import partner_may_receive
from xiaobao.privacy.models import DataSharingAgreement

pytestmark = pytest.mark.django_db

ADMIN = "/workbench/administration"
ONLY_THE_ADMINISTRATOR = {"staff_with_role"}


@dataclass
class Setting:
    """Our insurer with one of everything the administrator keeps, each named so no other insurer has it."""

    world: Any
    cast: Cast
    clients: dict[str, Client]
    branch: Branch
    clerk: Staff
    partner: Partner
    key: PartnerKey
    counter: ServicePoint

    def client_of(self, actor: Actor) -> Client:
        return self.clients.get(str(actor.user_id), Client())


@pytest.fixture
def setting(world: Any) -> Setting:
    ours = world.ours
    base = Cast.build(world, Role.ADMINISTRATOR)
    cast = replace(base, staff_without_role=ours.staff(Role.HANDLER)[1])  # a handler: staff, not the role
    clients = {}
    for _name, actor in cast.items():
        if actor.user_id is not None:
            client = Client()
            client.force_login(get_user_model().objects.get(pk=actor.user_id))
            clients[str(actor.user_id)] = client
    branch = actions.branch_create(
        actor=SYSTEM,
        insurer_id=ours.insurer.pk,
        code="DD",
        name="大东区支公司-ours",
        level=3,
        parent_id=ours.province.pk,
    )
    clerk = actions.staff_create(
        actor=SYSTEM,
        insurer_id=ours.insurer.pk,
        branch_id=ours.city.pk,
        username="ours.clerk",
        display_name="Ours Clerk",
        password=PASSWORD,
        roles=[Role.HANDLER],
    )
    partner = actions.partner_create(
        actor=SYSTEM, insurer_id=ours.insurer.pk, kind=Partner.AGENT, code="AG-OURS", name="Ours Agent Co"
    )
    key, _raw = actions.partner_key_issue(actor=SYSTEM, partner_id=partner.pk, label="ours-key")
    counter = actions.service_point_save(
        actor=SYSTEM,
        point=ServicePoint(insurer=ours.insurer, name="Ours Counter", address="沈阳市", hours="8:30–17:00"),
        changed_by="test",
    )
    return Setting(world, cast, clients, branch, clerk, partner, key, counter)


def _events(event_type: str) -> int:
    return AuditEvent.objects.filter(event_type=event_type).count()


def page_shows(setting: Setting, url: str, marker: str) -> Callable[[Actor], bool]:
    """Allowed: the page answers and shows our insurer's row (another insurer's administrator sees their own)."""

    def attempt(actor: Actor) -> bool:
        response = setting.client_of(actor).get(url)
        return response.status_code == 200 and marker in response.content.decode()

    return attempt


def post_changes(setting: Setting, url: str, data: dict[str, Any]) -> Callable[[Actor], bool]:
    """Allowed: the POST is carried out (a redirect back into the administration pages)."""

    def attempt(actor: Actor) -> bool:
        response = setting.client_of(actor).post(url, data)
        assert response.status_code in {302, 400, 404}, response.status_code
        return response.status_code == 302 and response["Location"].startswith(ADMIN)

    return attempt


# --- every page ---


@pytest.mark.parametrize(
    ("path", "marker"),
    [
        ("/", "ours insurance"),
        ("/branches/", "大东区支公司-ours"),
        ("/staff/", "Ours Clerk"),
        ("/partners/", "Ours Agent Co"),
        ("/counters/", "Ours Counter"),
        ("/checklists/", "<table"),
    ],
)
def test_only_the_administrator_opens_the_administration_pages(setting: Setting, path: str, marker: str) -> None:
    cast = setting.cast
    if path == "/checklists/":  # the kinds of claim, the same for every insurer: the other's administrator sees theirs
        cast = _with_their_handler(setting)
    assert_matrix(cast, page_shows(setting, ADMIN + path, marker), ONLY_THE_ADMINISTRATOR)


def _with_their_handler(setting: Setting) -> Cast:
    """The cast with a handler of the other insurer in place of its administrator (for pages and changes that
    name no row: the other administrator has their own, see the test at the end)."""
    cast = replace(setting.cast, other_insurer_staff=setting.world.theirs.staff(Role.HANDLER)[1])
    client = Client()
    client.force_login(get_user_model().objects.get(pk=cast.other_insurer_staff.user_id))
    setting.clients[str(cast.other_insurer_staff.user_id)] = client
    return cast


def _keep_own_item(setting: Setting) -> None:
    from xiaobao.claims.actions import ChecklistItemText, checklist_item_keep

    checklist_item_keep(
        actor=SYSTEM,
        insurer_id=setting.world.ours.insurer.pk,
        product_line="medical",
        claim_type="hospitalisation",
        text=ChecklistItemText(code="ours-only", name="ours-only", explanation="ours-only"),
    )


def test_only_the_administrator_opens_a_row_of_their_insurer(setting: Setting) -> None:
    _keep_own_item(setting)
    for path, marker in [
        (f"/staff/{setting.clerk.pk}/", "Ours Clerk"),
        (f"/partners/{setting.partner.pk}/", "Ours Agent Co"),
        (f"/counters/{setting.counter.pk}/", "Ours Counter"),
        ("/checklists/medical/hospitalisation/", "ours-only"),
        ("/checklists/medical/hospitalisation/en/", "ours-only"),
    ]:
        assert_matrix(setting.cast, page_shows(setting, ADMIN + path, marker), ONLY_THE_ADMINISTRATOR)


def test_the_administration_link_is_shown_only_to_the_administrator(setting: Setting) -> None:
    link = f'href="{ADMIN}/"'
    assert link in setting.client_of(setting.cast.staff_with_role).get("/workbench/").content.decode()
    assert link not in setting.client_of(setting.cast.staff_without_role).get("/workbench/").content.decode()
    assert setting.client_of(setting.cast.staff_without_role).get(f"{ADMIN}/").status_code == 404


# --- every change: only the administrator, one audit event, a refusal changes nothing ---


def test_branches_are_added_and_renamed_by_the_administrator_only(setting: Setting) -> None:
    ours = setting.world.ours
    add = {"add-code": "TX", "add-name": "铁西区支公司", "add-level": "3", "add-parent": str(ours.province.pk)}
    assert_matrix(setting.cast, post_changes(setting, f"{ADMIN}/branches/add/", add), ONLY_THE_ADMINISTRATOR)
    added = Branch.objects.get(insurer=ours.insurer, code="TX")
    assert (added.parent_id, added.level) == (ours.province.pk, 3)
    assert _events("branch.created") == 1 + 3 * 2 + 1  # the two worlds, our extra branch, and this one

    rename = {f"branch-{setting.branch.pk}-name": "大东区中心支公司"}
    url = f"{ADMIN}/branches/{setting.branch.pk}/rename/"
    assert_matrix(setting.cast, post_changes(setting, url, rename), ONLY_THE_ADMINISTRATOR)
    setting.branch.refresh_from_db()
    assert setting.branch.name == "大东区中心支公司"
    assert _events("branch.renamed") == 1


def test_a_branch_out_of_the_hierarchy_is_refused_and_what_was_typed_is_kept(setting: Setting) -> None:
    admin = setting.client_of(setting.cast.staff_with_role)
    city = setting.world.ours.city.pk
    response = admin.post(
        f"{ADMIN}/branches/add/",
        {"add-code": "OUT1", "add-name": "一个网点", "add-level": "2", "add-parent": str(city)},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "error-summary" in page
    assert 'value="OUT1"' in page
    assert 'value="一个网点"' in page
    assert not Branch.objects.filter(code="OUT1").exists()


def test_a_branch_sent_twice_is_made_once(setting: Setting) -> None:
    admin = setting.client_of(setting.cast.staff_with_role)
    form = {"add-code": "HP", "add-name": "和平区", "add-level": "3", "add-parent": str(setting.world.ours.province.pk)}
    assert admin.post(f"{ADMIN}/branches/add/", form).status_code == 302
    again = admin.post(f"{ADMIN}/branches/add/", form)
    assert again.status_code == 400
    assert Branch.objects.filter(insurer=setting.world.ours.insurer, code="HP").count() == 1


def test_staff_are_added_with_a_password_and_roles_by_the_administrator_only(setting: Setting) -> None:
    form = {
        "add-display_name": "New Adjuster",
        "add-username": "new.adjuster",
        "add-password": "a-long-initial-password-1",
        "add-branch": str(setting.world.ours.city.pk),
        "add-roles": ["handler"],
    }
    assert_matrix(setting.cast, post_changes(setting, f"{ADMIN}/staff/add/", form), ONLY_THE_ADMINISTRATOR)
    made = Staff.objects.get(user__username="new.adjuster")
    assert made.insurer_id == setting.world.ours.insurer.pk
    assert made.user.check_password("a-long-initial-password-1")
    assert list(made.role_grants.values_list("role", flat=True)) == ["handler"]
    again = setting.client_of(setting.cast.staff_with_role).post(f"{ADMIN}/staff/add/", form)
    assert again.status_code == 400  # sent twice: the user name is taken, no second person
    assert get_user_model().objects.filter(username="new.adjuster").count() == 1


def test_a_weak_password_is_refused_in_words_and_the_form_kept(setting: Setting) -> None:
    admin = setting.client_of(setting.cast.staff_with_role)
    response = admin.post(
        f"{ADMIN}/staff/add/",
        {"add-display_name": "王五", "add-username": "wang.wu", "add-password": "123", "add-branch": "0"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_add-password"' in page  # the summary links to the field
    assert 'value="wang.wu"' in page
    assert not get_user_model().objects.filter(username="wang.wu").exists()


def test_roles_are_granted_and_revoked_by_the_administrator_only(setting: Setting) -> None:
    url = f"{ADMIN}/staff/{setting.clerk.pk}/roles/"
    assert_matrix(setting.cast, post_changes(setting, url, {"roles-roles": ["supervisor"]}), ONLY_THE_ADMINISTRATOR)
    assert set(StaffRole.objects.filter(staff=setting.clerk).values_list("role", flat=True)) == {"supervisor"}
    assert _events("staff.role_granted") == 1
    assert _events("staff.role_revoked") == 1


def test_an_administrator_cannot_lock_themself_out(setting: Setting) -> None:
    admin = setting.cast.staff_with_role
    client = setting.client_of(admin)
    response = client.post(f"{ADMIN}/staff/{admin.staff_id}/roles/", {"roles-roles": ["handler"]})
    assert response.status_code == 400
    assert StaffRole.objects.filter(staff_id=admin.staff_id, role="administrator").exists()
    assert client.post(f"{ADMIN}/staff/{admin.staff_id}/deactivate/").status_code == 400
    assert Staff.objects.get(pk=admin.staff_id).active


def test_a_password_is_set_by_the_administrator_only(setting: Setting) -> None:
    url = f"{ADMIN}/staff/{setting.clerk.pk}/password/"
    form = {"password-password": "another-long-password-2"}
    assert_matrix(setting.cast, post_changes(setting, url, form), ONLY_THE_ADMINISTRATOR)
    setting.clerk.user.refresh_from_db()
    assert setting.clerk.user.check_password("another-long-password-2")
    assert _events("staff.password_set") == 1


def test_a_staff_member_is_deactivated_by_the_administrator_only_and_can_no_longer_sign_in(setting: Setting) -> None:
    url = f"{ADMIN}/staff/{setting.clerk.pk}/deactivate/"
    assert_matrix(setting.cast, post_changes(setting, url, {}), ONLY_THE_ADMINISTRATOR)
    setting.clerk.refresh_from_db()
    assert not setting.clerk.active
    assert not setting.clerk.user.is_active
    assert _events("staff.deactivated") == 1
    assert not Client().login(username=setting.clerk.user.username, password=PASSWORD)


def test_a_staff_members_two_step_sign_in_is_reset_by_their_own_administrator_only(setting: Setting) -> None:
    """Issue #19: a lost phone. Another insurer's administrator (and anyone else) cannot reset it."""
    from xiaobao.identity.models import Authenticator

    url = f"{ADMIN}/staff/{setting.clerk.pk}/two-factor/reset/"

    def with_an_authenticator() -> None:
        Authenticator.objects.get_or_create(user_id=setting.clerk.user_id, name="phone", confirmed=True)

    def reset(actor: Actor, _given: object) -> bool:
        response = setting.client_of(actor).post(url, {})
        assert response.status_code in {200, 302, 404}, response.status_code
        done = response.status_code == 200 and 'id="issued-ticket"' in response.content.decode()
        if not done:
            assert Authenticator.objects.filter(user_id=setting.clerk.user_id, confirmed=True).exists()
        return done

    assert_matrix(setting.cast, reset, ONLY_THE_ADMINISTRATOR, given=with_an_authenticator)
    assert not Authenticator.objects.filter(user_id=setting.clerk.user_id).exists()
    assert _events("account.two_factor_reset") == 1
    page = setting.client_of(setting.cast.staff_with_role).get(f"{ADMIN}/staff/{setting.clerk.pk}/")
    assert "已重置" in page.content.decode()


def test_a_partner_key_is_issued_once_shown_once_and_revoked_by_the_administrator_only(setting: Setting) -> None:
    url = f"{ADMIN}/partners/{setting.partner.pk}/keys/"
    shown: list[str] = []

    def issue(actor: Actor) -> bool:
        response = setting.client_of(actor).post(url, {"key-label": "case system", "token": f"t-{actor.user_id}"})
        if response.status_code == 200:
            shown.append(response.content.decode())
        return response.status_code == 200

    assert_matrix(setting.cast, issue, ONLY_THE_ADMINISTRATOR)
    key = PartnerKey.objects.get(partner=setting.partner, label="case system")
    secret = shown[0].split('id="issued-secret" readonly value="')[1].split('"')[0]
    assert actor_for_partner_key(secret) is not None
    assert key.prefix in secret
    assert _events("partner.key_issued") == 2  # the setting's key, and this one

    admin = setting.client_of(setting.cast.staff_with_role)
    token = f"t-{setting.cast.staff_with_role.user_id}"
    again = admin.post(url, {"key-label": "case system", "token": token})  # the browser sent the form again
    assert again.status_code == 400
    assert PartnerKey.objects.filter(partner=setting.partner, label="case system").count() == 1
    assert "issued-secret" not in again.content.decode()  # and no secret shown again

    revoke = f"{ADMIN}/keys/{key.pk}/revoke/"
    assert_matrix(setting.cast, post_changes(setting, revoke, {}), ONLY_THE_ADMINISTRATOR)
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert _events("partner.key_revoked") == 1


def test_the_secret_is_on_the_answer_to_the_issue_only(setting: Setting) -> None:
    admin = setting.client_of(setting.cast.staff_with_role)
    issued = admin.post(f"{ADMIN}/partners/{setting.partner.pk}/keys/", {"key-label": "x", "token": "once"})
    page = issued.content.decode()
    secret = page.split('id="issued-secret" readonly value="')[1].split('"')[0]
    assert actor_for_partner_key(secret) is not None
    assert issued["Cache-Control"] == "no-store"
    assert secret not in admin.get(f"{ADMIN}/partners/{setting.partner.pk}/").content.decode()


def test_a_partner_is_deactivated_by_the_administrator_only_and_its_keys_stop(setting: Setting) -> None:
    _key, raw = actions.partner_key_issue(actor=SYSTEM, partner_id=setting.partner.pk)
    url = f"{ADMIN}/partners/{setting.partner.pk}/deactivate/"
    assert_matrix(setting.cast, post_changes(setting, url, {}), ONLY_THE_ADMINISTRATOR)
    assert not Partner.objects.get(pk=setting.partner.pk).active
    assert actor_for_partner_key(raw) is None
    assert _events("partner.deactivated") == 1


AGREEMENT_FORM = {
    "agreement-reference": "DSA-2026-01",
    "agreement-purpose": "complaint_handling",
    "agreement-purpose_detail": "处理其代理销售保单引起的投诉",
    "agreement-data_categories": ["complaint", "complainant_contact"],
    "agreement-method": "partner_api",
    "agreement-protection_measures": "传输加密；仅投诉专员可见；结案后 30 日内删除",
    "agreement-valid_from": "2026-01-01",
    "agreement-valid_until": "2026-12-31",
}


def _recorded_by_another_administrator(setting: Setting) -> DataSharingAgreement:
    _, recorder = setting.world.ours.staff(Role.ADMINISTRATOR)
    recording = Client()
    recording.force_login(get_user_model().objects.get(pk=recorder.user_id))
    assert recording.post(f"{ADMIN}/partners/{setting.partner.pk}/agreements/", AGREEMENT_FORM).status_code == 302
    return DataSharingAgreement.objects.get(reference="DSA-2026-01")


def test_an_agreement_is_recorded_with_every_term_by_the_administrator_only_and_opens_nothing_yet(
    setting: Setting,
) -> None:
    url = f"{ADMIN}/partners/{setting.partner.pk}/agreements/"

    assert_matrix(setting.cast, post_changes(setting, url, AGREEMENT_FORM), ONLY_THE_ADMINISTRATOR)

    agreement = DataSharingAgreement.objects.get(reference="DSA-2026-01")
    assert (agreement.insurer_id, agreement.purpose, agreement.data_categories, agreement.method) == (
        setting.world.ours.insurer.pk,
        "complaint_handling",
        ["complainant_contact", "complaint"],
        "partner_api",
    )
    assert agreement.protection_measures == "传输加密；仅投诉专员可见；结案后 30 日内删除"
    assert (agreement.recorded_by_id, agreement.approved_at) == (setting.cast.staff_with_role.staff_id, None)
    assert not partner_may_receive(partner_id=setting.partner.pk, category="complaint", on=date(2026, 3, 1))
    assert _events("privacy.agreement_signed") == 1
    again = setting.client_of(setting.cast.staff_with_role).post(url, AGREEMENT_FORM)
    assert again.status_code == 400
    assert DataSharingAgreement.objects.filter(reference="DSA-2026-01").count() == 1


def test_an_agreement_is_approved_by_another_administrator_only_and_then_opens_the_data(setting: Setting) -> None:
    agreement = _recorded_by_another_administrator(setting)
    url = f"{ADMIN}/agreements/{agreement.pk}/approve/"

    assert_matrix(setting.cast, post_changes(setting, url, {}), ONLY_THE_ADMINISTRATOR)

    agreement.refresh_from_db()
    assert agreement.approved_by_id == setting.cast.staff_with_role.staff_id
    assert partner_may_receive(partner_id=setting.partner.pk, category="complainant_contact", on=date(2026, 3, 1))
    assert not partner_may_receive(partner_id=setting.partner.pk, category="policy", on=date(2026, 3, 1))
    assert _events("privacy.agreement_approved") == 1


def test_the_recorder_cannot_approve_their_own_agreement(setting: Setting) -> None:
    admin = setting.client_of(setting.cast.staff_with_role)
    admin.post(f"{ADMIN}/partners/{setting.partner.pk}/agreements/", AGREEMENT_FORM)
    agreement = DataSharingAgreement.objects.get(reference="DSA-2026-01")

    response = admin.post(f"{ADMIN}/agreements/{agreement.pk}/approve/", {})

    assert response.status_code == 400
    assert "partner-error" in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.approved_at is None
    assert _events("privacy.agreement_approved") == 0


def test_an_agreement_is_ended_early_by_the_administrator_only_and_closes_the_data_at_once(
    setting: Setting,
) -> None:
    agreement = _recorded_by_another_administrator(setting)
    setting.client_of(setting.cast.staff_with_role).post(f"{ADMIN}/agreements/{agreement.pk}/approve/", {})
    url = f"{ADMIN}/agreements/{agreement.pk}/end/"

    assert_matrix(
        setting.cast,
        post_changes(setting, url, {f"end-{agreement.pk}-reason": "代理合同已解除"}),
        ONLY_THE_ADMINISTRATOR,
    )

    agreement.refresh_from_db()
    assert (agreement.end_reason, agreement.ended_by_id) == ("代理合同已解除", setting.cast.staff_with_role.staff_id)
    assert not partner_may_receive(partner_id=setting.partner.pk, category="complaint", on=date(2026, 3, 1))
    assert _events("privacy.agreement_ended") == 1


def test_ending_an_agreement_without_a_reason_is_refused_and_keeps_it_in_force(setting: Setting) -> None:
    agreement = _recorded_by_another_administrator(setting)
    admin = setting.client_of(setting.cast.staff_with_role)
    admin.post(f"{ADMIN}/agreements/{agreement.pk}/approve/", {})

    response = admin.post(f"{ADMIN}/agreements/{agreement.pk}/end/", {f"end-{agreement.pk}-reason": "解除"})

    assert response.status_code == 400
    assert 'value="解除"' in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.ended_at is None
    assert _events("privacy.agreement_ended") == 0


def test_an_agreement_that_ends_before_it_begins_is_refused_and_keeps_what_was_typed(setting: Setting) -> None:
    admin = setting.client_of(setting.cast.staff_with_role)
    form = {
        **AGREEMENT_FORM,
        "agreement-reference": "DSA-BAD",
        "agreement-valid_from": "2026-12-31",
        "agreement-valid_until": "2026-01-01",
    }
    response = admin.post(f"{ADMIN}/partners/{setting.partner.pk}/agreements/", form)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="DSA-BAD"' in page
    assert "处理其代理销售保单引起的投诉" in page
    assert "传输加密；仅投诉专员可见；结案后 30 日内删除" in page
    assert 'value="complainant_contact" id="id_agreement-data_categories_1" checked>' in page
    assert 'value="policy" id="id_agreement-data_categories_2">' in page  # not ticked, not ticked now
    assert not DataSharingAgreement.objects.exists()


def test_an_agreement_without_protection_measures_is_refused(setting: Setting) -> None:
    admin = setting.client_of(setting.cast.staff_with_role)
    form = {**AGREEMENT_FORM, "agreement-protection_measures": "加密"}
    response = admin.post(f"{ADMIN}/partners/{setting.partner.pk}/agreements/", form)
    assert response.status_code == 400
    assert not DataSharingAgreement.objects.exists()


def test_a_counter_is_changed_by_the_administrator_only(setting: Setting) -> None:
    url = f"{ADMIN}/counters/{setting.counter.pk}/"
    form = {
        "counter-name": "Ours Counter",
        "counter-address": "沈阳市和平区南京北街 1 号",
        "counter-hours": "周一至周六 8:30–17:00",
        "counter-order": "0",
    }
    assert_matrix(setting.cast, post_changes(setting, url, form), ONLY_THE_ADMINISTRATOR)
    setting.counter.refresh_from_db()
    assert (setting.counter.hours, setting.counter.published) == ("周一至周六 8:30–17:00", False)
    assert _events("identity.service_point_saved") == 2


# Changes that name no row: another insurer's administrator makes them for *their own* insurer. The matrix runs
# with a handler of the other insurer; a test below shows the other administrator leaves ours untouched.
OWN_INSURER_CHANGES = {
    "channels": (
        "/channels/",
        {
            "channels-complaint_phone": "95500",
            "channels-complaint_address": "沈阳市和平区 1 号",
            "channels-complaint_email": "ts@ours.example",
            "channels-website": "https://ours.example",
        },
    ),
    "partner": ("/partners/add/", {"add-kind": "outsourcer", "add-code": "OS-1", "add-name": "外包服务商"}),
    "counter": (
        "/counters/add/",
        {"counter-name": "新柜台", "counter-address": "沈阳市", "counter-hours": "9:00–16:00", "counter-order": "1"},
    ),
    "checklist": (
        "/checklists/medical/hospitalisation/save/",
        {
            "add-code": "police_report",
            "add-name": "报警回执",
            "add-explanation": "派出所出具的回执。",
            "add-required": "on",
        },
    ),
    "wording": (
        "/checklists/medical/hospitalisation/en/",
        {"code": "invoice", "item-invoice-name": "Medical invoice", "item-invoice-explanation": "The hospital's bill."},
    ),
}


@pytest.mark.parametrize("change", sorted(OWN_INSURER_CHANGES))
def test_changes_to_the_insurer_itself_are_made_by_its_administrator_only(setting: Setting, change: str) -> None:
    path, form = OWN_INSURER_CHANGES[change]
    cast = _with_their_handler(setting)
    assert_matrix(cast, post_changes(setting, ADMIN + path, form), ONLY_THE_ADMINISTRATOR)
    ours = setting.world.ours.insurer
    if change == "channels":
        ours.refresh_from_db()
        assert (ours.complaint_phone, ours.website) == ("95500", "https://ours.example")
        assert _events("insurer.channels_changed") == 1
    elif change == "partner":
        assert Partner.objects.get(code="OS-1").insurer_id == ours.pk
    elif change == "counter":
        assert ServicePoint.objects.get(name="新柜台").insurer_id == ours.pk
    elif change == "checklist":
        kept = claim_access.checklist_of(ours.pk, "medical", "hospitalisation")
        assert "police_report" in {i.code for i in kept}
        assert {i.insurer_id for i in kept} == {ours.pk}
        assert _events("claim.checklist_item_kept") == 1
    else:
        wording = ChecklistItemWording.objects.get(language="en", item__insurer=ours)
        assert (wording.item.code, wording.name) == ("invoice", "Medical invoice")
        assert _events("claim.checklist_wording_kept") == 1


@pytest.mark.parametrize("change", sorted(OWN_INSURER_CHANGES))
def test_the_other_insurers_administrator_changes_only_their_own(setting: Setting, change: str) -> None:
    path, form = OWN_INSURER_CHANGES[change]
    ours = setting.world.ours.insurer
    before = (
        Insurer.objects.filter(pk=ours.pk).values().get(),
        Partner.objects.filter(insurer=ours).count(),
        ServicePoint.objects.filter(insurer=ours).count(),
        ChecklistItem.objects.filter(insurer=ours).count(),
    )
    response = setting.client_of(setting.cast.other_insurer_staff).post(ADMIN + path, form)
    assert response.status_code == 302
    after = (
        Insurer.objects.filter(pk=ours.pk).values().get(),
        Partner.objects.filter(insurer=ours).count(),
        ServicePoint.objects.filter(insurer=ours).count(),
        ChecklistItem.objects.filter(insurer=ours).count(),
    )
    assert after == before


def test_a_checklist_of_its_own_replaces_the_platforms_for_that_insurer_only(setting: Setting) -> None:
    ours, theirs = setting.world.ours.insurer, setting.world.theirs.insurer
    platform = {i.code for i in claim_access.checklist_of(theirs.pk, "medical", "hospitalisation")}
    admin = setting.client_of(setting.cast.staff_with_role)
    changed = admin.post(
        f"{ADMIN}/checklists/medical/hospitalisation/save/",
        {"code": "bank_card", "item-bank_card-name": "收款账户", "item-bank_card-explanation": "本人银行卡或账号。"},
    )
    assert changed.status_code == 302
    own = {i.code: i for i in claim_access.checklist_of(ours.pk, "medical", "hospitalisation")}
    assert set(own) == platform  # the whole checklist was copied, one item changed
    assert (own["bank_card"].name, own["bank_card"].required) == ("收款账户", False)
    theirs_now = {i.code: i for i in claim_access.checklist_of(theirs.pk, "medical", "hospitalisation")}
    assert theirs_now["bank_card"].name == "收款银行卡"
    assert theirs_now["bank_card"].insurer_id is None
    again = admin.post(
        f"{ADMIN}/checklists/medical/hospitalisation/save/",
        {"code": "bank_card", "item-bank_card-name": "收款账户", "item-bank_card-explanation": "本人银行卡或账号。"},
    )
    assert again.status_code == 302
    assert _events("claim.checklist_item_kept") == 1  # the same form again changed nothing


def test_a_claimant_reads_the_checklist_in_their_language(setting: Setting) -> None:
    from xiaobao.claims.actions import checklist_wording_keep, described
    from xiaobao.claims.models import Claim

    ours = setting.world.ours.insurer
    checklist_wording_keep(
        actor=setting.cast.staff_with_role,
        insurer_id=ours.pk,
        product_line="medical",
        claim_type="hospitalisation",
        code="invoice",
        language="en",
        name="Medical invoice",
        explanation="The hospital's bill.",
    )
    claim = Claim(insurer=ours, product_line="medical", claim_type="hospitalisation")
    english = {code: name for code, name, _text in described(claim, ["invoice"], language="en")}
    chinese = {code: name for code, name, _text in described(claim, ["invoice"], language="zh-hans")}
    assert (english["invoice"], chinese["invoice"]) == ("Medical invoice", "医疗费用发票")


def test_a_compliance_officer_approves_an_agreement_from_the_approvals_page(setting: Setting) -> None:
    agreement = _recorded_by_another_administrator(setting)
    compliance_staff, compliance = setting.world.ours.staff(Role.COMPLIANCE_OFFICER)
    officer = Client()
    officer.force_login(compliance_staff.user)

    page = officer.get("/workbench/approvals/").content.decode()
    approved = officer.post(f"/workbench/agreements/{agreement.pk}/approve/")

    assert "DSA-2026-01" in page
    assert "传输加密；仅投诉专员可见；结案后 30 日内删除" in page
    assert approved.status_code == 302
    agreement.refresh_from_db()
    assert agreement.approved_by_id == compliance.staff_id
    assert "DSA-2026-01" not in officer.get("/workbench/approvals/").content.decode()


def test_only_compliance_or_administration_of_the_insurer_approve_from_the_workbench(setting: Setting) -> None:
    agreement = _recorded_by_another_administrator(setting)
    cast = replace(
        Cast.build(setting.world, Role.COMPLIANCE_OFFICER),
        staff_without_role=setting.world.ours.staff(Role.SUPERVISOR)[1],
    )

    def approves(actor: Actor) -> bool:
        client = Client()
        if actor.user_id is not None:
            client.force_login(get_user_model().objects.get(pk=actor.user_id))
        client.post(f"/workbench/agreements/{agreement.pk}/approve/")
        return DataSharingAgreement.objects.filter(pk=agreement.pk, approved_at__isnull=False).exists()

    assert_matrix(cast, approves, {"staff_with_role"})


def test_the_recorder_does_not_see_their_own_agreement_waiting(setting: Setting) -> None:
    admin = setting.client_of(setting.cast.staff_with_role)
    admin.post(f"{ADMIN}/partners/{setting.partner.pk}/agreements/", AGREEMENT_FORM)

    assert "DSA-2026-01" not in admin.get("/workbench/approvals/").content.decode()
