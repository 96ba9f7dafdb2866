"""What PostgreSQL itself guarantees about occupancy, beyond what the services check.

Django's ExclusionConstraint cannot live in the models' Meta: SQLite can neither create
it (migrate fails) nor validate it (full_clean uses PostgreSQL lookups). So migration
0002 applies its SQL through RunSQLOnPostgres, which does nothing on other
databases, and leaves the migration state alone: the models never know about these
constraints, and `makemigrations` has nothing to detect. The SQL lives in the migration
(housing/migrations/0002_postgres_occupancy_guarantees.py), frozen, as migrations must.

- no two people on the same place of a unit on the same day (exclusion constraint);
- no person on two places on the same day, in any unit (exclusion constraint);
- no place beyond the unit's capacity: a trigger on the occupancy rows, and a trigger
  that refuses to lower a unit's capacity below a place still occupied today or later.

Dates are inclusive: a stay from the 1st to the 10th is daterange(1st, 10th, '[]'); an
open stay (no end yet) runs to infinity.
"""

# The names of the constraints and triggers, as migration 0002 creates them (its SQL is
# written there in full, frozen; these names are for the code and tests that recognise
# PostgreSQL's refusals).
NO_DOUBLE_BOOKED_PLACE = "housing_occupancy_no_double_booked_place"
ONE_PLACE_PER_PERSON = "housing_occupancy_one_place_per_person"
SLOT_WITHIN_CAPACITY = "housing_occupancy_slot_within_capacity"
CAPACITY_COVERS_OCCUPANCY = "housing_unit_capacity_covers_occupancy"
