"""The English formats of the product (FORMAT_MODULE_PATH). The English interface serves
people working in Italy: day before month as in British English, never the American
month-first short date, which would read 01/12 as the 12th of January; 24-hour times."""

DATE_FORMAT = "j F Y"  # 1 December 2026
DATETIME_FORMAT = "j F Y, H:i"  # 1 December 2026, 14:30
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"  # December 2026
MONTH_DAY_FORMAT = "j F"  # 1 December
SHORT_DATE_FORMAT = "d/m/Y"  # 01/12/2026
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 01/12/2026 14:30
FIRST_DAY_OF_WEEK = 1  # Monday
# Typed dates are read day first too (the date pickers send ISO dates).
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
