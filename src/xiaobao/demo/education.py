"""Demo education (issue #18 item 6; EDU-1..3): published articles in Simplified Chinese, Traditional Chinese
and English (one in all three), a case and a clause explained, a village outreach plan with its events, and a
question from the public answered and published — written by Anhe's compliance officer and published by its
senior manager (four eyes). There is no demo video: a playable video cannot be made here without downloading a
codec or a sample, and a file that only looks like one would not play; the video path is shown by the tests."""

from __future__ import annotations

from datetime import date, timedelta

from xiaobao.identity import access as identity_access
from xiaobao.identity.actors import actor_for_user
from xiaobao.kernel.actors import ANONYMOUS, SYSTEM, Actor
from xiaobao.ops import clock
from xiaobao.outreach import actions
from xiaobao.outreach.actions import EventHeld, PlanDraft, TextDraft

_CLAIMS = {
    "zh-hans": (
        "理赔流程：从报案到赔付",
        "一、出险后尽快报案：拨打保险公司客服电话，或在本平台在线申请理赔。\n"
        "二、准备材料：保险公司收到报案后，会一次性告诉您需要的全部材料，不会反复要求补充。\n"
        "三、等待核定：材料齐全后，一般 5 日内作出核定；情形复杂的，在 30 日内作出核定。\n"
        "四、领取赔款：达成协议后 10 日内支付。对结果有异议，可以投诉，也可以申请调解。",
    ),
    "zh-hant": (
        "理賠流程：從報案到賠付",
        "一、出險後儘快報案：撥打保險公司客服電話，或在本平台線上申請理賠。\n"
        "二、準備材料：保險公司收到報案後，會一次性告訴您需要的全部材料，不會反覆要求補充。\n"
        "三、等待核定：材料齊全後，一般 5 日內作出核定；情形複雜的，在 30 日內作出核定。\n"
        "四、領取賠款：達成協議後 10 日內支付。對結果有異議，可以投訴，也可以申請調解。",
    ),
    "en": (
        "Making a claim: from reporting to payment",
        "1. Report the accident as soon as you can: call the insurer's hotline, or apply online here.\n"
        "2. Gather the documents: once you report, the insurer tells you every document it needs, all at once.\n"
        "3. Wait for the decision: usually within 5 days of a complete file; within 30 days when it is complex.\n"
        "4. Get paid: within 10 days of agreeing. If you disagree, you may complain or ask for mediation.",
    ),
}
_COOLING_OFF = (
    "犹豫期条款解读：15 天内退保不损失",
    "签收保险合同的次日起，您有 15 天的犹豫期。犹豫期内解除合同，保险公司无息退还您交的全部保险费。"
    "犹豫期过后退保，只退还现金价值，可能低于已交保费。买保险前请看清条款，有疑问先问清楚。",
)
_CASE = (
    "案例解读：老人被推销“存款型”保险",
    "72 岁的王大爷在银行被推荐了一款“比存款利息高”的分红保险，交费十年。家人发现后投诉。"
    "经核查，销售时未做适当性评估，也未说明这是保险而非存款。保险公司全额退还保费。"
    "提示：购买保险时，销售人员应说明产品是保险，并评估是否适合您；老年人可要求家人陪同。",
)


def _staff(username: str) -> Actor:
    return actor_for_user(
        identity_access.staff_members_for(SYSTEM).select_related("user").get(user__username=username).user
    )


def _publish(writer: Actor, publisher: Actor, kind: str, texts: dict[str, tuple[str, str]]) -> None:
    languages = list(texts)
    first = languages[0]
    title, body = texts[first]
    item = actions.item_write(actor=writer, kind=kind, text=TextDraft(language=first, title=title, body=body))
    for language in languages[1:]:
        title, body = texts[language]
        actions.text_save(actor=writer, item_id=item.pk, text=TextDraft(language=language, title=title, body=body))
    actions.item_publish(actor=publisher, item_id=item.pk)


def load_education() -> None:
    writer, publisher = _staff("anhe.compliance"), _staff("anhe.manager")
    _publish(writer, publisher, "article", _CLAIMS)
    _publish(writer, publisher, "clause", {"zh-hans": _COOLING_OFF})
    _publish(writer, publisher, "case", {"zh-hans": _CASE})
    actions.item_write(
        actor=writer,
        kind="article",
        text=TextDraft(language="zh-hans", title="防范保险诈骗（草稿，待发布）", body="不要轻信“高收益、保本”的承诺。"),
    )
    year = clock.today().year
    plan = actions.plan_create(
        actor=writer,
        plan=PlanDraft(
            title="保险知识进乡村",
            audience="village",
            period_start=date(year, 1, 1),
            period_end=date(year, 12, 31),
            goals="每个季度走进两个村，讲理赔流程、防范诈骗和犹豫期；为老人准备大字材料，为少数民族群众准备双语材料。",
            owner_id=writer.staff_id or 0,
            planned_events=8,
        ),
    )
    for days, place, audience, topic, languages, people in [
        (40, "沈阳市苏家屯区永乐村村委会", "village", "理赔流程与材料", "普通话", 46),
        (75, "沈阳市和平区南湖社区老年活动中心", "elderly", "防范养老保险诈骗", "普通话、辽宁方言", 38),
        (120, "阜新市蒙古族自治县佛寺镇", "minority", "犹豫期与退保", "普通话、蒙古语", 52),
    ]:
        actions.event_record(
            actor=writer,
            plan_id=plan.pk,
            event=EventHeld(
                held_on=date(year, 1, 1) + timedelta(days=days),
                place=place,
                audience=audience,
                topic=topic,
                languages=languages,
                attendance=people,
                materials="大字版理赔流程折页、双语宣传单",
            ),
        )
    asked = actions.question_ask(
        actor=ANONYMOUS,
        insurer_id=writer.insurer_id or 0,
        question="我是张某，电话 138 0000 0000。我妈妈买的保险过了犹豫期，现在退保能拿回多少钱？",
        name="张某",
        language="zh-hans",
        idempotency_key="demo:question-1",
        client="demo",
    )
    answer = "犹豫期后退保，保险公司退还保单的现金价值，可能低于已交保费。具体金额见保单的现金价值表，也可以拨打客服电话查询。"
    actions.question_answer(actor=writer, question_id=asked.pk, answer=answer)
    drafted = actions.question_draft(
        actor=writer, question_id=asked.pk, title="过了犹豫期退保，能拿回多少钱？", body=answer
    )
    actions.item_publish(actor=publisher, item_id=drafted.pk)
    actions.question_ask(
        actor=ANONYMOUS,
        insurer_id=writer.insurer_id or 0,
        question="意外险能不能报销门诊费用？",
        name="",
        language="zh-hans",
        idempotency_key="demo:question-2",
        client="demo",
    )
