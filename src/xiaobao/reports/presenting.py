"""The statistics as people read them: the tables' headings and row labels in the reader's language, the
charts drawn (``reports.domain.charts``), and the same tables as CSV and XLSX. Counts only: nothing here
touches a case."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.writer.excel import save_workbook

from xiaobao.complaints.domain.classification import CHANNEL_TEXT, PRODUCT_LINE_TEXT, REASON_TEXT
from xiaobao.kernel.spreadsheets import safe_cell
from xiaobao.reports.domain.charts import Bar, bar_chart, line_chart
from xiaobao.reports.selectors import Figures, Row, Statistics

GROUP_TEXT = {
    "elderly": gettext_lazy("elderly complainants"),
    "disabled": gettext_lazy("complainants with a disability"),
    "new_urban_resident": gettext_lazy("new urban residents"),
}

COMPLAINT_TABLES = ("insurer", "branch", "region", "product_line", "reason", "channel", "group", "month")
SERVICE_TABLES = ("claims", "callbacks")


def table_title(name: str) -> str:
    return {
        "insurer": _("Complaints by insurer"),
        "branch": _("Complaints by handling branch"),
        "region": _("Complaints by region (provincial branch)"),
        "product_line": _("Complaints by product line"),
        "reason": _("Complaints by reason"),
        "channel": _("Complaints by channel"),
        "group": _("Complaints by consumer group"),
        "month": _("Complaints month by month"),
        "claims": _("Claims decided and paid within their time limits"),
        "callbacks": _("Call-backs made in time"),
    }[name]


def _rate(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"


def _number(value: Decimal | None) -> str:
    return "—" if value is None else str(value)


@dataclass
class Column:
    heading: str
    value: Callable[[Row], Any]


def columns(name: str, stats: Statistics) -> list[Column]:
    """The columns of a table after its first (the row's label)."""
    if name == "claims":
        return [
            Column(_("Claims received"), lambda r: r.figures.text("received")),
            Column(_("Decided within the time limit"), lambda r: r.figures.text("in_time")),
            Column(_("Decided late or overdue"), lambda r: r.figures.text("late")),
            Column(_("Paid within the time limit"), lambda r: r.figures.text("paid_in_time")),
            Column(_("Paid late or overdue"), lambda r: r.figures.text("paid_late")),
        ]
    if name == "callbacks":
        return [
            Column(_("Call-backs asked for"), lambda r: r.figures.text("received")),
            Column(_("Called in time"), lambda r: r.figures.text("in_time")),
            Column(_("Called late or overdue"), lambda r: r.figures.text("late")),
        ]
    shown = [
        Column(_("Received"), lambda r: r.figures.text("received")),
        Column(_("Accepted"), lambda r: r.figures.text("accepted")),
        Column(_("Decided"), lambda r: r.figures.text("decided")),
        Column(_("Upheld rate"), lambda r: _rate(r.figures.upheld_rate)),
        Column(_("Decided within 15 days"), lambda r: r.figures.text("within_15")),
        Column(_("Within 30 days (extended)"), lambda r: r.figures.text("within_30")),
        Column(_("Within 60 days (further extended)"), lambda r: r.figures.text("within_60")),
        Column(_("Late"), lambda r: r.figures.text("late")),
        Column(_("Reviews asked for"), lambda r: r.figures.text("reviews")),
        Column(_("Mediation asked for"), lambda r: r.figures.text("mediations")),
    ]
    if name == "insurer":
        shown += [
            Column(_("Per 10,000 policies"), lambda r: _number(r.per_10k)),
            Column(_("Per 100 million yuan of premium"), lambda r: _number(r.per_100m)),
        ]
    return shown


def row_label(name: str, row: Row, stats: Statistics) -> str:
    if name in {"insurer", "claims", "callbacks"}:
        return stats.insurer_names.get(int(row.key), row.key)
    if name in {"branch", "region"}:
        return stats.branch_names.get(int(row.key), row.key) if row.key.isdigit() else row.key
    every: dict[str, Any] = {
        "product_line": PRODUCT_LINE_TEXT,
        "reason": REASON_TEXT,
        "channel": CHANNEL_TEXT,
        "group": GROUP_TEXT,
    }
    labels: dict[str, Any] = every.get(name, {})
    text = labels.get(row.key)
    if text is None:
        return row.key
    return str(text) if name == "group" else _(str(text))


@dataclass
class Table:
    name: str
    title: str
    label_heading: str
    headings: list[str]
    lines: list[tuple[str, list[Any]]]
    chart: str


def _label_heading(name: str) -> str:
    return {
        "insurer": _("Insurer"),
        "claims": _("Insurer"),
        "callbacks": _("Insurer"),
        "branch": _("Branch"),
        "region": _("Region"),
        "product_line": _("Product line"),
        "reason": _("Reason"),
        "channel": _("Channel"),
        "group": _("Consumer group"),
        "month": _("Month"),
    }[name]


def table(name: str, stats: Statistics) -> Table:
    rows = stats.tables.get(name, [])
    if name != "month":
        rows = sorted(rows, key=lambda r: (-r.figures.received, r.key))
    shown = columns(name, stats)
    lines = [(row_label(name, row, stats), [c.value(row) for c in shown]) for row in rows]
    title = table_title(name)
    measure = (
        _("Call-backs asked for")
        if name == "callbacks"
        else (_("Claims received") if name == "claims" else _("Complaints received"))
    )
    bars = [
        Bar(label=label, value=float(row.figures.received), shown=str(row.figures.text("received")))
        for (label, _v), row in zip(lines, rows, strict=True)
    ]
    description = "; ".join(f"{bar.label}: {bar.shown}" for bar in bars) or _("No figures for this period.")
    if name == "month":
        chart = line_chart(
            chart_id=f"chart-{name}", title=title, description=description, axis_label=measure, points=bars
        )
    else:
        chart = bar_chart(chart_id=f"chart-{name}", title=title, description=description, axis_label=measure, bars=bars)
    return Table(name, title, _label_heading(name), [c.heading for c in shown], lines, chart)


def small_cells_note(min_cell: int) -> str:
    """How the regulator's counts are published (ADR 0019, addendum)."""
    return _(
        "Counts from 1 to %(below)s are shown as <%(min)s and every other count is rounded to a multiple of "
        "%(min)s, so that no small group of complainants can be picked out. Rates are worked out from the counts "
        "shown."
    ) % {"below": min_cell - 1, "min": min_cell}


def timeliness_chart(total: Figures) -> str:
    """How the period's decisions ended against their clocks (CMP-T1..T3)."""
    bars = [
        Bar(_("within 15 days"), total.within_15, str(total.text("within_15"))),
        Bar(_("within 30 days (extended)"), total.within_30, str(total.text("within_30"))),
        Bar(_("within 60 days (further extended)"), total.within_60, str(total.text("within_60"))),
        Bar(_("late"), total.late, str(total.text("late"))),
    ]
    title = _("Decisions against their time limits")
    return bar_chart(
        chart_id="chart-timeliness",
        title=title,
        description="; ".join(f"{b.label}: {b.shown}" for b in bars),
        axis_label=_("Complaints"),
        bars=bars,
    )


def tables(stats: Statistics) -> list[Table]:
    names = [n for n in COMPLAINT_TABLES if n in stats.tables]
    return [table(n, stats) for n in names] + [table(n, stats) for n in SERVICE_TABLES if n in stats.tables]


def _cell(value: object) -> object:
    """Text a spreadsheet program would run as a formula is written as text (``kernel.spreadsheets``)."""
    return safe_cell(value)


def file_rows(shown: Table) -> list[list[object]]:
    heading: list[object] = [shown.label_heading, *shown.headings]
    return [heading] + [[_cell(label), *map(_cell, values)] for label, values in shown.lines]


def as_csv(shown: Table) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(file_rows(shown))
    return out.getvalue().encode("utf-8-sig")


def as_xlsx(shown: Table, *, stats: Statistics, made_at: datetime) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(shown.name)
    sheet.append([shown.title])
    for line in file_rows(shown):
        sheet.append(line)
    about = book.create_sheet(_("About this export"))
    about.append([_("Period"), stats.period.key()])
    about.append([_("Exported at"), made_at.isoformat(timespec="seconds")])
    if stats.refreshed_at:
        about.append([_("Figures as of"), stats.refreshed_at.isoformat(timespec="seconds")])
    about.append([_("Counts only: no case and no personal data.")])
    if stats.min_cell > 1:
        about.append([small_cells_note(stats.min_cell)])
    out = io.BytesIO()
    save_workbook(book, out)
    return out.getvalue()
