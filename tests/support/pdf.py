"""What a PDF reader sees of a letter: poppler's pdffonts and pdftotext (Debian's poppler-utils, installed by
`make install-test`)."""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class PdfFont:
    name: str
    type: str
    embedded: bool
    subset: bool


def _poppler(tool: str, content: bytes, *arguments: str, output: tuple[str, ...] = ()) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "letter.pdf"
        path.write_bytes(content)
        command = [tool, *arguments, str(path), *output]
        done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=60)
    return done.stdout


def pdf_fonts(content: bytes) -> list[PdfFont]:
    """Every font of the PDF as pdffonts lists it (name, type, emb, sub)."""
    lines = _poppler("pdffonts", content).splitlines()[2:]  # a header and a rule first
    fonts = []
    for line in lines:
        # name, type (may hold a space: "Type 1", "CID TrueType"), encoding, emb, sub, uni, object, generation
        found = re.match(r"(\S+)\s+(.+?)\s{2,}(\S+)\s+(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$", line)
        assert found, f"unexpected pdffonts line: {line!r}"
        fonts.append(PdfFont(found[1], found[2], found[4] == "yes", found[5] == "yes"))
    return fonts


def pdf_text(content: bytes) -> str:
    """The text a reader copies out of the PDF (pdftotext, UTF-8)."""
    return _poppler("pdftotext", content, "-enc", "UTF-8", output=("-",))


def squeezed(text: str) -> str:
    """Text without any white space: a line the letter wrapped reads as one (pdftotext breaks lines where the
    layout did)."""
    return re.sub(r"\s+", "", text)
