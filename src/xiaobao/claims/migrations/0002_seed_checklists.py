"""Starting document checklists per product line and claim type, with plain-language explanations.

Administrators keep them up to date in the admin site.
"""

from django.db import migrations

CHECKLISTS = {
    ("medical", "hospitalisation"): [
        ("claim_form", "理赔申请书", "填写并签名的理赔申请书，可在网上填写。", False),
        ("id_card", "被保险人身份证", "身份证正反面照片。", False),
        ("invoice", "医疗费用发票", "医院开具的住院费用发票原件或电子发票。", False),
        ("discharge_summary", "出院小结", "医院出具的出院记录或出院小结。", False),
        ("bank_card", "收款银行卡", "用于收款的本人银行卡照片。", True),
    ],
    ("motor", "vehicle_damage"): [
        ("claim_form", "理赔申请书", "填写并签名的理赔申请书。", False),
        ("accident_report", "事故认定书", "交警或保险公司出具的事故认定或快处协议。", False),
        ("repair_estimate", "维修报价单", "修理厂出具的维修报价或定损单。", False),
        ("driving_licence", "驾驶证", "驾驶人驾驶证照片。", False),
    ],
    ("accident", "injury"): [
        ("claim_form", "理赔申请书", "填写并签名的理赔申请书。", False),
        ("id_card", "被保险人身份证", "身份证正反面照片。", False),
        ("diagnosis", "诊断证明", "医院出具的诊断证明书。", False),
        ("invoice", "医疗费用发票", "医疗费用发票。", True),
    ],
    ("ordinary_life", "death"): [
        ("claim_form", "理赔申请书", "受益人填写并签名的理赔申请书。", False),
        ("death_certificate", "死亡证明", "医院或公安机关出具的死亡证明。", False),
        ("beneficiary_id", "受益人身份证", "受益人身份证正反面照片。", False),
        ("relationship_proof", "关系证明", "户口簿或其他能证明与被保险人关系的材料。", True),
    ],
}


def seed(apps, schema_editor):
    ChecklistItem = apps.get_model("claims", "ChecklistItem")
    for (line, claim_type), items in CHECKLISTS.items():
        for order, (code, name, explanation, waivable) in enumerate(items):
            ChecklistItem.objects.get_or_create(
                product_line=line, claim_type=claim_type, code=code,
                defaults={"name": name, "explanation": explanation, "waivable_in_green_channel": waivable,
                          "order": order},
            )


class Migration(migrations.Migration):
    dependencies = [("claims", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
