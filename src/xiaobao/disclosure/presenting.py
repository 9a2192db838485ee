"""A published report as people read it: the figures with small counts withheld (``XIAOBAO_DISCLOSURE_MIN_COUNT``),
charts drawn on the server (``reports.domain.charts``) each with its table, the commitments kept, and the same
report as a PDF with the letters' embedded CJK font (``casework.letters``). Counts only: nothing here touches a
case."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from xiaobao.casework.letters import letter_font
from xiaobao.complaints.domain.classification import CHANNEL_TEXT, PRODUCT_LINE_TEXT, REASON_TEXT
from xiaobao.disclosure.domain.reports import Shown, commitments, shown_count, shown_rate
from xiaobao.disclosure.models import DisclosureReport
from xiaobao.kernel.clock import STATUTORY_ZONE
from xiaobao.reports.domain.charts import Bar, bar_chart, line_chart


def minimum() -> int:
    return int(settings.XIAOBAO_DISCLOSURE_MIN_COUNT)


def count_text(shown: Shown) -> str:
    if shown.value is None:
        return _("fewer than %(minimum)s") % {"minimum": shown.minimum}
    return str(shown.value)


def rate_text(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"


@dataclass
class ShownTable:
    """A chart and the table beside it holding the same figures."""

    key: str
    title: str
    label_heading: str
    value_heading: str
    lines: list[tuple[str, str]]
    chart: str


def _table(key: str, title: str, label_heading: str, value_heading: str, items: list[tuple[str, int]]) -> ShownTable:
    least = minimum()
    shown = [(label, shown_count(value, least)) for label, value in items]
    bars = [Bar(label=label, value=float(s.value or 0), shown=count_text(s)) for label, s in shown]
    description = "; ".join(f"{bar.label}: {bar.shown}" for bar in bars) or _("No figures for this period.")
    draw = line_chart if key == "months" else bar_chart
    arguments: dict[str, Any] = {"points" if key == "months" else "bars": bars}
    chart = draw(chart_id=f"chart-{key}", title=title, description=description, axis_label=value_heading, **arguments)
    return ShownTable(key, title, label_heading, value_heading, [(label, count_text(s)) for label, s in shown], chart)


def _labelled(texts: dict[Any, Any], key: str) -> str:
    text = texts.get(key)
    return _(str(text)) if text is not None else key


@dataclass
class ShownReport:
    report: DisclosureReport
    totals: list[tuple[str, str]]
    services: list[tuple[str, str]]
    commitments: list[tuple[str, str, str, str]]
    """text, kept, of how many, rate."""
    tables: list[ShownTable]
    minimum: int


def shown_report(report: DisclosureReport) -> ShownReport:
    figures: dict[str, Any] = report.figures
    least = minimum()
    total, claims, callbacks = figures["total"], figures["claims"], figures["callbacks"]

    def c(value: int) -> str:
        return count_text(shown_count(value, least))

    totals = [
        (_("Received"), c(total["received"])),
        (_("Accepted"), c(total["accepted"])),
        (_("Decided"), c(total["decided"])),
        (_("Decided within 15 days"), c(total["within_15"])),
        (_("Within 30 days (extended)"), c(total["within_30"])),
        (_("Within 60 days (further extended)"), c(total["within_60"])),
        (_("Late"), c(total["late"])),
        (_("Upheld rate"), rate_text(shown_rate(total["upheld"], total["decided"], least))),
        (_("Reviews asked for"), c(total["reviews"])),
        (_("Mediation asked for"), c(total["mediations"])),
    ]
    services = [
        (_("Claims received"), c(claims["received"])),
        (_("Decided within the time limit"), c(claims["in_time"])),
        (_("Decided late or overdue"), c(claims["late"])),
        (_("Paid within the time limit"), c(claims["paid_in_time"])),
        (_("Paid late or overdue"), c(claims["paid_late"])),
        (_("Call-backs asked for"), c(callbacks["received"])),
        (_("Called in time"), c(callbacks["in_time"])),
    ]
    kept = [
        (_(item.text), c(item.kept), c(item.total), rate_text(shown_rate(item.kept, item.total, least)))
        for item in commitments(figures)
    ]
    timeliness = [
        (_("within 15 days"), total["within_15"]),
        (_("within 30 days (extended)"), total["within_30"]),
        (_("within 60 days (further extended)"), total["within_60"]),
        (_("late"), total["late"]),
    ]
    complaints = _("Complaints received")
    tables = [
        _table("timeliness", _("Decisions against their time limits"), _("Time limit"), _("Complaints"), timeliness),
        _table("months", _("Complaints month by month"), _("Month"), complaints, [tuple(m) for m in figures["months"]]),
        _table(
            "product_line",
            _("Complaints by product line"),
            _("Product line"),
            complaints,
            [(_labelled(PRODUCT_LINE_TEXT, k), v) for k, v in figures["product_line"]],
        ),
        _table(
            "reason",
            _("Complaints by reason"),
            _("Reason"),
            complaints,
            [(_labelled(REASON_TEXT, k), v) for k, v in figures["reason"]],
        ),
        _table(
            "channel",
            _("Complaints by channel"),
            _("Channel"),
            complaints,
            [(_labelled(CHANNEL_TEXT, k), v) for k, v in figures["channel"]],
        ),
    ]
    return ShownReport(report, totals, services, kept, tables, least)


@dataclass
class TimelinessRow:
    insurer_name: str
    insurer_code: str
    year: int
    received: str
    in_time: str
    late: str
    rate: str
    rate_value: Decimal | None


def timeliness_rows(reports: list[DisclosureReport]) -> list[TimelinessRow]:
    """Each insurer's latest approved year: complaints received, decided within their time limit, late."""
    least = minimum()
    rows = []
    for report in reports:
        total = report.figures["total"]
        kept = total["within_15"] + total["within_30"] + total["within_60"]
        rate = shown_rate(kept, kept + total["late"], least)
        rows.append(
            TimelinessRow(
                report.insurer.name,
                report.insurer.code,
                report.year,
                count_text(shown_count(total["received"], least)),
                count_text(shown_count(kept, least)),
                count_text(shown_count(total["late"], least)),
                rate_text(rate),
                rate,
            )
        )
    return rows


def timeliness_chart(rows: list[TimelinessRow]) -> str:
    bars = [Bar(row.insurer_name, float(row.rate_value or 0), row.rate) for row in rows]
    title = _("Complaints decided within their time limit, by insurer")
    return bar_chart(
        chart_id="chart-insurers",
        title=title,
        description="; ".join(f"{b.label}: {b.shown}" for b in bars) or _("No figures for this period."),
        axis_label=_("Per cent decided in time"),
        bars=bars,
    )


# ------------------------------------------------------------------------------------------------------ PDF


def _cell(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def _grid(rows: list[list[str]], style: ParagraphStyle, head: ParagraphStyle, widths: list[float]) -> Table:
    table = Table(
        [[_cell(v, head) for v in rows[0]], *[[_cell(v, style) for v in row] for row in rows[1:]]],
        colWidths=widths,
        hAlign="LEFT",
        repeatRows=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), letter_font()),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#888888")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def report_pdf(shown: ShownReport) -> bytes:
    """The report as an A4 PDF in the active language, its font embedded (subset): the same figures, commitments
    and tables as the page (the charts' figures are in the tables)."""
    font = letter_font()
    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=14, wordWrap="CJK")
    head = ParagraphStyle("head", parent=body, fontSize=10)
    title_style = ParagraphStyle("title", parent=body, fontSize=16, leading=22, spaceAfter=3 * mm)
    heading = ParagraphStyle("heading", parent=body, fontSize=12.5, leading=18, spaceBefore=4 * mm, spaceAfter=2 * mm)
    report = shown.report
    title = _("%(insurer)s: complaint handling in %(year)s") % {"insurer": report.insurer.name, "year": report.year}
    buffer = BytesIO()
    margin = 18 * mm
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        author=report.insurer.name,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        initialFontName=font,
    )
    width = A4[0] - 2 * margin
    pair = [width * 0.6, width * 0.4]
    story: list[Flowable] = [
        Paragraph(escape(title), title_style),
        Paragraph(escape(approval_text(shown)), body),
        Paragraph(escape(_("Figures") + " — " + _("Complaints")), heading),
        _grid([[_("Figure"), _("Count")], *[[a, b] for a, b in shown.totals]], body, head, pair),
        Paragraph(escape(_("Claims and call-backs")), heading),
        _grid([[_("Figure"), _("Count")], *[[a, b] for a, b in shown.services]], body, head, pair),
        Paragraph(escape(_("Commitments kept")), heading),
        _grid(
            [[_("Commitment"), _("Kept"), _("Of"), _("Rate")], *[list(c) for c in shown.commitments]],
            body,
            head,
            [width * 0.55, width * 0.15, width * 0.15, width * 0.15],
        ),
    ]
    for table in shown.tables:
        story += [
            Paragraph(escape(table.title), heading),
            _grid([[table.label_heading, table.value_heading], *[[a, b] for a, b in table.lines]], body, head, pair),
        ]
    story += [Spacer(1, 4 * mm), Paragraph(escape(suppression_text(shown.minimum)), body)]
    footer = _("%(title)s · page %(page)d")

    def number_page(canvas: Canvas, _document: object) -> None:
        canvas.saveState()
        canvas.setFont(font, 8.5)
        canvas.drawCentredString(A4[0] / 2, 10 * mm, footer % {"title": title, "page": canvas.getPageNumber()})
        canvas.restoreState()

    document.build(story, onFirstPage=number_page, onLaterPages=number_page)
    return buffer.getvalue()


def approval_text(shown: ShownReport) -> str:
    report = shown.report
    if report.approved_at is None:
        return _("Prepared %(prepared)s; not yet approved: not public.") % {
            "prepared": timezone.localtime(report.prepared_at, STATUTORY_ZONE).date().isoformat()
        }
    return _("Prepared by the insurer's compliance officer and approved by a second person on %(approved)s.") % {
        "approved": timezone.localtime(report.approved_at, STATUTORY_ZONE).date().isoformat()
    }


def suppression_text(least: int) -> str:
    return _(
        "Counts from 1 to %(below)s are not shown (“fewer than %(minimum)s”) and every other count is rounded to a "
        "multiple of %(minimum)s, so that no figure points at a person; rates are worked out from the counts shown."
    ) % {"below": least - 1, "minimum": least}
