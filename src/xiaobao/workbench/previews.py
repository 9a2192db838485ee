"""A phone photo staff can look at (issue #15 part 5, INC-E1): HEIC/HEIF and WebP, accepted as they were taken,
are shown on the case page as a JPEG converted on demand. The stored file stays exactly as it was sent (the
download gives it); the JPEG is drawn for each request behind the same access check as the download and is kept
nowhere: not on disk, not in a cache, not by the browser (``private, no-store``)."""

from __future__ import annotations

import io

import pillow_heif
from django.db.models.fields.files import FieldFile
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from PIL import Image, ImageOps, UnidentifiedImageError

from xiaobao.claims import selectors as claim_selectors
from xiaobao.complaints import selectors as complaint_selectors
from xiaobao.complaints.domain.files import download_name
from xiaobao.kernel.actors import Actor
from xiaobao.kernel.errors import DamagedFile, NotFound
from xiaobao.workbench.files import FILE_CONTENT_SECURITY_POLICY, damaged_file
from xiaobao.workbench.staff import staff_only

pillow_heif.register_heif_opener()

CONVERTED = frozenset({"image/heic", "image/heif", "image/webp"})
"""The types a browser may not show (Chromium shows no HEIC) and staff see as a JPEG."""
LONGEST_SIDE = 4096
"""A preview is never larger than this on its longer side (a 48-megapixel photo is shrunk; smaller ones kept)."""
MOST_PIXELS = 100_000_000
"""A "photo" claiming more pixels than this is not decoded at all (a decompression bomb)."""


def jpeg_of(field_file: FieldFile) -> tuple[bytes, tuple[int, int]]:
    """The stored image as JPEG bytes, upright (its EXIF orientation applied), and its size; NotFound when the
    bytes are no image Pillow can read."""
    try:
        with field_file.open("rb") as stored, Image.open(stored) as image:
            if image.width * image.height > MOST_PIXELS:
                raise NotFound()
            upright = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError):
        raise NotFound() from None
    upright.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
    drawn = io.BytesIO()
    upright.save(drawn, format="JPEG", quality=85)
    return drawn.getvalue(), upright.size


def _preview_response(field_file: FieldFile, content_type: str, original_name: str, *, fallback: str) -> HttpResponse:
    if content_type not in CONVERTED:
        raise Http404
    try:
        body, _size = jpeg_of(field_file)
    except NotFound:
        raise Http404 from None
    except DamagedFile as damage:
        return damaged_file(damage)
    name = download_name(original_name, "image/jpeg", fallback=fallback)
    response = HttpResponse(body, content_type="image/jpeg")
    response["Content-Disposition"] = content_disposition_header(as_attachment=False, filename=name) or "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Frame-Options"] = "SAMEORIGIN"
    response["Content-Security-Policy"] = FILE_CONTENT_SECURITY_POLICY
    response["Cache-Control"] = "private, no-store"
    return response


@staff_only
def attachment_preview(request: HttpRequest, actor: Actor, complaint_id: int, attachment_id: int) -> HttpResponse:
    """A complainant's HEIC or WebP photo as a JPEG, for readers of the case only (the download's access check)."""
    try:
        complaint, kept = complaint_selectors.attachment_for(actor, complaint_id, attachment_id)
    except NotFound:
        raise Http404 from None
    return _preview_response(
        kept.file, kept.content_type, kept.original_name, fallback=f"{complaint.reference}-{kept.pk}"
    )


@staff_only
def claim_document_preview(request: HttpRequest, actor: Actor, claim_id: int, document_id: int) -> HttpResponse:
    """A claimant's HEIC or WebP photo as a JPEG, for readers of the claim only (the download's access check)."""
    try:
        claim, document = claim_selectors.document_for(actor, claim_id, document_id)
    except NotFound:
        raise Http404 from None
    return _preview_response(
        document.file,
        document.content_type,
        document.original_name,
        fallback=f"{claim.reference}-{document.item_code}",
    )
