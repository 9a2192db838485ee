"""A sale's one-click bundle (SAL-3: retrievable as one bundle when a dispute needs it).

A ZIP holding:

- ``summary.pdf`` — the sale in words (the letters' machinery and fonts, ADR 0010);
- ``events.json`` — every event of the session with its place in the hash chain;
- ``pages/<sequence>.txt`` — exactly what each shown page or material held (its SHA-256 is in the event);
- ``declaration.txt`` and ``declaration.json`` — when the buyer signed one (SAL-S3, SAL-S4): the declaration's
  text word for word as signed, and its SHA-256, language, time and the reasons it covers (not the typed name);
- ``recordings/<sha256>.<ext>`` and ``recordings.json`` — the recordings as received, with who recorded them;
- ``manifest.json`` — the SHA-256 of every file above, the sale, the chain's head, the signing key's id;
- ``manifest.sig`` — the Ed25519 signature of ``manifest.json``; ``public_key.pem`` — the key to check it
  (also published at ``/sales/bundle-key.pem``: check against that one, not only the copy inside).

``python -m xiaobao.sales.verify_bundle BUNDLE.zip [--public-key FILE]`` checks all of it offline.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from xiaobao.casework.letters import Letter, Section, letter_pdf
from xiaobao.ops import clock
from xiaobao.sales import access
from xiaobao.sales.bundle_format import FORMAT, MANIFEST, PUBLIC_KEY, SIGNATURE, key_id_of
from xiaobao.sales.models import Sale, SaleEvent

EXTENSIONS = {
    "audio/mpeg": "mp3",
    "audio/mp4": "m4a",
    "audio/wav": "wav",
    "audio/ogg": "ogg",
    "audio/webm": "weba",
    "video/mp4": "mp4",
    "video/webm": "webm",
    "video/quicktime": "mov",
}


def signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(settings.XIAOBAO_BUNDLE_SIGNING_KEY)


def public_key_pem() -> bytes:
    return (
        signing_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )


def event_record(event: SaleEvent) -> dict[str, Any]:
    from xiaobao.sales.actions import chained_event
    from xiaobao.sales.domain.session import chain_content

    return {**chain_content(chained_event(event)), "prev_hash": event.prev_hash, "hash": event.hash}


def summary_pdf(sale: Sale, events: list[SaleEvent], recordings: list[Any]) -> bytes:
    from xiaobao.sales.actions import recording_required

    with translation.override(settings.LANGUAGE_CODE):
        rows = [
            (gettext("Product"), f"{sale.product.name} ({sale.product.register_number})"),
            (gettext("Seller"), f"{sale.seller.name} ({sale.seller.practice_number})"),
            (gettext("Channel"), str(sale.get_channel_display())),
            (gettext("Buyer's age"), str(sale.buyer_age)),
            (gettext("Started"), sale.started_at.isoformat()),
            (gettext("Completed"), sale.completed_at.isoformat() if sale.completed_at else "—"),
            (gettext("Recording required"), gettext("yes") if recording_required(sale) else gettext("no")),
        ]
        event_rows = [
            (f"{e.sequence}. {e.get_kind_display()}", f"{e.occurred_at.isoformat()} {e.hash[:16]}…") for e in events
        ]
        recording_rows = [(f"{r.media_type}, {r.duration_seconds} s", r.sha256) for r in recordings]
        letter = Letter(
            insurer=sale.insurer,
            title=gettext("Record of the sale %(reference)s") % {"reference": sale.reference},
            reference=sale.reference,
            day=clock.today(),
            addressee="",
            headline=gettext("The session's events, in order, with their hashes; the recordings with their SHA-256."),
            sections=[
                Section(gettext("The sale"), rows=rows),
                Section(gettext("Events"), rows=event_rows or [(gettext("none"), "")]),
                Section(gettext("Recordings"), rows=recording_rows or [(gettext("none"), "")]),
            ],
            options_heading=gettext("To check this bundle:"),
            options=["python -m xiaobao.sales.verify_bundle BUNDLE.zip --public-key bundle-key.pem"],
            office=sale.insurer.name,
        )
        return letter_pdf(letter)


def build(sale: Sale) -> tuple[bytes, list[str]]:
    """The bundle's bytes and the names of the files it holds (manifest and signature aside)."""
    events = list(access.events_of(sale))
    recordings = list(access.recordings_of(sale))
    files: dict[str, bytes] = {}
    files["summary.pdf"] = summary_pdf(sale, events, recordings)
    files["events.json"] = _json([event_record(e) for e in events])
    for event in events:
        if event.content:
            files[f"pages/{event.sequence:06d}.txt"] = event.content.encode()
    declaration = access.declaration_of_sale(sale)
    if declaration is not None:
        files["declaration.txt"] = declaration.text.encode()
        files["declaration.json"] = _json(
            {
                "text_sha256": declaration.text_sha256,
                "language": declaration.language,
                "signed_at": declaration.signed_at.isoformat(),
                "covers": declaration.covers,
            }
        )
    listed = []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for name, data in files.items():
            bundle.writestr(name, data)
        digests = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
        for kept in recordings:
            name = f"recordings/{kept.sha256}.{EXTENSIONS.get(kept.media_type, 'bin')}"
            digest = hashlib.sha256()
            with kept.file.open("rb") as source, bundle.open(name, "w", force_zip64=True) as target:
                while block := source.read(1024 * 1024):
                    digest.update(block)
                    target.write(block)
            digests[name] = digest.hexdigest()
            listed.append(
                {
                    "file": name,
                    "sha256": kept.sha256,
                    "size": kept.size,
                    "duration_seconds": kept.duration_seconds,
                    "media_type": kept.media_type,
                    "recorded_by": f"{kept.recorded_by.name} ({kept.recorded_by.practice_number})",
                    "recorded_at": kept.recorded_at.isoformat(),
                }
            )
        recordings_json = _json(listed)
        bundle.writestr("recordings.json", recordings_json)
        digests["recordings.json"] = hashlib.sha256(recordings_json).hexdigest()
        public = public_key_pem()
        manifest = _json(
            {
                "format": FORMAT,
                "sale": sale.reference,
                "insurer": sale.insurer.code,
                "exported_at": clock.now().isoformat(),
                "events": len(events),
                "chain_head": events[-1].hash if events else "0" * 64,
                "key_id": key_id_of(public),
                "files": dict(sorted(digests.items())),
            }
        )
        bundle.writestr(MANIFEST, manifest)
        bundle.writestr(SIGNATURE, signing_key().sign(manifest).hex())
        bundle.writestr(PUBLIC_KEY, public)
    return buffer.getvalue(), sorted(digests)


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True).encode()


def bundle_name(sale: Sale) -> str:
    return f"sale-{sale.reference}.zip"
