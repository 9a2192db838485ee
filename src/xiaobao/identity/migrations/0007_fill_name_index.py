"""Fill the blind index of every consumer's name already on record (#14 "Queue at volume")."""

from typing import Any

from django.db import migrations

BATCH = 2000


def fill(apps: Any, schema_editor: Any) -> None:
    from xiaobao.privacy.domain.identifiers import normalise_name
    from xiaobao.privacy.keys import blind_indexer

    consumer = apps.get_model("identity", "Consumer")
    indexer = blind_indexer()
    changed = []
    for row in consumer.objects.filter(name_index__isnull=True).only("pk", "name").iterator(BATCH):
        normalised = normalise_name(row.name or "")
        if normalised:
            row.name_index = indexer.index("name", normalised)
            changed.append(row)
        if len(changed) >= BATCH:
            consumer.objects.bulk_update(changed, ["name_index"])
            changed = []
    consumer.objects.bulk_update(changed, ["name_index"])


class Migration(migrations.Migration):
    dependencies = [("identity", "0006_consumer_name_index")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
