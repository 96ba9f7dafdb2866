"""`in` on integer columns that leaves out the values no such column can hold.

Django already answers `pk=10**40` with "no rows" instead of sending the number to the
database (IntegerFieldOverflow, for exact, gt, gte, lt, lte), but not `pk__in=[10**40]`,
which a multiple-choice field or filter sends when a form is posted with a huge id:
SQLite then raises OverflowError and PostgreSQL a DataError, both a server error. Such a
value matches no row, so it is dropped here (an `in` left empty matches nothing).
Found by tests/test_property_forms.py."""

from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or (low is None or value >= low)
                and (high is None or value <= high)
            ]
        return super().process_rhs(compiler, connection)


def register() -> None:
    IntegerField.register_lookup(IntegerFieldIn)
