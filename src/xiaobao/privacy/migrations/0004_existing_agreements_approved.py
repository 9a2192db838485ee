"""Agreements recorded before approval existed were in force as recorded: they become approved (at the moment
they were recorded), for complaint handling, with the categories they had."""

from typing import Any

from django.db import migrations
from django.db.models import F


def approve_existing(apps: Any, schema_editor: Any) -> None:
    agreement = apps.get_model("privacy", "DataSharingAgreement")
    agreement.objects.filter(approved_at__isnull=True).update(
        approved_at=F("signed_at"), purpose="complaint_handling"
    )


class Migration(migrations.Migration):
    dependencies = [("privacy", "0003_agreement_terms_approval_and_partner_reads")]

    operations = [migrations.RunPython(approve_existing, migrations.RunPython.noop)]
