"""On PostgreSQL only: the database refuses overfilled units by itself.

See housing/postgres.py: exclusion constraints over the occupancy rows and two
triggers. Nothing runs on SQLite, and the migration state does not change (the models
do not declare these constraints), so `makemigrations` stays quiet on both databases.
"""

from django.db import migrations

from housing.postgres import BACKWARD_SQL, FORWARD_SQL, RunSQLOnPostgres


class Migration(migrations.Migration):
    dependencies = [
        ("housing", "0001_initial"),
    ]

    operations = [
        RunSQLOnPostgres(FORWARD_SQL, BACKWARD_SQL),
    ]
