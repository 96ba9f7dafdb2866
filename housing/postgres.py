"""What PostgreSQL itself guarantees about occupancy, beyond what the services check.

Django's ExclusionConstraint cannot live in the models' Meta: SQLite can neither create
it (migrate fails) nor validate it (full_clean uses PostgreSQL lookups). So migration
0002 applies the SQL below through RunSQLOnPostgres, which does nothing on other
databases, and leaves the migration state alone: the models never know about these
constraints, and `makemigrations` has nothing to detect.

- no two people on the same place of a unit on the same day (exclusion constraint);
- no person on two places on the same day, in any unit (exclusion constraint);
- no place beyond the unit's capacity: a trigger on the occupancy rows, and a trigger
  that refuses to lower a unit's capacity below a place still occupied today or later.

Dates are inclusive: a stay from the 1st to the 10th is daterange(1st, 10th, '[]'); an
open stay (no end yet) runs to infinity.
"""

from django.conf import settings
from django.db.migrations.operations import RunSQL

NO_DOUBLE_BOOKED_PLACE = "housing_occupancy_no_double_booked_place"
ONE_PLACE_PER_PERSON = "housing_occupancy_one_place_per_person"
SLOT_WITHIN_CAPACITY = "housing_occupancy_slot_within_capacity"
CAPACITY_COVERS_OCCUPANCY = "housing_unit_capacity_covers_occupancy"

PERIOD = "daterange(start_date, end_date, '[]')"

FORWARD_SQL = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    f"""
    ALTER TABLE housing_placeoccupancy
    ADD CONSTRAINT {NO_DOUBLE_BOOKED_PLACE}
    EXCLUDE USING gist (unit_id WITH =, slot WITH =, ({PERIOD}) WITH &&)
    """,
    f"""
    ALTER TABLE housing_placeoccupancy
    ADD CONSTRAINT {ONE_PLACE_PER_PERSON}
    EXCLUDE USING gist (person_id WITH =, ({PERIOD}) WITH &&)
    """,
    # FOR SHARE waits for a transaction that is changing the unit's capacity, so the
    # two triggers cannot both pass on stale values.
    f"""
    CREATE FUNCTION {SLOT_WITHIN_CAPACITY}() RETURNS trigger AS $$
    DECLARE
        unit_capacity integer;
    BEGIN
        SELECT capacity INTO unit_capacity FROM housing_housingunit
        WHERE id = NEW.unit_id FOR SHARE;
        IF NEW.slot < 1 OR NEW.slot > unit_capacity THEN
            RAISE EXCEPTION 'place % of housing unit % is beyond its capacity of %',
                NEW.slot, NEW.unit_id, unit_capacity
                USING ERRCODE = 'check_violation', CONSTRAINT = '{SLOT_WITHIN_CAPACITY}';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql
    """,  # noqa: S608 (names are this module's constants, no input)
    f"""
    CREATE TRIGGER {SLOT_WITHIN_CAPACITY}
    BEFORE INSERT OR UPDATE OF slot, unit_id ON housing_placeoccupancy
    FOR EACH ROW EXECUTE FUNCTION {SLOT_WITHIN_CAPACITY}()
    """,
    # "Today" is the day in the project's time zone, as the services count it.
    f"""
    CREATE FUNCTION {CAPACITY_COVERS_OCCUPANCY}() RETURNS trigger AS $$
    BEGIN
        IF NEW.capacity < OLD.capacity AND EXISTS (
            SELECT 1 FROM housing_placeoccupancy o
            WHERE o.unit_id = NEW.id AND o.slot > NEW.capacity
              AND (o.end_date IS NULL
                   OR o.end_date >= (now() AT TIME ZONE '{{time_zone}}')::date)
        ) THEN
            RAISE EXCEPTION 'housing unit % still has people on places beyond %',
                NEW.id, NEW.capacity
                USING ERRCODE = 'check_violation', CONSTRAINT = '{CAPACITY_COVERS_OCCUPANCY}';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql
    """,  # noqa: S608 (names are this module's constants, no input)
    f"""
    CREATE TRIGGER {CAPACITY_COVERS_OCCUPANCY}
    BEFORE UPDATE OF capacity ON housing_housingunit
    FOR EACH ROW EXECUTE FUNCTION {CAPACITY_COVERS_OCCUPANCY}()
    """,
]

BACKWARD_SQL = [
    f"DROP TRIGGER IF EXISTS {CAPACITY_COVERS_OCCUPANCY} ON housing_housingunit",
    f"DROP FUNCTION IF EXISTS {CAPACITY_COVERS_OCCUPANCY}()",
    f"DROP TRIGGER IF EXISTS {SLOT_WITHIN_CAPACITY} ON housing_placeoccupancy",
    f"DROP FUNCTION IF EXISTS {SLOT_WITHIN_CAPACITY}()",
    f"ALTER TABLE housing_placeoccupancy DROP CONSTRAINT IF EXISTS {ONE_PLACE_PER_PERSON}",
    f"ALTER TABLE housing_placeoccupancy DROP CONSTRAINT IF EXISTS {NO_DOUBLE_BOOKED_PLACE}",
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
