"""Text written into a CSV or XLSX cell (the exports of the queue, the statistics, an audit timeline).

A spreadsheet program runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (``=cmd|' /C
calc'!A0``, ``=HYPERLINK(…)``), some after leading blanks or a line break, some with the full-width signs a
Chinese input method types. Such text is written with an apostrophe first: the program shows it as text, and a
reader sees what was typed.
"""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
"""The signs that start a formula, and their full-width forms (＝＋－＠)."""
BLANKS = " \t\r\n\u3000\u00a0"


def safe_cell(value: object) -> object:
    """The value as written into a cell: text a spreadsheet would run gets an apostrophe first; numbers, dates
    and other text are written as they are."""
    if not isinstance(value, str) or not value:
        return value
    if value[0] in "\t\r\n" or value.lstrip(BLANKS).startswith(FORMULA_START):
        return "'" + value
    return value
