"""Recording uploads declare their size (ADR 0018) and two uploads of the same bytes share one recording.

An upload made before this declared nothing: it is given the size it has received, so a finished one is exact
and an open one can be finished as it stands (or opened again with its size)."""

from django.db import migrations, models
from django.db.models import F


def declared_as_received(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("sales", "RecordingUpload").objects.update(size_bytes=F("received_bytes"))


class Migration(migrations.Migration):
    dependencies = [
        ("sales", "0006_sale_events_append_only"),
    ]

    operations = [
        migrations.AddField(
            model_name="recordingupload",
            name="size_bytes",
            field=models.PositiveBigIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.RunPython(declared_as_received, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="recordingupload",
            name="recording",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=models.deletion.PROTECT,
                related_name="uploads",
                to="sales.salerecording",
            ),
        ),
    ]
