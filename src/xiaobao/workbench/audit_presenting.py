"""How a verification reads (in plain words) and how a verified timeline is written (CSV, JSON, PDF).

Personal data: always masked, in every format, whoever exports — no reveal here. The events' values were
masked when recorded, and they are only in the JSON file (so the regulator can recompute each hash); the
actor is named by kind and number (``staff member no. 12``), the pseudonymous id the log keeps. A reader
who needs the person behind a number asks compliance, whose reveal is logged as every reveal is.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from xiaobao.audit.access import KIND_BY_MODEL
from xiaobao.audit.actions import TimelineExport
from xiaobao.audit.models import Verification
from xiaobao.audit.selectors import TimelineRow, timeline_rows
from xiaobao.casework.letters import letter_font
from xiaobao.kernel.spreadsheets import safe_cell

HASH_RECIPE = (
    "hash = SHA-256(prev_hash + '\\n' + content), content being the event's 'content' as JSON with sorted keys, "
    "no spaces (separators ',' and ':'), non-ASCII characters unescaped, UTF-8"
)


def _break_text(found: dict[str, Any]) -> str:
    values = {"sequence": found.get("sequence", 0), "head": found.get("head_sequence", 0)}
    kind = found.get("kind", "")
    if kind == "changed":
        text = _("Event no. %(sequence)s was changed after it was recorded: its content no longer matches its hash.")
    elif kind == "missing":
        text = _("Events are missing: there is no event no. %(sequence)s, the chain goes on with a later one.")
    elif kind == "reordered":
        text = _("The order was changed: event no. %(sequence)s names a later event as the one before it.")
    elif kind == "unlinked":
        text = _(
            "Event no. %(sequence)s does not follow the event before it: an event was removed, inserted or "
            "replaced there."
        )
    elif kind == "checkpoint_ahead":
        text = _(
            "The newest events are missing: the chain ends at event no. %(sequence)s, but its checkpoint records "
            "%(head)s events."
        )
    elif kind == "checkpoint_behind" and values["head"]:
        text = _(
            "Events were added around the log: the chain runs to event no. %(sequence)s, past its checkpoint at "
            "event no. %(head)s."
        )
    elif kind == "checkpoint_behind":
        text = _("Events were added around the log: no checkpoint records this chain of %(sequence)s events.")
    elif kind == "checkpoint_mismatch":
        text = _("The newest event, no. %(sequence)s, is not the one its checkpoint records: it was replaced.")
    else:  # chain_missing
        text = _("Every event of this chain is missing: its checkpoint records %(head)s events, none is left.")
    return text % values


def chain_name(subject_type: str, subject_id: str, reference: str = "") -> str:
    kind = KIND_BY_MODEL.get(subject_type)
    if kind and reference:
        return f"{kind.name} {reference}"
    if kind:
        return _("%(kind)s no. %(number)s") % {"kind": kind.name, "number": subject_id}
    return f"{subject_type}:{subject_id}"


def summary(verification: Verification, references: dict[tuple[str, str], str] | None = None) -> dict[str, Any]:
    """What a verification found, for the pages and the files; ``references`` name broken cases as people know
    them (``selectors.break_references``)."""
    references = references or {}
    case_name = chain_name(verification.subject_type, verification.subject_id, verification.reference)
    breaks = [
        {
            "chain": case_name
            if verification.scope == Verification.CASE
            else chain_name(
                found["subject_type"],
                found["subject_id"],
                references.get((found["subject_type"], found["subject_id"]), ""),
            ),
            "sequence": found["sequence"],
            "event_id": found.get("event_id"),
            "text": _break_text(found),
            "kind": found.get("kind", ""),
        }
        for found in verification.breaks
    ]
    if verification.scope == Verification.CASE:
        what = case_name
    else:
        what = _("every chain of your insurer")
    if verification.state == Verification.PENDING:
        status, verdict = _("Being verified"), _("Being verified: reload this page in a moment for the result.")
    elif verification.state == Verification.FAILED:
        status, verdict = _("Not completed"), _("The verification could not be completed: ask for it again.")
    elif verification.intact and verification.scope == Verification.CASE:
        status = _("Intact")
        verdict = _(
            "All %(events)s events are as they were recorded, each follows the one before it, and the chain ends "
            "where its checkpoint says."
        ) % {"events": verification.events}
    elif verification.intact:
        status = _("Intact")
        verdict = _(
            "%(chains)s chains, %(events)s events, all as they were recorded, each chain ending where its "
            "checkpoint says."
        ) % {"chains": verification.chains, "events": verification.events}
    elif verification.scope == Verification.CASE:
        status, verdict = _("Broken"), _("The chain was changed after it was recorded: what was found is below.")
    else:
        status = _("Broken")
        verdict = _(
            "%(count)s of %(chains)s chains were changed after they were recorded: what was found is below."
        ) % {"count": verification.broken_chains, "chains": max(verification.chains, verification.broken_chains)}
    return {
        "verification": verification,
        "what": what,
        "status": status,
        "verdict": verdict,
        "intact": verification.intact,
        "pending": verification.state == Verification.PENDING,
        "breaks": breaks,
        "more_breaks": max(verification.broken_chains - len(breaks), 0),
        "exportable": verification.scope == Verification.CASE,
    }


def actor_text(kind: str, actor_id: str) -> str:
    """The actor as the log keeps them, never by name (``staff:12`` → staff member no. 12)."""
    number = actor_id.partition(":")[2]
    numbered = {
        "staff": _("staff member no. %(number)s"),
        "consumer": _("consumer no. %(number)s"),
        "partner": _("partner no. %(number)s"),
        "mediator": _("mediator no. %(number)s"),
        "regulator": _("regulator no. %(number)s"),
        "system": _("the system (%(number)s)") if number else _("the system"),
    }
    text = numbered.get(kind)
    if text is None:
        return kind
    return text % {"number": number} if number else text


def chain_lines(rows: list[TimelineRow], result: dict[str, Any]) -> list[dict[str, Any]]:
    """A case's events for the verification page, the one a break names marked."""
    named = {found["event_id"] for found in result["breaks"] if found.get("event_id")}
    return [
        {
            "row": row,
            "actor": actor_text(row.actor_kind, row.actor_id),
            "named": row.event_id in named,
        }
        for row in rows
    ]


def _local(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else ""


def _safe(value: object) -> object:
    """A cell a spreadsheet would read as a formula is written with a quote first (as the queue export does)."""
    return safe_cell(value)


def _about(exported: TimelineExport) -> list[tuple[str, str]]:
    verification = exported.verification
    told = summary(verification)
    return [
        (_("Case"), told["what"]),
        (_("Verified at (Asia/Shanghai)"), _local(verification.finished_at)),
        (_("Verified by"), actor_text("staff", verification.requested_by)),
        (_("Verification no."), str(verification.pk)),
        (_("Result"), f"{told['status']}: {told['verdict']}"),
        *((_("Break"), found["text"]) for found in told["breaks"]),
        (_("Events"), str(verification.events)),
        (_("Newest event's hash"), verification.head_hash),
        (_("Personal data"), _("masked: actors by number, values as recorded (masked)")),
    ]


def _headings() -> list[str]:
    return [
        _("No."),
        _("Time (Asia/Shanghai)"),
        _("Actor"),
        _("Event"),
        _("Event type"),
        _("The consumer sees it"),
        _("Hash"),
        _("Previous hash"),
    ]


def _line(row: TimelineRow) -> list[object]:
    return [
        row.sequence,
        _local(row.at),
        actor_text(row.actor_kind, row.actor_id),
        row.label,
        row.event_type,
        _("yes") if row.visible_to_consumer else _("no"),
        row.hash,
        row.prev_hash,
    ]


def as_csv(exported: TimelineExport) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for label, value in _about(exported):
        writer.writerow([_safe(label), _safe(value)])
    writer.writerow([])
    writer.writerow(_headings())
    writer.writerows([_safe(cell) for cell in _line(row)] for row in timeline_rows(exported.events))
    return out.getvalue().encode("utf-8-sig")


def as_json(exported: TimelineExport) -> bytes:
    verification = exported.verification
    document = {
        "case": {
            "kind": exported.case.kind_name,
            "reference": exported.case.reference,
            "subject_type": exported.case.subject_type,
            "subject_id": exported.case.subject_id,
        },
        "verification": {
            "id": verification.pk,
            "verified_at": verification.finished_at.isoformat() if verification.finished_at else None,
            "verified_by": verification.requested_by,
            "intact": verification.intact,
            "events": verification.events,
            "first_at": verification.first_at.isoformat() if verification.first_at else None,
            "last_at": verification.last_at.isoformat() if verification.last_at else None,
            "head_hash": verification.head_hash,
            "breaks": verification.breaks,
            "verdict": "{status}: {verdict}".format(**summary(verification)),
        },
        "hash_recipe": HASH_RECIPE,
        "genesis_prev_hash": "0" * 64,
        "personal_data": "masked",
        "events": [
            {
                "sequence": row.sequence,
                "event_id": row.event_id,
                "occurred_at": row.at.isoformat(),
                "actor": actor_text(row.actor_kind, row.actor_id),
                "event_type": row.event_type,
                "label": row.label,
                "visible_to_consumer": row.visible_to_consumer,
                "prev_hash": row.prev_hash,
                "hash": row.hash,
                "content": row.content,
            }
            for row in timeline_rows(exported.events)
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2, default=str).encode()


def as_pdf(exported: TimelineExport) -> bytes:
    """A4 landscape, the letters' embedded font (ADR 0010): what was verified, then every event."""
    font = letter_font()
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=12, wordWrap="CJK", splitLongWords=True)
    small = ParagraphStyle("small", parent=body, fontSize=7, leading=9)
    hashes = ParagraphStyle("hash", parent=small, fontSize=6, leading=8)
    title = ParagraphStyle("title", parent=body, fontSize=15, leading=20, spaceAfter=3 * mm)
    buffer = io.BytesIO()
    margin = 12 * mm
    heading = _("Verified audit timeline: %(case)s") % {"case": summary(exported.verification)["what"]}
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        title=heading,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=12 * mm,
        bottomMargin=14 * mm,
        initialFontName=font,
    )
    width = landscape(A4)[0] - 2 * margin

    def cell(value: object, style: ParagraphStyle = small) -> Paragraph:
        return Paragraph(str(value).replace("&", "&amp;").replace("<", "&lt;"), style)

    about = Table(
        [[cell(label, body), cell(value, body)] for label, value in _about(exported)],
        colWidths=[55 * mm, width - 55 * mm],
    )
    about.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    widths = [10 * mm, 30 * mm, 32 * mm, 48 * mm, 36 * mm, 17 * mm]
    rest = (width - sum(widths)) / 2
    rows = [[cell(h) for h in _headings()]]
    rows += [
        [cell(v) for v in line[:6]] + [cell(line[6], hashes), cell(line[7], hashes)]
        for line in map(_line, timeline_rows(exported.events))
    ]
    events = Table(rows, colWidths=[*widths, rest, rest], repeatRows=1)
    events.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
            ]
        )
    )
    footer = _("Verification no. %(number)s · page %(page)d")

    def number_page(canvas: Canvas, _document: object) -> None:
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.drawCentredString(
            landscape(A4)[0] / 2,
            7 * mm,
            footer % {"number": exported.verification.pk, "page": canvas.getPageNumber()},
        )
        canvas.restoreState()

    document.build(
        [cell(heading, title), about, Spacer(1, 5 * mm), events], onFirstPage=number_page, onLaterPages=number_page
    )
    return buffer.getvalue()


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "pdf": "application/pdf",
}


def timeline_file(exported: TimelineExport, file_format: str) -> tuple[bytes, str]:
    make = {"csv": as_csv, "json": as_json, "pdf": as_pdf}[file_format]
    return make(exported), CONTENT_TYPES[file_format]


def file_name(exported: TimelineExport, file_format: str) -> str:
    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in exported.case.reference)
    return f"{safe}-verified-timeline-{exported.verification.pk}.{file_format}"
