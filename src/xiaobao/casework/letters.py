"""The printed letter every case type sends (CMP-N1 decision, CLM-T4 refusal) as a PDF with its font embedded.

A case type fills a ``Letter`` in the addressee's language (its strings already translated) and
``letter_pdf`` lays it out: the insurer's letterhead, title, reference, date and addressee, the outcome,
the sections, the addressee's options, the complaint contacts, and the box for the seal and signature of
the issuing office. The labels this module adds are translated in the language active when it is called.

The font is WenQuanYi Micro Hei, a TrueType-outline CJK font installed from PyPI with the other
dependencies; reportlab embeds the glyphs the letter uses (a subset), so the letter reads the same in every
PDF reader and on a closed network (docs/adr/0010-letter-fonts.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from django.db import models
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    KeepTogether,
    ListFlowable,
    ListItem,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from xiaobao.identity.models import Insurer

FONT_NAME = "WenQuanYiMicroHei"
FONT_PACKAGE, FONT_FILE = "paperang_p2_fonts_cjk", "fonts/wqy-microhei.ttc"
FONT_SUBFONT = 0
"""The TTC holds the proportional face (0) and its monospaced twin (1)."""


class LetterFontMissing(RuntimeError):
    """The letter cannot be made without its embedded font: an installation fault, not a user error."""


def font_path() -> Path:
    try:
        path = Path(str(resources.files(FONT_PACKAGE).joinpath(FONT_FILE)))
    except ModuleNotFoundError:
        path = None
    if path is None or not path.is_file():
        raise LetterFontMissing(
            f"The letter font ({FONT_FILE} of the PyPI package paperang-p2-fonts-cjk) is not installed: "
            "run `make install` or `.venv/bin/pip install -r requirements.lock`."
        )
    return path


@cache
def letter_font() -> str:
    """Register the TrueType font once per process (about 0.3 s) and give its name."""
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(font_path()), subfontIndex=FONT_SUBFONT))
    return FONT_NAME


@dataclass(frozen=True)
class Section:
    """A heading with its text (paragraphs split at line breaks), or with label/value rows."""

    heading: str
    text: str = ""
    rows: Sequence[tuple[str, str]] = ()


@dataclass(frozen=True)
class Letter:
    insurer: Insurer
    title: str
    reference: str
    day: date
    """The date of the letter: the statutory date (Asia/Shanghai) of the decision it states."""
    addressee: str
    headline: str
    sections: Sequence[Section]
    options_heading: str
    options: Sequence[str]
    office: str
    """The issuing office (the handling branch), named beside its seal."""
    options_note: Sequence[str] = ()
    """Lines after the options: the last day to ask for a review, where the full guide is and where to choose
    (DSP-2)."""


def letter_date(day: date) -> str:
    """The date written the way the active language writes it (2026年3月2日, March 2, 2026)."""
    return formats.date_format(day, "DATE_FORMAT")


CONTACT_FIELDS = ("complaint_phone", "complaint_address", "complaint_email", "website")


def insurer_contacts(insurer: Insurer) -> list[tuple[str, str]]:
    """The insurer's published complaint channels (CMP-P1), labelled with the model's own field names."""
    fields = [Insurer._meta.get_field(name) for name in CONTACT_FIELDS]
    return [
        (capfirst(str(field.verbose_name)), value)
        for field in fields
        if isinstance(field, models.Field) and (value := getattr(insurer, field.name))
    ]


def _styles() -> dict[str, ParagraphStyle]:
    font = letter_font()
    wrap = "CJK" if (get_language() or "").startswith("zh") else None
    body = ParagraphStyle(
        "body", fontName=font, bulletFontName=font, fontSize=11, leading=16, wordWrap=wrap, splitLongWords=True
    )
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=9, leading=13, textColor=colors.HexColor("#444444")),
        "insurer": ParagraphStyle("insurer", parent=body, fontSize=18, leading=24, alignment=TA_CENTER),
        "letterhead": ParagraphStyle(
            "letterhead", parent=body, fontSize=9, leading=13, alignment=TA_CENTER, textColor=colors.HexColor("#444444")
        ),
        "title": ParagraphStyle("title", parent=body, fontSize=16, leading=22, alignment=TA_CENTER, spaceBefore=3 * mm),
        "headline": ParagraphStyle(
            "headline",
            parent=body,
            fontSize=13,
            leading=20,
            borderColor=colors.black,
            borderWidth=0.8,
            borderPadding=(3 * mm, 3 * mm, 3 * mm, 3 * mm),
            spaceBefore=4 * mm,
            spaceAfter=5 * mm,
        ),
        "heading": ParagraphStyle("heading", parent=body, fontSize=12.5, leading=18, spaceBefore=3 * mm),
    }


def _text(value: str) -> str:
    return escape(value).replace("\n", "<br/>")


def _rows(rows: Sequence[tuple[str, str]], style: ParagraphStyle, widths: tuple[float, float]) -> Table:
    table = Table(
        [[Paragraph(_text(label), style), Paragraph(_text(value), style)] for label, value in rows],
        colWidths=list(widths),
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), letter_font()),  # a table opens each cell in Helvetica else
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


def _seal_area(letter: Letter, styles: dict[str, ParagraphStyle], width: float) -> Flowable:
    """The issuing office and the date on the left; on the right a box the seal and signature go in."""
    office = [
        Paragraph(_text(gettext("Issuing office")), styles["small"]),
        Paragraph(_text(f"{letter.insurer.name} {letter.office}".strip()), styles["body"]),
        Spacer(1, 3 * mm),
        Paragraph(_text(gettext("Date")), styles["small"]),
        Paragraph(_text(letter_date(letter.day)), styles["body"]),
    ]
    seal = [Paragraph(_text(gettext("Seal and signature")), styles["small"])]
    table = Table([[office, seal]], colWidths=[width - 75 * mm, 75 * mm], rowHeights=[34 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), letter_font()),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOX", (1, 0), (1, 0), 0.8, colors.black),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
                ("LEFTPADDING", (1, 0), (1, 0), 3 * mm),
                ("TOPPADDING", (1, 0), (1, 0), 2 * mm),
            ]
        )
    )
    return KeepTogether([Spacer(1, 6 * mm), table])


def letter_pdf(letter: Letter) -> bytes:
    """The letter as an A4 PDF whose every font is embedded (subset): labels in the active language."""
    styles = _styles()
    buffer = BytesIO()
    margin = 22 * mm
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=letter.title,
        author=letter.insurer.name,
        subject=letter.title,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        initialFontName=letter_font(),  # else reportlab opens each page in Helvetica, a font it never embeds
    )
    width = A4[0] - 2 * margin
    letterhead = " · ".join(v for v in (letter.insurer.complaint_address, letter.insurer.website) if v)
    story: list[Flowable] = [Paragraph(_text(letter.insurer.name), styles["insurer"])]
    if letterhead:
        story.append(Paragraph(_text(letterhead), styles["letterhead"]))
    story += [
        Spacer(1, 2 * mm),
        HRFlowable(width="100%", thickness=1.2, color=colors.black, spaceAfter=2 * mm),
        Paragraph(_text(letter.title), styles["title"]),
        Spacer(1, 3 * mm),
        _rows(
            [
                (gettext("Reference"), letter.reference),
                (gettext("Date"), letter_date(letter.day)),
                (gettext("To"), letter.addressee),
            ],
            styles["body"],
            (28 * mm, width - 28 * mm),
        ),
        Paragraph(_text(letter.headline), styles["headline"]),
    ]
    for section in letter.sections:
        story.append(Paragraph(_text(section.heading), styles["heading"]))
        if section.rows:
            story.append(_rows(section.rows, styles["body"], (45 * mm, width - 45 * mm)))
        story += [Paragraph(_text(line), styles["body"]) for line in section.text.splitlines() if line.strip()]
    story += [
        Paragraph(_text(letter.options_heading), styles["heading"]),
        ListFlowable(
            [ListItem(Paragraph(_text(option), styles["body"])) for option in letter.options],
            bulletType="1",
            bulletFontName=letter_font(),
            bulletFontSize=11,
            leftIndent=7 * mm,
        ),
    ]
    story += [Paragraph(_text(line), styles["body"]) for line in letter.options_note if line.strip()]
    contacts = insurer_contacts(letter.insurer)
    if contacts:
        story += [
            Paragraph(_text(gettext("Our complaint contacts")), styles["heading"]),
            _rows(contacts, styles["body"], (45 * mm, width - 45 * mm)),
        ]
    story.append(_seal_area(letter, styles, width))
    footer = gettext("%(reference)s · page %(page)d")

    def number_page(canvas: Canvas, _document: object) -> None:
        canvas.saveState()
        canvas.setFont(letter_font(), 8.5)
        canvas.drawCentredString(
            A4[0] / 2, 11 * mm, footer % {"reference": letter.reference, "page": canvas.getPageNumber()}
        )
        canvas.restoreState()

    document.build(story, onFirstPage=number_page, onLaterPages=number_page)
    return buffer.getvalue()
