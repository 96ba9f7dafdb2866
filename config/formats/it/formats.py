"""The Italian formats of the whole product (FORMAT_MODULE_PATH): what Django's own
Italian formats say, less the weekday and the leading zero in long dates, which read as
a letterhead ("Martedì 01 Dicembre 2026") rather than as a date in a sentence. The month
names are lower case, as Italian writes them (locale/it/LC_MESSAGES/django.po)."""

DATE_FORMAT = "j F Y"  # 1 dicembre 2026
DATETIME_FORMAT = "j F Y, H:i"  # 1 dicembre 2026, 14:30
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"  # dicembre 2026
MONTH_DAY_FORMAT = "j F"  # 1 dicembre
SHORT_DATE_FORMAT = "d/m/Y"  # 01/12/2026
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 01/12/2026 14:30
FIRST_DAY_OF_WEEK = 1  # lunedì
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
