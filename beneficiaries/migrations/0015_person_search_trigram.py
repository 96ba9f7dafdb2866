"""On PostgreSQL only: trigram indexes for the caseload's search by name or codice fiscale.

The search asks each member's folded name (`name_key`) and codice fiscale for a word
anywhere in it (LIKE '%word%'), which no B-tree can answer: at national size (255,000
people) every search read the whole table. A GIN index of trigrams (pg_trgm) finds the
rows that hold a word of three letters or more. SQLite keeps its plain scan: it has no
such index, and its data sets are small. The SQL is frozen here, as migrations are.
"""

from django.db import migrations

FORWARD_SQL = [
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it.
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX person_name_key_trgm ON beneficiaries_person USING gin (name_key gin_trgm_ops)",
    "CREATE INDEX person_codice_fiscale_trgm ON beneficiaries_person "
    "USING gin (codice_fiscale gin_trgm_ops)",
]

BACKWARD_SQL = [
    "DROP INDEX IF EXISTS person_codice_fiscale_trgm",
    "DROP INDEX IF EXISTS person_name_key_trgm",
]


def _on_postgres(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("beneficiaries", "0014_case_last_contact"),
    ]

    operations = [
        migrations.RunPython(_on_postgres(FORWARD_SQL), _on_postgres(BACKWARD_SQL)),
    ]
