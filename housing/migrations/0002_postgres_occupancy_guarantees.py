"""On PostgreSQL only: the database refuses overfilled units by itself.

Exclusion constraints over the occupancy rows and two triggers (housing/postgres.py
explains why and keeps the constraints' names for the tests). The SQL is written here
in full, frozen: a migration must apply the same SQL whatever later becomes of the live
code. Nothing runs on SQLite, and the migration state does not change (the models do
not declare these constraints), so `makemigrations` stays quiet on both databases.

"{time_zone}" in the SQL is replaced by settings.TIME_ZONE when the migration runs: the
day "today" of the capacity trigger is the day in the network's time zone.
"""

from django.conf import settings
from django.db import migrations
from django.db.migrations.operations import RunSQL

FORWARD_SQL = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    """
    ALTER TABLE housing_placeoccupancy
    ADD CONSTRAINT housing_occupancy_no_double_booked_place
    EXCLUDE USING gist (unit_id WITH =, slot WITH =, (daterange(start_date, end_date, '[]')) WITH &&)
    """,
    """
    ALTER TABLE housing_placeoccupancy
    ADD CONSTRAINT housing_occupancy_one_place_per_person
    EXCLUDE USING gist (person_id WITH =, (daterange(start_date, end_date, '[]')) WITH &&)
    """,
    # FOR SHARE waits for a transaction that is changing the unit's capacity, so the
    # two triggers cannot both pass on stale values.
    """
    CREATE FUNCTION housing_occupancy_slot_within_capacity() RETURNS trigger AS $$
    DECLARE
        unit_capacity integer;
    BEGIN
        SELECT capacity INTO unit_capacity FROM housing_housingunit
        WHERE id = NEW.unit_id FOR SHARE;
        IF NEW.slot < 1 OR NEW.slot > unit_capacity THEN
            RAISE EXCEPTION 'place % of housing unit % is beyond its capacity of %',
                NEW.slot, NEW.unit_id, unit_capacity
                USING ERRCODE = 'check_violation', CONSTRAINT = 'housing_occupancy_slot_within_capacity';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER housing_occupancy_slot_within_capacity
    BEFORE INSERT OR UPDATE OF slot, unit_id ON housing_placeoccupancy
    FOR EACH ROW EXECUTE FUNCTION housing_occupancy_slot_within_capacity()
    """,
    # "Today" is the day in the project's time zone, as the services count it.
    """
    CREATE FUNCTION housing_unit_capacity_covers_occupancy() RETURNS trigger AS $$
    BEGIN
        IF NEW.capacity < OLD.capacity AND EXISTS (
            SELECT 1 FROM housing_placeoccupancy o
            WHERE o.unit_id = NEW.id AND o.slot > NEW.capacity
              AND (o.end_date IS NULL
                   OR o.end_date >= (now() AT TIME ZONE '{time_zone}')::date)
        ) THEN
            RAISE EXCEPTION 'housing unit % still has people on places beyond %',
                NEW.id, NEW.capacity
                USING ERRCODE = 'check_violation', CONSTRAINT = 'housing_unit_capacity_covers_occupancy';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER housing_unit_capacity_covers_occupancy
    BEFORE UPDATE OF capacity ON housing_housingunit
    FOR EACH ROW EXECUTE FUNCTION housing_unit_capacity_covers_occupancy()
    """,
]

BACKWARD_SQL = [
    "DROP TRIGGER IF EXISTS housing_unit_capacity_covers_occupancy ON housing_housingunit",
    "DROP FUNCTION IF EXISTS housing_unit_capacity_covers_occupancy()",
    "DROP TRIGGER IF EXISTS housing_occupancy_slot_within_capacity ON housing_placeoccupancy",
    "DROP FUNCTION IF EXISTS housing_occupancy_slot_within_capacity()",
    "ALTER TABLE housing_placeoccupancy DROP CONSTRAINT IF EXISTS housing_occupancy_one_place_per_person",
    "ALTER TABLE housing_placeoccupancy DROP CONSTRAINT IF EXISTS housing_occupancy_no_double_booked_place",
]


class RunSQLOnPostgres(RunSQL):
    """RunSQL that runs only on PostgreSQL and never touches the migration state."""

    def __init__(self, sql, reverse_sql=None, **kwargs):
        super().__init__(sql, reverse_sql, state_operations=[], **kwargs)

    def _format(self, sqls):
        return [sql.replace("{time_zone}", settings.TIME_ZONE) for sql in sqls]

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            self._run_sql(schema_editor, self._format(self.sql))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            self._run_sql(schema_editor, self._format(self.reverse_sql))

    def describe(self):
        return "PostgreSQL only: " + super().describe()


class Migration(migrations.Migration):
    dependencies = [
        ("housing", "0001_initial"),
    ]

    operations = [
        RunSQLOnPostgres(FORWARD_SQL, BACKWARD_SQL),
    ]
