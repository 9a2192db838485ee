"""Sale events are never updated or deleted: on PostgreSQL the database itself refuses it (SAL-R4), as for the
audit log (audit 0002). A change made around it still breaks the events' hash chain.

One column may be rewritten: ``content``, the encrypted copy of what was shown, so that ``rotate_keys`` can
re-encrypt it under a new key (it sets that column alone). What it holds is still fixed by ``content_sha256``,
which the trigger guards and the chain covers: a different text put there is shown as not matching its hash."""

from django.db import migrations

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION sales_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'sales_saleevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER sales_event_no_update
    BEFORE UPDATE OF sale_id, sequence, kind, client_event_id, occurred_at, received_at, content_sha256, details,
        prev_hash, hash
    ON sales_saleevent
    FOR EACH ROW EXECUTE FUNCTION sales_event_append_only();
CREATE TRIGGER sales_event_no_delete BEFORE DELETE ON sales_saleevent
    FOR EACH ROW EXECUTE FUNCTION sales_event_append_only();
"""
POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS sales_event_no_update ON sales_saleevent;
DROP TRIGGER IF EXISTS sales_event_no_delete ON sales_saleevent;
DROP FUNCTION IF EXISTS sales_event_append_only();
"""


def run_on_postgres(sql):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)

    return operation


class Migration(migrations.Migration):
    dependencies = [("sales", "0005_replayable_sales")]
    operations = [migrations.RunPython(run_on_postgres(POSTGRES_FORWARD), run_on_postgres(POSTGRES_BACKWARD))]
