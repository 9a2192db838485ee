"""Phone photos are accepted as they were taken (issue #15 part 5, INC-E1): HEIC/HEIF and WebP recognised from
their bytes; a program renamed to look like one is still refused."""

from __future__ import annotations

import pytest

from tests.portal.conftest import EXECUTABLE
from tests.support.photos import photo
from xiaobao.complaints.domain.files import FileNotAccepted, check_file, download_name


def test_an_iphone_heic_photo_is_recognised_from_its_bytes() -> None:
    heic = photo("HEIF")
    assert heic[4:12] == b"ftypheic"  # what pillow-heif wrote is the real thing
    assert check_file("IMG_0001.HEIC", len(heic), heic[:64]) == "image/heic"


def test_a_webp_photo_is_recognised_from_its_bytes() -> None:
    webp = photo("WEBP")
    assert check_file("微信图片.webp", len(webp), webp[:64]) == "image/webp"


def test_a_heif_image_of_the_general_brand_is_recognised() -> None:
    heif = b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic"
    assert check_file("scan.heif", len(heif), heif) == "image/heif"


@pytest.mark.parametrize("name", ["IMG_0001.heic", "photo.webp", "scan.heif"])
def test_a_program_renamed_as_a_photo_is_refused(name: str) -> None:
    with pytest.raises(FileNotAccepted):
        check_file(name, len(EXECUTABLE), EXECUTABLE[:64])


def test_a_riff_file_that_is_neither_sound_nor_webp_is_refused() -> None:
    avi = b"RIFF\x24\x00\x00\x00AVI LIST"
    with pytest.raises(FileNotAccepted):
        check_file("clip.webp", len(avi), avi)


def test_an_mp4_that_is_not_a_heif_image_is_refused() -> None:
    video = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
    with pytest.raises(FileNotAccepted):
        check_file("IMG_0002.heic", len(video), video)


@pytest.mark.parametrize(
    ("sent", "content_type", "downloaded"),
    [
        ("IMG_0001.HEIC", "image/heic", "IMG_0001.HEIC"),
        ("IMG_0001.heif", "image/heic", "IMG_0001.heif"),
        ("photo", "image/webp", "photo.webp"),
        ("x.jpg", "image/heic", "x.jpg.heic"),
    ],
)
def test_a_photo_downloads_under_its_own_name_and_kind(sent: str, content_type: str, downloaded: str) -> None:
    assert download_name(sent, content_type, fallback="C-1") == downloaded
