"""The mediation pages and API (DSP-1, DSP-3; issue #17): every page, POST and endpoint tried by anonymous, a
consumer, staff of another insurer, staff without the role, the organisation's mediator and another
organisation's mediator; a refusal leaves nothing; a rejected form keeps what was typed; a repeated submission
creates nothing twice."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.disputes.conftest import Mediation
from tests.support.matrix import consumer_with_account, row_counts
from xiaobao.disputes import actions
from xiaobao.disputes.models import Consent, Referral
from xiaobao.identity.models import Mediator
from xiaobao.kernel.actors import Role

pytestmark = pytest.mark.django_db

STAFF_WHO = ("anonymous", "consumer", "other_insurer_supervisor", "staff_without_role", "mediator", "supervisor")


def _client_for(mediation: Mediation, who: str) -> Client:
    client = Client()
    world = mediation.desk.world
    if who == "anonymous":
        return client
    if who == "consumer":
        client.force_login(consumer_with_account(world.ours.insurer.pk))
        return client
    if who == "complainant":
        consumer = mediation.desk.complainant
        if consumer.user is None:
            consumer.user = get_user_model().objects.create_user(username=f"c-{consumer.pk}", password="x" * 12)
            consumer.save(update_fields=["user"])
        client.force_login(consumer.user)
        return client
    if who in {"mediator", "other_mediator"}:
        actor = mediation.mediator if who == "mediator" else mediation.other_mediator
        client.force_login(Mediator.objects.get(user_id=actor.user_id).user)
        return client
    tenant, roles = {
        "other_insurer_supervisor": (world.theirs, (Role.SUPERVISOR, Role.COMPLIANCE_OFFICER)),
        "staff_without_role": (world.ours, ()),
        "supervisor": (world.ours, (Role.SUPERVISOR,)),
    }[who]
    staff, _ = tenant.staff(*roles)
    client.force_login(staff.user)
    return client


def _staff_attempts(mediation: Mediation) -> list[tuple[str, str, dict[str, object] | None]]:
    referred = mediation.referred()
    agreed = mediation.agreed(effective_on=date(2026, 3, 2))
    performance = actions.performance_record(
        actor=mediation.desk.handler, referral_id=agreed.pk, what="支付补偿", due=date(2026, 3, 20)
    )
    consented = mediation.under_review()
    mediation.consent(consented, shared=("decision",))
    return [
        ("get", f"/workbench/complaints/{referred.complaint_id}/mediation/", None),
        (
            "post",
            f"/workbench/complaints/{consented.pk}/mediation/refer/",
            {"refer-organisation": mediation.centre.pk, "refer-shared": ["decision"]},
        ),
        ("post", f"/workbench/mediation/referrals/{agreed.pk}/court-file.pdf", {}),
        (
            "post",
            f"/workbench/mediation/referrals/{agreed.pk}/application/",
            {"apply-applied_on": "2026-03-02", "apply-court": "沈河区人民法院"},
        ),
        (
            "post",
            f"/workbench/mediation/referrals/{agreed.pk}/performance/",
            {"owe-what": "书面致歉", "owe-due": "2026-03-25"},
        ),
        (
            "post",
            f"/workbench/mediation/referrals/{agreed.pk}/result/",
            {"court-result": "confirmed", "court-ruled_on": "2026-03-02", "court-ruling_number": "(2026)辽0103民特1号"},
        ),
        ("get", "/workbench/mediation/", None),
        ("get", f"/workbench/mediation/evidence/{performance.pk}/", None),
    ]


@pytest.mark.parametrize("who", STAFF_WHO)
def test_the_staff_mediation_pages_are_for_staff_who_handle_the_complaint_only(mediation: Mediation, who: str) -> None:
    attempts = _staff_attempts(mediation)
    client = _client_for(mediation, who)
    answers = []
    for method, path, form in attempts:
        before = row_counts()
        answer = getattr(client, method)(path, form) if form is not None else getattr(client, method)(path)
        answers.append(answer.status_code)
        if who != "supervisor":
            assert row_counts() == before, f"{who} {method} {path} left rows behind"
    expected = {
        "supervisor": [200, 302, 200, 302, 302, 302, 200, 404],  # no evidence recorded yet: nothing to serve
        "anonymous": [302] * 8,
        # the directory of organisations is theirs to see too (it belongs to no insurer); our cases are not
        "other_insurer_supervisor": [404] * 6 + [200, 404],
    }.get(who, [404] * 8)
    assert answers == expected


def test_the_court_file_is_a_pdf_with_the_parties(mediation: Mediation) -> None:
    agreed = mediation.agreed()
    answer = _client_for(mediation, "supervisor").post(f"/workbench/mediation/referrals/{agreed.pk}/court-file.pdf")
    assert answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")


def test_a_rejected_referral_form_keeps_what_was_typed(mediation: Mediation) -> None:
    complaint = mediation.under_review()
    mediation.consent(complaint, shared=("decision",))
    client = _client_for(mediation, "supervisor")
    answer = client.post(
        f"/workbench/complaints/{complaint.pk}/mediation/refer/",
        {"refer-organisation": mediation.centre.pk, "refer-shared": ["timeline"], "refer-note": "请尽快联系"},
    )
    assert answer.status_code == 400
    assert "请尽快联系" in answer.content.decode()
    assert not Referral.objects.exists()


def test_the_case_page_shows_the_clock_stopped_for_mediation(mediation: Mediation) -> None:
    referral = mediation.referred()
    page = _client_for(mediation, "supervisor").get(f"/workbench/complaints/{referral.complaint_id}/").content.decode()
    assert "2026-03-02" in page
    assert f"/workbench/complaints/{referral.complaint_id}/mediation/" in page


MEDIATOR_WHO = ("anonymous", "consumer", "supervisor", "other_mediator", "mediator")


@pytest.mark.parametrize("who", MEDIATOR_WHO)
def test_the_workspace_is_for_the_organisations_mediators_only(mediation: Mediation, who: str) -> None:
    referral = mediation.referred()
    file = referral.complaint.attachments.get()
    client = _client_for(mediation, who)
    attempts = [
        ("get", "/mediation/", None),
        ("get", f"/mediation/referrals/{referral.pk}/", None),
        ("get", f"/mediation/referrals/{referral.pk}/files/{file.pk}/", None),
        ("get", "/mediation/statistics/", None),
        ("post", f"/mediation/referrals/{referral.pk}/accept/", {}),
        ("post", f"/mediation/referrals/{referral.pk}/outcome/", {"outcome": "withdrawn"}),
    ]
    answers = []
    for method, path, form in attempts:
        before = row_counts()
        answer = getattr(client, method)(path, form) if form is not None else getattr(client, method)(path)
        answers.append(answer.status_code)
        if who != "mediator":
            assert row_counts() == before, f"{who} {method} {path} left rows behind"
    expected = {
        "mediator": [200, 200, 200, 200, 302, 302],
        "anonymous": [302] * 6,
        "other_mediator": [200, 404, 404, 200, 404, 404],
    }.get(who, [404] * 6)
    assert answers == expected


def test_another_organisations_mediator_sees_none_of_our_cases_in_their_list(mediation: Mediation) -> None:
    referral = mediation.referred()
    page = _client_for(mediation, "other_mediator").get("/mediation/").content.decode()
    assert referral.complaint.reference not in page


def test_a_rejected_outcome_keeps_what_was_typed(mediation: Mediation) -> None:
    referral = mediation.referred()
    answer = _client_for(mediation, "mediator").post(
        f"/mediation/referrals/{referral.pk}/outcome/", {"outcome": "agreement", "terms": "赔付两千元"}
    )
    assert answer.status_code == 400
    assert "赔付两千元" in answer.content.decode()
    assert Referral.objects.get(pk=referral.pk).state == "referred"


CONSENT_WHO = ("anonymous", "consumer", "supervisor", "mediator", "complainant")


@pytest.mark.parametrize("who", CONSENT_WHO)
def test_only_the_complainant_reaches_the_consent_page(mediation: Mediation, who: str) -> None:
    complaint = mediation.under_review()
    client = _client_for(mediation, who)
    path = f"/my/complaints/{complaint.reference}/mediation/"
    before = row_counts()
    shown = client.get(path).status_code
    posted = client.post(path, {"organisation": str(mediation.centre.pk), "shared": ["decision"], "agree": "on"})
    if who == "complainant":
        assert (shown, posted.status_code) == (200, 302)
        assert Consent.objects.get().shared == ["decision"]
    else:
        assert (shown, posted.status_code) == (404, 404)
        assert row_counts() == before


def test_the_consent_given_twice_is_recorded_once(mediation: Mediation) -> None:
    complaint = mediation.under_review()
    client = _client_for(mediation, "complainant")
    form = {"organisation": "insurer", "shared": ["decision", "timeline"], "agree": "on"}
    client.post(f"/my/complaints/{complaint.reference}/mediation/", form)
    before = row_counts()
    client.post(f"/my/complaints/{complaint.reference}/mediation/", form)
    assert row_counts() == before


def test_a_consent_without_agreeing_keeps_what_was_ticked(mediation: Mediation) -> None:
    complaint = mediation.under_review()
    answer = _client_for(mediation, "complainant").post(
        f"/my/complaints/{complaint.reference}/mediation/", {"organisation": "insurer", "shared": ["timeline"]}
    )
    assert answer.status_code == 400
    assert re.search(r'value="timeline"[^>]*checked', answer.content.decode())
    assert not Consent.objects.exists()


def test_i_want_mediation_leads_to_the_consent_page(mediation: Mediation) -> None:
    complaint = mediation.under_review()
    answer = _client_for(mediation, "complainant").post(f"/track/{complaint.reference}/mediation/")
    assert answer["Location"] == f"/my/complaints/{complaint.reference}/mediation/"


@pytest.mark.parametrize("who", ["other_insurer_supervisor", "staff_without_role", "consumer", "supervisor"])
def test_the_figures_page_is_for_compliance(mediation: Mediation, who: str) -> None:
    mediation.agreed()
    answer = _client_for(mediation, who).get("/workbench/mediation/statistics/")
    if who == "other_insurer_supervisor":  # their compliance officer: their own referrals, none of ours
        assert answer.status_code == 200
        assert mediation.centre.name not in answer.content.decode()
    else:
        assert answer.status_code == 404


def test_compliance_sees_the_figures_of_its_insurer(mediation: Mediation) -> None:
    mediation.agreed()
    client = Client()
    staff, _ = mediation.desk.world.ours.staff(Role.COMPLIANCE_OFFICER)
    client.force_login(staff.user)
    page = client.get("/workbench/mediation/statistics/?start=2026-01-01&end=2026-12-31").content.decode()
    assert mediation.centre.name in page
    assert "100%" in page


# -- the API --------------------------------------------------------------------------------------------------

API_WHO = ("anonymous", "consumer", "other_insurer_supervisor", "staff_without_role", "other_mediator", "mediator")


@pytest.mark.parametrize("who", API_WHO)
def test_every_mediation_endpoint_refuses_who_may_not(mediation: Mediation, who: str) -> None:
    referral = mediation.referred()
    consented = mediation.under_review()
    mediation.consent(consented)
    client = _client_for(mediation, who)
    base = "/api/v1/mediation"
    calls = [
        ("get", f"{base}/referrals", None),
        ("get", f"{base}/referrals/{referral.pk}", None),
        ("post", f"{base}/referrals/{referral.pk}/accept", {}),
        ("post", f"{base}/referrals/{referral.pk}/outcome", {"outcome": "withdrawn"}),
        (
            "post",
            f"{base}/referrals",
            {"complaint_id": consented.pk, "organisation_id": mediation.centre.pk, "shared": []},
        ),
        ("get", f"{base}/statistics?start=2026-01-01&end=2026-12-31", None),
    ]
    answers = []
    for method, path, body in calls:
        before = row_counts()
        if method == "get":
            answer = client.get(path)
        else:
            answer = client.post(path, body, content_type="application/json")
        listed = answer.json() if answer.status_code == 200 else None
        answers.append((answer.status_code, len(listed) if isinstance(listed, list) else None))
        if who != "mediator":
            assert row_counts() == before, f"{who} {method} {path} left rows behind"
    expected = {
        "anonymous": [(401, None)] * 6,
        "consumer": [(200, 0), (404, None), (403, None), (403, None), (403, None), (404, None)],
        "other_insurer_supervisor": [(200, 0), (404, None), (403, None), (403, None), (404, None), (200, 0)],
        "staff_without_role": [(200, 0), (404, None), (403, None), (403, None), (403, None), (200, 0)],
        "other_mediator": [(200, 0), (404, None), (404, None), (404, None), (403, None), (200, 0)],
        "mediator": [(200, 1), (200, None), (200, None), (200, None), (403, None), (200, 1)],
    }[who]
    assert answers == expected


def test_the_api_shares_exactly_what_the_referral_names(mediation: Mediation) -> None:
    complaint = mediation.under_review()
    consent = mediation.consent(complaint, shared=("decision", "documents"))
    referral = actions.referral_make(
        actor=mediation.desk.handler,
        complaint_id=complaint.pk,
        organisation_id=mediation.centre.pk,
        shared=["documents"],
        documents=consent.documents,
    )
    body = _client_for(mediation, "mediator").get(f"/api/v1/mediation/referrals/{referral.pk}").json()
    assert body["decision"] is None
    assert body["timeline"] is None
    assert [d["name"] for d in body["documents"]] == ["receipt.png"]


def test_the_directory_shows_each_organisations_open_cases(mediation: Mediation) -> None:
    mediation.referred()
    body = _client_for(mediation, "mediator").get("/api/v1/mediation/organisations").json()
    assert {o["code"]: o["open_referrals"] for o in body} == {"centre": 1, "other": 0}


def test_the_evidence_of_performance_is_served_to_the_insurers_staff_only(mediation: Mediation) -> None:
    from tests.disputes.conftest import PDF
    from xiaobao.complaints.actions import Upload

    agreed = mediation.agreed(effective_on=date(2026, 3, 2))
    performance = actions.performance_record(
        actor=mediation.desk.handler, referral_id=agreed.pk, what="支付补偿", due=date(2026, 3, 20)
    )
    actions.performance_done(
        actor=mediation.desk.handler,
        performance_id=performance.pk,
        performed_on=date(2026, 3, 2),
        evidence=Upload("transfer.pdf", PDF),
    )
    path = f"/workbench/mediation/evidence/{performance.pk}/"
    answer = _client_for(mediation, "supervisor").get(path)
    assert answer.status_code == 200
    assert b"".join(answer.streaming_content) == PDF  # type: ignore[attr-defined]
    assert _client_for(mediation, "other_insurer_supervisor").get(path).status_code == 404
    assert _client_for(mediation, "mediator").get(path).status_code == 404


def test_staff_who_handle_the_complaint_refer_it_through_the_api_once(mediation: Mediation) -> None:
    complaint = mediation.under_review()
    mediation.consent(complaint, shared=("decision",))
    client = _client_for(mediation, "supervisor")
    body = {"complaint_id": complaint.pk, "organisation_id": mediation.centre.pk, "shared": ["decision"]}
    first = client.post("/api/v1/mediation/referrals", body, content_type="application/json")
    assert first.status_code == 201
    assert first.json()["decision"]["findings"] == complaint.findings
    before = row_counts()
    again = client.post("/api/v1/mediation/referrals", body, content_type="application/json")
    assert again.json()["id"] == first.json()["id"]
    assert row_counts() == before
