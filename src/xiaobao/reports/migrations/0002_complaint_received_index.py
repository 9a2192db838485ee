"""An index of the complaints by the day received, for the statistics' monthly recount (CMP-S2, ADR 0019).

On PostgreSQL a covering index (every column the count reads INCLUDEd), built CONCURRENTLY so a live database
keeps taking complaints while it is made; the month's counting is then an index-only scan. SQLite has no
INCLUDE: a plain index there. Made here, beside the statistics that need it, rather than in ``complaints``
(the index serves no page of that app); ``complaints.Complaint`` does not declare it, so its model state is
unchanged.
"""

from django.db import migrations

COLUMNS = (
    "insurer_id, handling_branch_id, product_line, reason, channel, elderly, disabled, new_urban_resident, "
    "state, outcome, review_requested_on, mediation_wanted_on, next_step"
)


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS complaint_received_figures "
            f"ON complaints_complaint (received_on) INCLUDE ({COLUMNS})"
        )
        schema_editor.execute("CREATE INDEX CONCURRENTLY IF NOT EXISTS claim_received ON claims_claim (received_on)")
    else:
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS complaint_received_figures ON complaints_complaint (received_on)"
        )
        schema_editor.execute("CREATE INDEX IF NOT EXISTS claim_received ON claims_claim (received_on)")


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    schema_editor.execute("DROP INDEX IF EXISTS complaint_received_figures")
    schema_editor.execute("DROP INDEX IF EXISTS claim_received")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("reports", "0001_month_figures_and_denominators"),
        ("complaints", "0010_next_step_choice"),
        ("claims", "0006_claim_pause_reason"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
