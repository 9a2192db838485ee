"""What a complainant may attach: images (phone photos in HEIC/HEIF and WebP too), PDF and audio, recognised from
their content, not their name (INC-E1: a photo taken on a phone is accepted as it is)."""

from __future__ import annotations

from xiaobao.kernel.errors import InvalidInput
from xiaobao.kernel.i18n import _
from xiaobao.kernel.uploads import MAX_FILE_BYTES, MAX_FILES

MAX_BYTES = MAX_FILE_BYTES
__all__ = [
    "ACCEPT",
    "HEIF_BRANDS",
    "MAX_BYTES",
    "MAX_FILES",
    "SIGNATURES",
    "FileNotAccepted",
    "FileTooLarge",
    "TooManyFiles",
    "check_file",
    "content_type_of",
    "download_name",
    "extension_of",
]

# (offset, magic bytes, content type); checked in order.
SIGNATURES: list[tuple[int, bytes, str]] = [
    (0, b"%PDF-", "application/pdf"),
    (0, b"\xff\xd8\xff", "image/jpeg"),
    (0, b"\x89PNG\r\n\x1a\n", "image/png"),
    (0, b"GIF87a", "image/gif"),
    (0, b"GIF89a", "image/gif"),
    (0, b"ID3", "audio/mpeg"),
    (0, b"\xff\xfb", "audio/mpeg"),
    (0, b"\xff\xf3", "audio/mpeg"),
    (0, b"#!AMR", "audio/amr"),
    (4, b"ftypM4A", "audio/mp4"),
    (0, b"OggS", "audio/ogg"),
]
HEIF_BRANDS = {
    b"heic": "image/heic",
    b"heix": "image/heic",
    b"heim": "image/heic",
    b"heis": "image/heic",
    b"hevc": "image/heic",
    b"hevx": "image/heic",
    b"mif1": "image/heif",
    b"msf1": "image/heif",
}
"""The major brands of an ISO-BMFF ``ftyp`` box that name a HEIF still image (ISO/IEC 23008-12): HEVC-coded
(what phones write, "HEIC") or any HEIF."""
ACCEPT = "image/*,.heic,.heif,.webp,application/pdf,.pdf,audio/*"
"""What a file field offers to pick (its ``accept``): on a phone ``image/*`` also offers the camera."""


class FileNotAccepted(InvalidInput):
    code = "file_not_accepted"
    default_message = _(
        "“%(name)s” cannot be attached: send a photo (JPEG, PNG, HEIC, WebP), a PDF or a sound recording (MP3, M4A, "
        "AMR, WAV)."
    )


class FileTooLarge(InvalidInput):
    code = "file_too_large"
    default_message = _("“%(name)s” is larger than 10 MB. Please send a smaller file, or bring it to a counter.")


class TooManyFiles(InvalidInput):
    code = "too_many_files"
    default_message = _("Attach at most 5 files.")


def extension_of(content_type: str) -> str:
    """The file-name extension of an accepted content type ("application/pdf" → "pdf", "audio/mpeg" → "mp3")."""
    return content_type.split("/")[1].replace("mpeg", "mp3")


EXTENSIONS_OF = {
    "image/jpeg": {"jpg", "jpeg", "jpe"},
    "image/heic": {"heic", "heif"},
    "image/heif": {"heif", "heic"},
    "audio/mp4": {"m4a", "mp4"},
    "audio/mpeg": {"mp3"},
}


def download_name(original: str, content_type: str, *, fallback: str) -> str:
    """The name a file is downloaded under: the one it was sent with, without any folder or control character,
    ending in the extension of what it really is (a "scan" that is a PDF downloads as "scan.pdf")."""
    name = "".join(c for c in original.replace("\\", "/").rsplit("/", 1)[-1] if c.isprintable()).strip(" .")
    name = name[:120] or fallback
    suffix = name.rsplit(".", 1)[1].lower() if "." in name else ""
    extension = extension_of(content_type)
    if suffix in EXTENSIONS_OF.get(content_type, {extension}):
        return name
    return f"{name}.{extension}"


def content_type_of(head: bytes) -> str | None:
    """The type recognised from the first bytes of the file, or None."""
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return HEIF_BRANDS[head[8:12]]
    for offset, magic, content_type in SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            return content_type
    return None


def check_file(name: str, size: int, head: bytes) -> str:
    if size > MAX_BYTES:
        raise FileTooLarge(name=name)
    content_type = content_type_of(head)
    if content_type is None:
        raise FileNotAccepted(name=name)
    return content_type
