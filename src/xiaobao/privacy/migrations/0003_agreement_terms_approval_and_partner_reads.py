"""PI-3: agreements carry purpose (from a list, and as worded), method and protection measures, and are approved
and may be ended early; ``PartnerDataRead`` logs every partner read (SEC-2, PI-4)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0008_consumer_id_kind"),
        ("privacy", "0002_agreement_reference_once"),
    ]

    operations = [
        migrations.RenameField(model_name="datasharingagreement", old_name="purpose", new_name="purpose_detail"),
        migrations.AlterField(
            model_name="datasharingagreement",
            name="purpose_detail",
            field=models.CharField(max_length=300, verbose_name="purpose, as the agreement words it"),
        ),
        migrations.AddField(
            model_name="datasharingagreement",
            name="purpose",
            field=models.CharField(default="complaint_handling", max_length=32, verbose_name="purpose"),
        ),
        migrations.AddField(
            model_name="datasharingagreement",
            name="method",
            field=models.CharField(default="partner_api", max_length=32, verbose_name="method"),
        ),
        migrations.AddField(
            model_name="datasharingagreement",
            name="protection_measures",
            field=models.TextField(blank=True, default="", verbose_name="protection measures"),
        ),
        migrations.AddField(
            model_name="datasharingagreement",
            name="recorded_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="identity.staff",
            ),
        ),
        migrations.AddField(
            model_name="datasharingagreement",
            name="approved_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="datasharingagreement",
            name="approved_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="identity.staff",
            ),
        ),
        migrations.AddField(
            model_name="datasharingagreement",
            name="ended_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="datasharingagreement",
            name="ended_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="identity.staff",
            ),
        ),
        migrations.AddField(
            model_name="datasharingagreement",
            name="end_reason",
            field=models.CharField(blank=True, default="", max_length=300),
        ),
        migrations.AddIndex(
            model_name="datasharingagreement",
            index=models.Index(fields=["partner", "valid_until"], name="agreement_partner_until"),
        ),
        migrations.AlterField(
            model_name="personaldataaccess",
            name="at",
            field=models.DateTimeField(),
        ),
        migrations.AddIndex(
            model_name="personaldataaccess",
            index=models.Index(fields=["consumer", "-at"], name="data_access_consumer_at"),
        ),
        migrations.CreateModel(
            name="PartnerDataRead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("purpose", models.CharField(max_length=32)),
                ("categories", models.JSONField(default=list)),
                (
                    "record",
                    models.CharField(help_text="what was read, e.g. the complaint's reference", max_length=64),
                ),
                ("at", models.DateTimeField(db_index=True)),
                ("request_id", models.CharField(blank=True, max_length=64)),
                (
                    "agreement",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="reads",
                        to="privacy.datasharingagreement",
                    ),
                ),
                (
                    "consumer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="identity.consumer"
                    ),
                ),
                (
                    "insurer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="identity.insurer"
                    ),
                ),
                (
                    "partner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="identity.partner"
                    ),
                ),
                (
                    "partner_key",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="identity.partnerkey",
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["consumer", "-at"], name="partner_read_consumer_at")],
            },
        ),
    ]
