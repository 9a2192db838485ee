"""Phones and the elder version on the portal (issue #15 part 5, RULES.md INC-E1): phone photos (HEIC, WebP) are
taken as they are, every file field offers them and the camera; the elder switch has a second, extra-large size;
no label ends in two punctuation marks ("涉及哪类保险？:")."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from typing import Any

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from django.utils.html import strip_tags

import xiaobao
from tests.portal.conftest import EXECUTABLE, Filer, apply, filed_and_opened
from tests.support.photos import photo
from xiaobao.claims.models import Claim, ClaimDocument
from xiaobao.complaints.domain.files import ACCEPT
from xiaobao.complaints.models import Attachment, Complaint

pytestmark = pytest.mark.django_db


def test_a_heic_photo_from_a_phone_is_attached_as_it_was_taken(filer: Filer) -> None:
    heic = photo("HEIF")
    filer.verified()

    response = filer.details(attachments=[SimpleUploadedFile("IMG_0001.HEIC", heic, content_type="image/heic")])

    assert response.status_code == 302  # type: ignore[attr-defined]
    kept = Attachment.objects.get(complaint=Complaint.objects.get())
    assert kept.content_type == "image/heic"
    assert kept.file.read() == heic  # the original, not a conversion


def test_a_webp_photo_is_sent_as_a_missing_claim_document(filer: Filer) -> None:
    webp = photo("WEBP")
    filer.verified()
    apply(filer)
    claim = Claim.objects.get()

    sent = filer.client.post(
        f"/claims/{claim.reference}/documents/", {"doc-invoice": SimpleUploadedFile("发票.webp", webp)}
    )

    assert sent.status_code == 302
    assert ClaimDocument.objects.get(claim=claim).content_type == "image/webp"


def test_a_program_renamed_heic_is_refused_and_nothing_is_kept(filer: Filer) -> None:
    filer.verified()

    response = filer.details(attachments=[SimpleUploadedFile("IMG_0001.heic", EXECUTABLE, content_type="image/heic")])

    assert response.status_code == 400  # type: ignore[attr-defined]
    assert not Complaint.objects.exists()
    assert not Attachment.objects.exists()


def test_every_portal_file_field_offers_phone_photos_and_the_camera(filer: Filer) -> None:
    complaint, _ = filed_and_opened(filer)
    apply(filer)
    pages = {
        "complaint form": filer.client.get(f"/i/{filer.insurer.code}/complain/details/"),
        "tracking page": filer.client.get(f"/track/{complaint.reference}/"),
        "claim page": filer.client.get(f"/claims/{Claim.objects.get().reference}/"),
    }

    for where, page in pages.items():
        fields = re.findall(r"<input[^>]*type=\"file\"[^>]*>", page.content.decode())
        assert fields, where
        assert all(f'accept="{ACCEPT}"' in field for field in fields), (where, fields)
        assert all("capture" not in field for field in fields), where  # the camera offered, not forced
    assert {"image/*", ".heic", ".heif", ".webp", "application/pdf"} <= set(ACCEPT.split(","))


@pytest.mark.parametrize(
    ("choice", "cookie", "body"),
    [("on", "1", '<body class="elder">'), ("large", "2", '<body class="elder elder-large">')],
)
def test_each_elder_size_is_chosen_from_the_switch_and_remembered(
    client: Client, choice: str, cookie: str, body: str
) -> None:
    switched = client.post("/elder-mode/", {"elder": choice, "next": "/track/"})

    assert switched["Location"] == "/track/"
    assert switched.cookies["elder"].value == cookie
    assert body in client.get("/track/").content.decode()


def test_the_extra_large_page_offers_the_other_two_sizes(client: Client) -> None:
    client.cookies["elder"] = "2"

    page = client.get("/").content.decode()

    assert 'name="elder" value="on"' in page
    assert 'name="elder" value="off"' in page
    assert 'name="elder" value="large"' not in page
    assert 'class="elder elder-large">' in page.split("<head>")[0]  # on <html> too: its size is the rem


def test_back_to_standard_from_extra_large(client: Client) -> None:
    client.cookies["elder"] = "2"

    client.post("/elder-mode/", {"elder": "off", "next": "/"})

    page = client.get("/").content.decode()

    assert "<body>" in page
    assert "elder-large" not in page


def test_an_unknown_elder_cookie_is_the_standard_version(client: Client) -> None:
    client.cookies["elder"] = "<script>"

    page = client.get("/").content.decode()

    assert "<body>" in page
    assert "&lt;script" not in page


def test_a_kept_page_is_drawn_again_for_extra_large_text(filer: Filer) -> None:
    complaint, _ = filed_and_opened(filer)
    path = f"/track/{complaint.reference}/"
    filer.client.cookies["elder"] = "1"
    assert '<body class="elder">' in filer.client.get(path).content.decode()

    filer.client.cookies["elder"] = "2"

    assert '<body class="elder elder-large">' in filer.client.get(path).content.decode()


def _every_form_class() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(xiaobao.__path__, "xiaobao."):
        if not any(part in module.name for part in (".migrations", ".management", "__main__", ".tests")):
            importlib.import_module(module.name)
    found: list[type[forms.BaseForm]] = []
    waiting: list[type[forms.BaseForm]] = [forms.Form, forms.ModelForm]
    while waiting:
        for subclass in waiting.pop().__subclasses__():
            waiting.append(subclass)
            if subclass.__module__.startswith("xiaobao."):
                found.append(subclass)
    return found


def _made(form_class: type[forms.BaseForm]) -> forms.BaseForm:
    """The form with an empty list for each of its keyword-only choices (``kinds=``, ``branches=``…)."""
    needed = {
        name: []
        for name, parameter in inspect.signature(form_class.__init__).parameters.items()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY and parameter.default is inspect.Parameter.empty
    }
    made: Any = form_class(**needed)
    return made  # type: ignore[no-any-return]


DOUBLED = re.compile(r"[?？:：.。!！,，;；]\s*[:：]$")


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
def test_no_form_label_ends_in_a_doubled_punctuation_mark(language: str) -> None:
    classes = _every_form_class()
    assert {"ComplaintForm", "IdentityForm", "IntakeForm", "ThrottledAuthenticationForm"} <= {
        c.__name__ for c in classes
    }
    doubled = []
    with translation.override(language):
        for form_class in classes:
            for field in _made(form_class):
                tag = field.legend_tag() if field.use_fieldset else field.label_tag()
                if DOUBLED.search(strip_tags(tag).strip()):
                    doubled.append(f"{form_class.__module__}.{form_class.__name__}.{field.name}: {strip_tags(tag)}")
    assert doubled == []


def test_the_complaint_form_page_has_no_question_mark_before_a_colon(filer: Filer) -> None:
    filer.verified()

    page = filer.client.get(f"/i/{filer.insurer.code}/complain/details/").content.decode()

    assert "涉及哪类保险？</label>" in page
    assert not re.search(r"[？?：][:：]</label>", page)
