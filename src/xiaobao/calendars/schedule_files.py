"""Reading a year's schedule from a JSON file an administrator writes from the State Council notice.

{"year": 2027, "source": "国务院办公厅关于2027年部分节假日安排的通知",
 "holidays": {"2027-01-01": "New Year's Day", ...},
 "adjusted_working_days": ["2027-02-06", ...]}
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from xiaobao.kernel.calendar import YearSchedule
from xiaobao.kernel.errors import InvalidInput
from xiaobao.kernel.i18n import _


def read_schedule(path: Path) -> YearSchedule:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        year = int(data["year"])
        holidays = {date.fromisoformat(d): str(name) for d, name in data["holidays"].items()}
        adjusted = frozenset(date.fromisoformat(d) for d in data.get("adjusted_working_days", []))
        return YearSchedule(year=year, holidays=holidays, adjusted_working_days=adjusted, source=str(data["source"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise InvalidInput(
            _("%(file)s is not a valid schedule file: %(error)s."), file=path.name, error=str(error)
        ) from error
