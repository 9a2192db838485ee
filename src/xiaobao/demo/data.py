"""Demo data for ``make run``: two insurers, branches, staff in every role, partners,
consumers (an elderly and a visually impaired one among them), a mediation organisation.

Everything is made through the same actions the product uses, as the system actor.
Idempotent: a second run finds the first insurer and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from stdnum.cn import ric

from xiaobao.demo.education import load_education
from xiaobao.demo.products import load_products
from xiaobao.identity import actions
from xiaobao.identity.actions import ConsumerDetails
from xiaobao.identity.domain.branches import BranchLevel
from xiaobao.identity.models import Authenticator, Insurer, Partner, ServicePoint
from xiaobao.kernel.actors import SYSTEM, Role

DEMO_PASSWORD = "xiaobao-demo-2026"  # noqa: S105  (printed at start; demo only)
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"  # RFC 6238 test key; demo only
"""Every demo staff member's authenticator (two-factor sign-in, issue #19): in an app, the key
GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ; or ``manage.py demo_code <user>`` prints the current code."""


def resident_id(region: str, born: date, sequence: str) -> str:
    """A resident ID with a correct check digit (fictional people)."""
    body = f"{region}{born:%Y%m%d}{sequence}"
    return body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder check digit


ELDER_RESIDENT_ID = resident_id("210102", date(1948, 3, 9), "042")


@dataclass
class Login:
    username: str
    who: str


@dataclass
class DemoResult:
    created: bool
    logins: list[Login] = field(default_factory=list)


INSURERS = [
    {
        "code": "anhe-life",
        "prefix": "anhe",
        "name": "安和人寿保险股份有限公司（演示）",
        "complaint_phone": "400-000-9501",
        "complaint_address": "辽宁省沈阳市和平区南京北街 1 号 安和人寿辽宁分公司 客户服务中心",
        "complaint_email": "complaints@anhe-life.example",
        "website": "https://anhe-life.example",
        "uscc": "91210000MA0T1A2B3B",
        "cities": [("SY", "沈阳中心支公司"), ("DL", "大连中心支公司")],
    },
    {
        "code": "beichen-pc",
        "prefix": "beichen",
        "name": "北辰财产保险股份有限公司（演示）",
        "complaint_phone": "400-000-9502",
        "complaint_address": "辽宁省大连市中山区人民路 2 号 北辰财险辽宁分公司 投诉受理窗口",
        "complaint_email": "tousu@beichen-pc.example",
        "website": "https://beichen-pc.example",
        "uscc": "91210200MA0U2C4D52",
        "cities": [("DL", "大连中心支公司"), ("AS", "鞍山中心支公司")],
    },
]

STAFF_ROLES = [
    ("handler", "投诉处理员", [Role.HANDLER]),
    ("handler2", "理赔调查员", [Role.HANDLER]),
    ("supervisor", "投诉处理主管", [Role.SUPERVISOR]),
    ("manager", "分公司高级管理人员", [Role.SENIOR_MANAGER]),
    ("compliance", "消保合规官", [Role.COMPLIANCE_OFFICER]),
    ("auditor", "内部审计", [Role.AUDITOR]),
    ("admin", "系统管理员", [Role.ADMINISTRATOR]),
]


def load() -> DemoResult:
    if Insurer.objects.filter(code=INSURERS[0]["code"]).exists():
        _enrol_demo_staff()  # a demo database loaded before two-factor sign-in gets its authenticators too
        return DemoResult(created=False, logins=_logins())
    with transaction.atomic():
        for spec in INSURERS:
            _load_insurer(spec)
        centre = _load_mediation()
        _load_regulator()
        _load_consumers()
        _load_referral(_load_complaints(), centre)
        _load_claims()
        load_products()
        load_education()
        _enrol_demo_staff()
    _count_statistics()
    return DemoResult(created=True, logins=_logins())


def _enrol_demo_staff() -> None:
    """Each demo staff member (and nobody else) gets a confirmed authenticator with the fixed demo key."""
    for user in get_user_model().objects.filter(username__in=_staff_usernames()):
        if not Authenticator.objects.filter(user=user, confirmed=True).exists():
            actions.account_two_factor_install(actor=SYSTEM, user=user, key=DEMO_TOTP_KEY)


def _staff_usernames() -> list[str]:
    return [f"{spec['prefix']}.{suffix}" for spec in INSURERS for suffix, _display, _roles in STAFF_ROLES]


def _load_insurer(spec: dict) -> None:  # type: ignore[type-arg]
    insurer = actions.insurer_create(
        actor=SYSTEM,
        code=spec["code"],
        name=spec["name"],
        complaint_phone=spec["complaint_phone"],
        complaint_address=spec["complaint_address"],
        complaint_email=spec["complaint_email"],
        website=spec["website"],
        uscc=spec["uscc"],
    )
    head = actions.branch_create(
        actor=SYSTEM, insurer_id=insurer.pk, code="HO", name="总公司", level=BranchLevel.HEAD_OFFICE
    )
    province = actions.branch_create(
        actor=SYSTEM,
        insurer_id=insurer.pk,
        code="LN",
        name="辽宁分公司",
        level=BranchLevel.PROVINCIAL,
        parent_id=head.pk,
    )
    for order, (_code, city_name) in enumerate(spec["cities"]):
        actions.service_point_save(
            actor=SYSTEM,
            point=ServicePoint(
                insurer=insurer,
                name=f"{city_name}客户服务柜台",
                address=f"辽宁省{city_name[:2]}市 演示路 {order + 1} 号 一楼",
                phone=spec["complaint_phone"],
                hours="周一至周五 8:30–17:00，周六 9:00–12:00",
                accessibility="无障碍坡道、低位服务台、助听设备；可预约上门服务",
                languages="普通话、辽宁方言；英语可预约",
                order=order,
            ),
            changed_by="demo",
        )
    first_city = None
    for code, name in spec["cities"]:
        city = actions.branch_create(
            actor=SYSTEM,
            insurer_id=insurer.pk,
            code=f"LN-{code}",
            name=name,
            level=BranchLevel.CITY,
            parent_id=province.pk,
        )
        actions.branch_create(
            actor=SYSTEM,
            insurer_id=insurer.pk,
            code=f"LN-{code}-01",
            name=f"{name[:2]}营业网点",
            level=BranchLevel.OUTLET,
            parent_id=city.pk,
        )
        first_city = first_city or city
    assert first_city is not None
    for suffix, display, roles in STAFF_ROLES:
        branch = province if Role.SENIOR_MANAGER in roles or Role.COMPLIANCE_OFFICER in roles else first_city
        actions.staff_create(
            actor=SYSTEM,
            insurer_id=insurer.pk,
            branch_id=branch.pk,
            username=f"{spec['prefix']}.{suffix}",
            display_name=display,
            password=DEMO_PASSWORD,
            roles=roles,
        )
    actions.partner_create(
        actor=SYSTEM,
        insurer_id=insurer.pk,
        kind=Partner.AGENT,
        code="AG-001",
        name="辽沈保险代理有限公司（演示）",
        contact_email="service@agent.example",
    )
    actions.partner_create(
        actor=SYSTEM,
        insurer_id=insurer.pk,
        kind=Partner.OUTSOURCER,
        code="OS-001",
        name="北方客服外包服务有限公司（演示）",
        contact_email="ops@outsourcer.example",
    )


def _load_mediation() -> int:
    """Two mediation organisations (DSP-1), each with a mediator's log-in, and both demo insurers' data-sharing
    agreements with the industry centre (so a consented case can be referred straight away)."""
    from xiaobao.disputes.actions import sharing_agreement_record
    from xiaobao.identity.actors import actor_for_user
    from xiaobao.identity.models import MediationOrganisation, Staff
    from xiaobao.ops import clock

    organisation = actions.mediation_organisation_create(
        actor=SYSTEM,
        code="ln-mediation",
        name="辽宁省保险纠纷调解中心（演示）",
        phone="024-0000-0000",
        address="辽宁省沈阳市沈河区市府大路 3 号",
        email="mediation@ln-mediation.example",
        kind=MediationOrganisation.INDUSTRY_CENTRE,
        product_lines=[],
        regions=["辽宁省"],
        contact_person="周调解员",
    )
    actions.mediator_create(
        actor=SYSTEM,
        organisation_id=organisation.pk,
        username="mediator",
        display_name="调解员 周",
        password=DEMO_PASSWORD,
    )
    court = actions.mediation_organisation_create(
        actor=SYSTEM,
        code="shenhe-court-desk",
        name="沈阳市沈河区人民法院诉调对接中心（演示）",
        phone="024-0000-0001",
        address="辽宁省沈阳市沈河区青年大街 5 号",
        kind=MediationOrganisation.COURT_DESK,
        product_lines=["motor", "medical", "illness"],
        regions=["沈阳市"],
        contact_person="刘法官助理",
    )
    actions.mediator_create(
        actor=SYSTEM,
        organisation_id=court.pk,
        username="mediator.court",
        display_name="诉调中心 刘",
        password=DEMO_PASSWORD,
    )
    today = clock.today()
    for spec in INSURERS:  # recorded by each insurer's own administrator, as a real one would
        admin = actor_for_user(Staff.objects.get(user__username=f"{spec['prefix']}.admin").user)
        sharing_agreement_record(
            actor=admin,
            organisation_id=organisation.pk,
            reference=f"MSA-{str(spec['prefix']).upper()}-{today.year}",
            valid_from=date(today.year, 1, 1),
            valid_until=date(today.year + 1, 12, 31),
        )
    return organisation.pk


def _count_statistics() -> None:
    """The statistics' summary of the last year (CMP-S2), so the dashboards show the demo's complaints at once;
    the worker keeps the recent months current from then on."""
    from xiaobao.ops import clock
    from xiaobao.reports.actions import figures_refresh
    from xiaobao.reports.domain.periods import months_before

    figures_refresh(actor=SYSTEM, months=months_before(clock.today(), 12))


def _load_regulator() -> None:
    """The regulator's demo account (CMP-S2): every insurer's statistics, no case."""
    actions.regulator_create(
        actor=SYSTEM,
        username="regulator",
        display_name="监管局 统计处",
        office="国家金融监督管理总局辽宁监管局（演示）",
        password=DEMO_PASSWORD,
    )


def _load_consumers() -> None:
    insurers = list(Insurer.objects.order_by("pk"))
    people = [
        (
            "elder",
            ConsumerDetails(
                name="王淑芬",
                resident_id=resident_id("210102", date(1948, 3, 9), "042"),
                phone="13800138001",
                preferred_channel="sms",
            ),
        ),
        (
            "blind",
            ConsumerDetails(
                name="李明",
                resident_id=resident_id("210202", date(1979, 11, 23), "015"),
                phone="13800138002",
                email="liming@example.com",
                preferred_channel="email",
                visually_impaired=True,
                disabled=True,
            ),
        ),
        (
            "newcomer",
            ConsumerDetails(
                name="Ahmet Yilmaz",
                resident_id=resident_id("210302", date(1996, 6, 1), "077"),
                phone="13800138003",
                preferred_language="en",
                new_urban_resident=True,
            ),
        ),
    ]
    for username, details in people:
        user = get_user_model().objects.create_user(username=f"consumer.{username}", password=DEMO_PASSWORD)
        consumer = actions.consumer_register(actor=SYSTEM, details=details, insurer_id=insurers[0].pk, user_id=user.pk)
        if username == "blind":
            actions.consumer_relate(actor=SYSTEM, consumer=consumer, insurer_id=insurers[1].pk)


def _logins() -> list[Login]:
    logins = []
    for spec in INSURERS:
        for suffix, display, _roles in STAFF_ROLES:
            logins.append(Login(f"{spec['prefix']}.{suffix}", f"{spec['name']} · {display}"))
    logins += [
        Login("consumer.elder", "王淑芬, 78, elderly consumer"),
        Login("consumer.blind", "李明, visually impaired consumer"),
        Login("consumer.newcomer", "Ahmet Yilmaz, new urban resident (English)"),
        Login("mediator", "辽宁省保险纠纷调解中心 mediator"),
        Login("mediator.court", "沈河区法院诉调对接中心 mediator"),
        Login("regulator", "监管局 regulator: every insurer's statistics, no case"),
    ]
    return logins


def _load_complaints() -> int:
    """A queue worth opening: complaints at several stages, from several channels, some flagged."""
    from datetime import timedelta

    from xiaobao.complaints import actions as complaint_actions
    from xiaobao.complaints.actions import NewComplaint
    from xiaobao.complaints.domain.classification import Channel, ProductLine, Reason
    from xiaobao.complaints.domain.decisions import Decision, Outcome
    from xiaobao.identity.models import Branch, Consumer, Staff
    from xiaobao.ops import clock

    insurer = Insurer.objects.get(code=INSURERS[0]["code"])
    city = Branch.objects.get(insurer=insurer, code="LN-SY")
    handler = Staff.objects.get(user__username="anhe.handler")
    elder, blind, newcomer = (
        Consumer.objects.get(user__username=f"consumer.{u}") for u in ("elder", "blind", "newcomer")
    )
    now = clock.now()
    decided = 0
    cases = [
        (
            elder,
            Channel.HOTLINE,
            ProductLine.MEDICAL,
            Reason.CLAIMS,
            12,
            "住院费用理赔被拒，拒赔理由看不懂。",
            "investigate",
        ),
        (blind, Channel.WEB, ProductLine.ILLNESS, Reason.SALES, 3, "销售时没有告知等待期。", "assign"),
        (
            newcomer,
            Channel.EMAIL,
            ProductLine.ACCIDENT,
            Reason.POLICY_SERVICE,
            1,
            "Address change request ignored.",
            "accept",
        ),
        (elder, Channel.LETTER, ProductLine.ORDINARY_LIFE, Reason.SURRENDER, 0, "退保金额与合同不符。", ""),
        (blind, Channel.COUNTER, ProductLine.MEDICAL, Reason.CLAIMS, 20, "门诊费用报销比例不对。", "decide"),
    ]
    for consumer, channel, line, reason, days_ago, text, stage in cases:
        complaint = complaint_actions.complaint_register(
            actor=SYSTEM,
            insurer_id=insurer.pk,
            data=NewComplaint(
                handling_branch_id=city.pk,
                channel=channel,
                received_at=now - timedelta(days=days_ago),
                product_line=line,
                reason=reason,
                description=text,
                complainant_id=consumer.pk,
            ),
        )
        steps = {"accept": 1, "assign": 2, "investigate": 3, "decide": 4}.get(stage, 0)
        if steps >= 1:
            complaint_actions.complaint_accept(actor=SYSTEM, complaint_id=complaint.pk)
        if steps >= 2:
            complaint_actions.complaint_assign(actor=SYSTEM, complaint_id=complaint.pk, handler_id=handler.pk)
        if steps >= 3:
            complaint_actions.complaint_investigate(actor=SYSTEM, complaint_id=complaint.pk)
        if steps >= 4:
            complaint_actions.complaint_decide(
                actor=SYSTEM,
                complaint_id=complaint.pk,
                decision=Decision(
                    outcome=Outcome.UPHELD,
                    findings="报销比例按错误档次计算。",
                    basis="合同第九条。",
                    reasons="属于计算错误。",
                    remedy="五个工作日内补付差额。",
                ),
            )
            decided = complaint.pk
    return decided


def _load_referral(complaint_id: int, organisation_id: int) -> None:
    """The decided complaint about outpatient costs, taken to mediation with its complainant's consent (DSP-1):
    the `mediator` log-in finds it in their workspace, with the decision and the timeline shared."""
    from xiaobao.complaints.access import complaint_for
    from xiaobao.disputes.actions import consent_give, referral_make
    from xiaobao.identity.actors import actor_for_user
    from xiaobao.identity.models import Staff
    from xiaobao.kernel.actors import Actor, ActorKind

    complaint = complaint_for(SYSTEM, complaint_id)
    complainant = Actor(kind=ActorKind.CONSUMER, consumer_id=complaint.complainant_id)
    shared = ["decision", "timeline"]
    consent_give(actor=complainant, complaint_id=complaint_id, organisation_id=organisation_id, shared=shared)
    handler = actor_for_user(Staff.objects.get(user__username=f"{INSURERS[0]['prefix']}.handler").user)
    referral_make(actor=handler, complaint_id=complaint_id, organisation_id=organisation_id, shared=shared)


def _load_claims() -> None:
    """Claims worth opening: a green-channel claim waiting for documents, one being assessed, one paid."""
    from datetime import date, timedelta
    from decimal import Decimal

    from xiaobao.claims import actions as claim_actions
    from xiaobao.claims.actions import NewClaim
    from xiaobao.identity.models import Consumer
    from xiaobao.ops import clock

    insurer = Insurer.objects.get(code=INSURERS[0]["code"])
    elder, blind, newcomer = (
        Consumer.objects.get(user__username=f"consumer.{u}") for u in ("elder", "blind", "newcomer")
    )
    today = clock.today()
    cases = [
        (elder, "accident", "injury", "210102", "在小区门口摔倒，左腿骨折。", "3200.00", "requested"),
        (
            newcomer,
            "motor",
            "vehicle_damage",
            "210211",
            "Rear-ended at a red light; bumper and lights broken.",
            "6400.00",
            "assessing",
        ),
        (blind, "medical", "hospitalisation", "210302", "肺炎住院 6 天。", "9800.00", "paid"),
    ]
    for consumer, line, kind, region, text, amount, stage in cases:
        claim = claim_actions.claim_report(
            actor=SYSTEM,
            insurer_id=insurer.pk,
            claimant_id=consumer.pk,
            data=NewClaim(
                policy_number=f"DEMO-{line.upper()}-001",
                product_line=line,
                claim_type=kind,
                incident_date=max(date(today.year, 1, 1), today - timedelta(days=10)),
                incident_region=region,
                description=text,
                amount_claimed=Decimal(amount),
            ),
        )
        if stage == "requested":
            claim_actions.claim_request_documents(actor=SYSTEM, claim_id=claim.pk)
            continue
        for code in claim_actions.missing(claim):
            claim_actions.claim_receive_document(
                actor=SYSTEM, claim_id=claim.pk, item_code=code, name=f"{code}.pdf", content=b"%PDF-1.4 demo"
            )
        claim_actions.claim_assess(actor=SYSTEM, claim_id=claim.pk)
        if stage == "paid":
            claim_actions.claim_agree_amount(actor=SYSTEM, claim_id=claim.pk, amount=Decimal("9200.00"))
            claim_actions.claim_pay(actor=SYSTEM, claim_id=claim.pk)
