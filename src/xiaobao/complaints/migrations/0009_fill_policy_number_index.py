"""Fill the blind index of every policy number already on record (#14 "Queue at volume")."""

from typing import Any

from django.db import migrations

BATCH = 2000


def fill(apps: Any, schema_editor: Any) -> None:
    from xiaobao.privacy.domain.identifiers import normalise_policy_number
    from xiaobao.privacy.keys import blind_indexer

    complaint = apps.get_model("complaints", "Complaint")
    indexer = blind_indexer()
    changed = []
    for row in complaint.objects.filter(policy_number_index="").only("pk", "policy_number").iterator(BATCH):
        normalised = normalise_policy_number(row.policy_number or "")
        if normalised:
            row.policy_number_index = indexer.index("policy_number", normalised)
            changed.append(row)
        if len(changed) >= BATCH:
            complaint.objects.bulk_update(changed, ["policy_number_index"])
            changed = []
    complaint.objects.bulk_update(changed, ["policy_number_index"])


class Migration(migrations.Migration):
    dependencies = [("complaints", "0008_queue_search_and_saved_views")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
