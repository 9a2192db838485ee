"""Who wrote each language's words last (four eyes, EDU-2): texts written before are the item's writer's."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def writers_saved_the_texts_before(apps, schema_editor):  # type: ignore[no-untyped-def]
    LibraryItem = apps.get_model("outreach", "LibraryItem")
    LibraryText = apps.get_model("outreach", "LibraryText")
    writer = LibraryItem.objects.filter(pk=OuterRef("item_id")).values("written_by_id")[:1]
    LibraryText.objects.filter(saved_by__isnull=True).update(saved_by_id=Subquery(writer))


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0012_regulator_account"),
        ("outreach", "0001_education"),
    ]

    operations = [
        migrations.AddField(
            model_name="librarytext",
            name="saved_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="identity.staff",
            ),
        ),
        migrations.RunPython(writers_saved_the_texts_before, migrations.RunPython.noop),
    ]
