"""Formats for traditional-script Mongolian (``mn-mong``, INC-3).

Without this module Django falls back to its ``mn`` formats, whose month names come from Mongolia's Cyrillic
catalogue: a reader of the traditional script would see a Cyrillic month in every date. Dates and times are
written in digits instead, year first, as Inner Mongolia's bilingual forms do.
"""

DATE_FORMAT = "Y-m-d"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "Y-m-d H:i"
YEAR_MONTH_FORMAT = "Y-m"
MONTH_DAY_FORMAT = "m-d"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
