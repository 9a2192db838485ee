"""Message and call ids become each insurer's own (issue #12): the insurer is taken from the complaint taken in."""

import django.db.models.deletion
from django.db import migrations, models


def fill_insurer(apps, schema_editor):
    received = apps.get_model("intake", "ReceivedMessage")
    for row in received.objects.select_related("complaint").only("id", "complaint__insurer_id"):
        received.objects.filter(pk=row.pk).update(insurer_id=row.complaint.insurer_id)


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0002_consumer_stated_resident_id"),
        ("intake", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="receivedmessage", name="received_message_once"),
        migrations.AddField(
            model_name="receivedmessage",
            name="insurer",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="identity.insurer"
            ),
        ),
        migrations.RunPython(fill_insurer, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="receivedmessage",
            name="insurer",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="identity.insurer"
            ),
        ),
        migrations.AddConstraint(
            model_name="receivedmessage",
            constraint=models.UniqueConstraint(
                fields=("insurer", "channel", "external_id"), name="received_message_once"
            ),
        ),
    ]
