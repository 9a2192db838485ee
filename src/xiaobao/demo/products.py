"""Demo product pages (SAL-1): plain-words summaries and full terms, in the insurer's own Chinese; their tiers
and sale-rule properties, approved sales material, and the salespeople who sell them (SAL-S1, issue #16)."""

from __future__ import annotations

from typing import Any

from xiaobao.complaints.domain.classification import ProductLine
from xiaobao.identity import access as identity_access
from xiaobao.identity.actors import actor_for_user
from xiaobao.identity.models import Insurer, Partner, Staff
from xiaobao.kernel.actors import SYSTEM
from xiaobao.sales import access as sales_access
from xiaobao.sales.actions import material_approve, material_register, product_save, salesperson_save
from xiaobao.sales.models import Product, Salesperson

REGISTER = "https://tiaokuan.iachina.example/products/"

_LIFE_TERMS = """第一条 合同构成
本合同由保险单、保险条款、投保单及其他约定书面协议构成。

第二条 保险责任
在本合同有效期内，被保险人身故的，我们按基本保险金额给付身故保险金，本合同终止。

第三条 责任免除
因投保人对被保险人的故意杀害、故意伤害，被保险人故意犯罪或自本合同成立之日起二年内自杀（无民事行为能力人除外）导致身故的，我们不承担给付保险金的责任。

第四条 犹豫期
自您签收本合同次日起，有 15 日的犹豫期。在此期间您可以申请解除合同，我们将无息退还您所交的保险费。

第五条 保险金申请
受益人应提供保险合同、身份证明、死亡证明等资料。我们收到完整资料后 5 日内作出核定；情形复杂的，在 30 日内作出核定。资料不完整的，我们一次性通知您补充全部所需资料。

第六条 解除合同
犹豫期后您要求解除合同的，我们自收到申请之日起 30 日内退还本合同的现金价值。现金价值可能低于您已交的保险费。

第七条 投诉与争议
对我们的服务有异议，可拨打投诉电话或登录本平台在线投诉；我们在 15 日内作出处理决定并告知您。"""

_ILLNESS_TERMS = """第一条 保险责任
被保险人在等待期（90 日）后初次确诊本合同约定的重大疾病的，我们按基本保险金额给付重大疾病保险金。

第二条 重大疾病的定义
本合同所称重大疾病，指符合《重大疾病保险的疾病定义使用规范》所列 28 种重大疾病之一的疾病。

第三条 责任免除
等待期内确诊的疾病、投保前已患的疾病、故意自伤或故意犯罪导致的疾病，我们不承担给付保险金的责任。

第四条 保险金申请
申请人应提供保险合同、身份证明、医院出具的诊断证明及病理报告。资料不完整的，我们一次性通知您补充全部所需资料。"""

_MOTOR_TERMS = """第一条 保险责任
保险期间内，被保险人或其允许的驾驶人在使用被保险机动车过程中发生意外事故，致使第三者遭受人身伤亡或财产直接损毁，依法应当由被保险人承担的损害赔偿责任，我们按照约定负责赔偿。

第二条 责任免除
驾驶人饮酒、吸食毒品、无驾驶证或驾驶证失效期间发生的损失，我们不负责赔偿。

第三条 赔偿处理
发生保险事故后，被保险人应及时报案。我们收到赔偿请求后，在 10 日内作出核定（情形复杂的 30 日内），对属于保险责任的，在达成赔偿协议后 10 日内支付赔款。"""

_HOME_TERMS = """第一条 保险标的
本合同承保被保险人所有的、坐落于保险单载明地址内的房屋及室内财产。

第二条 保险责任
因火灾、爆炸、暴雨、洪水、雷击等自然灾害或意外事故造成保险标的的损失，我们按约定负责赔偿。

第三条 赔偿处理
我们收到赔偿请求后，在 30 日内作出核定，并在达成赔偿协议后 10 日内支付赔款。"""

PRODUCTS: dict[str, list[dict[str, Any]]] = {
    "anhe-life": [
        {
            "code": "fushou-whole-life",
            "name": "安和福寿终身寿险",
            "line": ProductLine.ORDINARY_LIFE,
            "summary": "保障终身：被保险人身故，按基本保险金额给付身故保险金。\n15 日犹豫期内可全额退保。",
            "terms": _LIFE_TERMS,
            "number": "安和人寿〔2024〕终身寿险 018 号",
            # long-term, a heavy premium over many years: tier 2
            "rules": {"complexity": 2, "premium_burden": 2, "risk_level": 1, "term_months": None},
        },
        {
            "code": "ruifeng-participating-endowment",
            "name": "安和瑞丰两全保险（分红型）",
            "line": ProductLine.ORDINARY_LIFE,
            "summary": "保险期间 10 年：期满生存给付满期保险金，期间身故给付身故保险金。\n"
            "分红不保证：红利水平取决于公司分红险账户的实际经营成果，可能为零。",
            "terms": _LIFE_TERMS,
            "number": "安和人寿〔2025〕两全保险 011 号",
            # benefit not guaranteed, a large single premium: tier 3
            "rules": {
                "complexity": 2,
                "premium_burden": 3,
                "risk_level": 2,
                "term_months": 120,
                "uncertain_benefit": True,
            },
        },
        {
            "code": "kangjian-critical-illness",
            "name": "安和康健重大疾病保险",
            "line": ProductLine.ILLNESS,
            "summary": "确诊 28 种重大疾病之一，按基本保险金额一次性给付。等待期 90 日。",
            "terms": _ILLNESS_TERMS,
            "number": "安和人寿〔2023〕疾病保险 042 号",
            "rules": {"complexity": 1, "premium_burden": 1, "risk_level": 1, "term_months": 360},
        },
    ],
    "beichen-pc": [
        {
            "code": "motor-third-party",
            "name": "北辰机动车第三者责任保险",
            "line": ProductLine.MOTOR,
            "summary": "开车意外撞到别人、损坏他人财物，依法应由您承担的赔偿，由我们按约定赔付。",
            "terms": _MOTOR_TERMS,
            "number": "北辰财险〔2025〕机动车 007 号",
            "rules": {"term_months": 12, "cooling_off_days": 0},
        },
        {
            "code": "home-property-2019",
            "name": "北辰家庭财产保险（2019 版）",
            "line": ProductLine.OTHER_PROPERTY,
            "summary": "房屋和室内财产因火灾、暴雨、洪水等受损，按约定赔偿。本产品已停售，已有保单继续有效。",
            "terms": _HOME_TERMS,
            "number": "北辰财险〔2019〕家财 003 号",
            "on_sale": False,
            "rules": {"term_months": 12, "cooling_off_days": 0},
        },
    ],
}


def load_products() -> None:
    for insurer in Insurer.objects.filter(code__in=PRODUCTS):
        for spec in PRODUCTS[insurer.code]:
            product_save(
                actor=SYSTEM,
                product=Product(
                    insurer=insurer,
                    code=spec["code"],
                    name=spec["name"],
                    product_line=spec["line"].value,
                    summary=spec["summary"],
                    terms=spec["terms"],
                    register_number=spec["number"],
                    register_url=f"{REGISTER}{insurer.code}/{spec['code']}",
                    on_sale=spec.get("on_sale", True),
                    **spec.get("rules", {}),
                ),
                changed_by="demo",
            )
        _load_material(insurer)
        _load_salespeople(insurer)


MATERIAL: dict[str, list[dict[str, Any]]] = {
    "fushou-whole-life": [
        {
            "kind": "leaflet",
            "title": "安和福寿终身寿险 产品说明单页",
            "text": "本产品为保险产品，不是银行存款，也不是基金或理财产品。\n"
            "保障终身：被保险人身故，按基本保险金额给付身故保险金。\n"
            "签收保单后 15 日犹豫期内可申请解除合同，全额退还保险费。\n"
            "退保可能有损失：犹豫期后解除合同，退还的是现金价值，可能低于已交保险费。",
            "approved": True,
        },
        {
            "kind": "script",
            "title": "电话回访话术（福寿终身寿险）",
            "text": "您好，我是安和人寿的工作人员。先向您说明：您购买的是保险产品，不是存款或理财……",
            "approved": False,  # waits for the compliance officer's approval in the demo
        },
    ],
    "ruifeng-participating-endowment": [
        {
            "kind": "leaflet",
            "title": "安和瑞丰两全保险（分红型） 产品说明单页",
            "text": "本产品为保险产品。分红险的红利分配是不确定的，红利水平可能为零。\n"
            "演示利益仅供参考，不代表实际收益。保险期间 10 年，犹豫期 15 日。",
            "approved": True,
        },
    ],
}
"""Demo sales material (SAL-1): registered by the senior manager, approved by the compliance officer."""

SALESPEOPLE: list[dict[str, Any]] = [
    {"name": "刘晓燕", "practice_number": "02000121010080001", "grade": 3, "staff": "manager"},
    {"name": "孙志强", "practice_number": "02000121010080002", "grade": 2},
    {"name": "周丽", "practice_number": "02000121010080003", "grade": 1, "agent": "AG-001"},
]
"""Demo salespeople (SAL-S1): one of the insurer's staff, one of its own individual agents, one of its agent's."""


def _demo_staff(insurer: Insurer, suffix: str) -> Staff | None:
    return (
        identity_access.staff_members_for(SYSTEM).filter(insurer=insurer, user__username__endswith=f".{suffix}").first()
    )


def _load_material(insurer: Insurer) -> None:
    manager, compliance = _demo_staff(insurer, "manager"), _demo_staff(insurer, "compliance")
    if manager is None or compliance is None:
        return
    registrant, approver = actor_for_user(manager.user), actor_for_user(compliance.user)
    for product in sales_access.products_kept_by(SYSTEM).filter(insurer=insurer, code__in=MATERIAL):
        for spec in MATERIAL[product.code]:
            material = material_register(
                actor=registrant, product_id=product.pk, kind=spec["kind"], title=spec["title"], text=spec["text"]
            )
            if spec["approved"]:
                material_approve(actor=approver, material_id=material.pk)


def _load_salespeople(insurer: Insurer) -> None:
    for spec in SALESPEOPLE:
        staff = _demo_staff(insurer, spec["staff"]) if "staff" in spec else None
        agents = identity_access.partners_for(SYSTEM).filter(insurer=insurer, kind=Partner.AGENT)
        agent = agents.filter(code=spec["agent"]).first() if "agent" in spec else None
        salesperson_save(
            actor=SYSTEM,
            salesperson=Salesperson(
                insurer=insurer,
                name=spec["name"],
                practice_number=spec["practice_number"],
                grade=spec["grade"],
                staff=staff,
                partner=agent,
            ),
        )
