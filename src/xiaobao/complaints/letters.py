"""The printable decision letter (CMP-N1) as PDF, in the complainant's language.

reportlab's built-in Adobe CJK font (STSong-Light) needs no font file, so the
letter is made on a closed network; PDF readers supply the glyphs.
"""

from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from xiaobao.complaints.actions import OUTCOME_TEXT
from xiaobao.complaints.domain.decisions import REMEDY_TEXT, Outcome
from xiaobao.complaints.models import Complaint

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

BODY = ParagraphStyle("body", fontName=FONT, fontSize=12, leading=18, wordWrap="CJK")
TITLE = ParagraphStyle("title", parent=BODY, fontSize=16, leading=24, spaceAfter=6 * mm)


def decision_letter_pdf(complaint: Complaint) -> bytes:
    consumer = complaint.complainant
    with translation.override(consumer.preferred_language):
        text = render_to_string(
            "complaints/notices/decision.txt",
            {
                "complaint": complaint,
                "outcome_text": gettext(OUTCOME_TEXT[Outcome(complaint.outcome)]) if complaint.outcome else "",
                "options": [gettext(option) for option in REMEDY_TEXT.values()],
            },
        ).strip()
        title = gettext("Decision on your complaint %(reference)s") % {"reference": complaint.reference}
        insurer = complaint.insurer
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        author=insurer.name,
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=25 * mm,
        bottomMargin=25 * mm,
    )
    lines = text.splitlines()
    story = [Paragraph(escape(insurer.name), BODY), Spacer(1, 4 * mm), Paragraph(escape(lines[0]), TITLE)]
    for line in lines[1:]:
        story.append(Paragraph(escape(line), BODY) if line.strip() else Spacer(1, 3 * mm))
    contact = " · ".join(x for x in (insurer.complaint_phone, insurer.complaint_address, insurer.complaint_email) if x)
    story += [Spacer(1, 8 * mm), Paragraph(escape(contact), BODY)]
    document.build(story)
    return buffer.getvalue()
