"""The queue as a file: CSV (UTF-8 with a byte-order mark, so spreadsheet programs read Chinese right) or
XLSX (openpyxl, write-only). Personal data masked only (PI-1): the name and phone as every page shows them."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.writer.excel import save_workbook

from xiaobao.complaints.actions import EXPORT_CAP, QueueExport
from xiaobao.complaints.domain.classification import CHANNEL_TEXT, Channel
from xiaobao.complaints.labels import STATE_TEXT
from xiaobao.kernel.spreadsheets import safe_cell
from xiaobao.ops.i18n import translated_labels
from xiaobao.privacy.domain.identifiers import mask_name, mask_phone
from xiaobao.workbench.labels import CLOCK_TEXT, FLAG_TEXT
from xiaobao.workbench.presenting import flags_of

_cell = safe_cell
"""Text a spreadsheet program would run as a formula is written with an apostrophe first (``kernel.spreadsheets``)."""


def headings() -> list[str]:
    return [
        _("Reference"),
        _("Received"),
        _("Due"),
        _("Days left"),
        _("Time limit"),
        _("State"),
        _("Flags"),
        _("Channel"),
        _("Investigator"),
        _("Branch"),
        _("Complainant (masked)"),
        _("Phone (masked)"),
    ]


def table(exported: QueueExport) -> Iterator[list[object]]:
    channels = translated_labels({c.value: CHANNEL_TEXT[c] for c in Channel})
    for row in exported.rows:
        complaint = row.complaint
        person = complaint.complainant
        yield [
            _cell(value)
            for value in (
                complaint.reference,
                complaint.received_on.isoformat(),
                row.due.isoformat(),
                row.days_left,
                str(CLOCK_TEXT.get(row.clock_state.value, row.clock_state.value)),
                str(STATE_TEXT.get(complaint.state, complaint.state)),
                "、".join(str(FLAG_TEXT[f]) for f in flags_of(complaint)),
                str(channels.get(complaint.channel, complaint.channel)),
                complaint.handler.display_name if complaint.handler else "",
                complaint.handling_branch.name,
                mask_name(person.name) if person.name else "",
                mask_phone(person.phone) if person.phone else "",
            )
        ]


def cap_note(exported: QueueExport) -> str:
    return _(
        "Only the first %(cap)s of %(total)s matching complaints are in this file: narrow the filters to export "
        "the rest."
    ) % {"cap": f"{EXPORT_CAP:,}", "total": f"{exported.total:,}"}


def as_csv(exported: QueueExport) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headings())
    writer.writerows(table(exported))
    if exported.capped:
        writer.writerow([cap_note(exported)])
    return out.getvalue().encode("utf-8-sig")


def as_xlsx(exported: QueueExport, *, made_at: datetime, query: str) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Complaint queue"))
    sheet.append(headings())
    for line in table(exported):
        sheet.append(line)
    about = book.create_sheet(_("About this export"))
    about.append([_("Exported at"), made_at.isoformat(timespec="seconds")])
    about.append([_("Filters"), _cell(query) or "—"])
    about.append([_("Rows in this file"), len(exported.rows)])
    about.append([_("Matching complaints"), exported.total])
    about.append([_("At most"), EXPORT_CAP])
    if exported.capped:
        about.append([cap_note(exported)])
    about.append([_("Personal data is masked.")])
    out = io.BytesIO()
    save_workbook(book, out)
    return out.getvalue()
