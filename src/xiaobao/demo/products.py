"""Demo product pages (SAL-1): plain-words summaries and full terms, in the insurer's own Chinese."""

from __future__ import annotations

from typing import Any

from xiaobao.complaints.domain.classification import ProductLine
from xiaobao.identity.models import Insurer
from xiaobao.kernel.actors import SYSTEM
from xiaobao.sales.actions import product_save
from xiaobao.sales.models import Product

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
        },
        {
            "code": "kangjian-critical-illness",
            "name": "安和康健重大疾病保险",
            "line": ProductLine.ILLNESS,
            "summary": "确诊 28 种重大疾病之一，按基本保险金额一次性给付。等待期 90 日。",
            "terms": _ILLNESS_TERMS,
            "number": "安和人寿〔2023〕疾病保险 042 号",
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
        },
        {
            "code": "home-property-2019",
            "name": "北辰家庭财产保险（2019 版）",
            "line": ProductLine.OTHER_PROPERTY,
            "summary": "房屋和室内财产因火灾、暴雨、洪水等受损，按约定赔偿。本产品已停售，已有保单继续有效。",
            "terms": _HOME_TERMS,
            "number": "北辰财险〔2019〕家财 003 号",
            "on_sale": False,
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
                ),
                changed_by="demo",
            )
