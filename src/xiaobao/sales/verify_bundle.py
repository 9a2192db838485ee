"""Check a sale's bundle offline: ``python -m xiaobao.sales.verify_bundle BUNDLE.zip [--public-key FILE]``.

Needs Python and ``cryptography`` only (no Django, no database, no network). Exits 0 when the bundle is
intact, 1 naming each thing that is wrong:

- the manifest's Ed25519 signature, with the public key given (the one the insurer publishes at
  ``/sales/bundle-key.pem``) or, without one, the copy inside the bundle — which proves only that the bundle is
  consistent, not who made it (said so in the output);
- every file's SHA-256 against the manifest, no file missing or added, and no name twice (a ZIP may hold two
  members of one name, and readers differ in which they show: a tampered bundle could show a forged page while
  the checked copy stays genuine);
- the events' hash chain (``SHA-256(previous hash ‖ canonical JSON of the event)``, as the audit log) and its
  head against the manifest;
- each replayable page against the SHA-256 its event kept, each recording against its SHA-256, the buyer's
  declaration against the SHA-256 kept when it was signed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import zipfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from xiaobao.audit.chain import event_hash
from xiaobao.sales.bundle_format import FORMAT, MANIFEST, PUBLIC_KEY, SIGNATURE, UNLISTED, key_id_of
from xiaobao.sales.domain.session import GENESIS, ChainedEvent, first_break


def _sha256(bundle: zipfile.ZipFile, name: str) -> str:
    digest = hashlib.sha256()
    with bundle.open(name) as member:
        for block in iter(lambda: member.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _public_key(pem: bytes) -> Ed25519PublicKey:
    key = load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def problems_of(path: Path, public_key_pem: bytes | None = None) -> tuple[list[str], list[str]]:
    """``(problems, notes)``: the bundle is intact when there is no problem."""
    problems: list[str] = []
    notes: list[str] = []
    try:
        bundle = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        return [f"not a readable ZIP file: {error}"], notes
    with bundle:
        listed_names = bundle.namelist()
        doubled = sorted(name for name, count in Counter(listed_names).items() if count > 1)
        if doubled:
            return [f"{name}: more than one entry of this name" for name in doubled], notes
        names = set(listed_names)
        missing = sorted(UNLISTED - names)
        if missing:
            return [f"missing {', '.join(missing)}"], notes
        manifest_bytes = bundle.read(MANIFEST)
        try:
            manifest: dict[str, Any] = json.loads(manifest_bytes)
        except ValueError:
            return ["manifest.json is not valid JSON"], notes
        if manifest.get("format") != FORMAT:
            problems.append(f"manifest.json: unknown format {manifest.get('format')!r}")
        if public_key_pem is None:
            public_key_pem = bundle.read(PUBLIC_KEY)
            notes.append(
                "checked with the public key inside the bundle: this proves the bundle is consistent; pass the "
                "insurer's published key (--public-key) to prove who signed it"
            )
        try:
            key = _public_key(public_key_pem)
            key.verify(bytes.fromhex(bundle.read(SIGNATURE).decode().strip()), manifest_bytes)
        except (InvalidSignature, ValueError):
            problems.append(
                "manifest.json: the signature does not match (the manifest was changed, or signed by another key)"
            )
        if manifest.get("key_id") != key_id_of(public_key_pem):
            problems.append("manifest.json: signed for another key id than the public key used")
        listed: dict[str, str] = manifest.get("files", {})
        for name in sorted(names - UNLISTED - set(listed)):
            problems.append(f"{name}: in the bundle but not in the manifest")
        for name, expected in sorted(listed.items()):
            if name not in names:
                problems.append(f"{name}: in the manifest but missing from the bundle")
            elif _sha256(bundle, name) != expected:
                problems.append(f"{name}: its SHA-256 differs from the manifest's (the file was changed)")
        problems += _chain_problems(bundle, manifest, names)
        problems += _recording_problems(bundle, names)
        problems += _declaration_problems(bundle, names)
    return problems, notes


def _declaration_problems(bundle: zipfile.ZipFile, names: set[str]) -> list[str]:
    """The declaration's text is the one signed: its SHA-256 is the one kept when the buyer signed it."""
    if "declaration.json" not in names:
        return []
    try:
        kept = str(json.loads(bundle.read("declaration.json"))["text_sha256"])
        text = bundle.read("declaration.txt")
    except (KeyError, ValueError, TypeError):
        return ["declaration.json: missing its text or not in the expected shape"]
    if hashlib.sha256(text).hexdigest() != kept:
        return ["declaration.txt: its SHA-256 differs from the one kept when the buyer signed it"]
    return []


def _chain_problems(bundle: zipfile.ZipFile, manifest: dict[str, Any], names: set[str]) -> list[str]:
    try:
        records: list[dict[str, Any]] = json.loads(bundle.read("events.json"))
        events = [
            (
                ChainedEvent(
                    sequence=r["sequence"],
                    kind=r["kind"],
                    client_event_id=r["client_event_id"],
                    occurred_at=r["occurred_at"],
                    received_at=r["received_at"],
                    content_sha256=r["content_sha256"],
                    details=r["details"],
                    prev_hash=r["prev_hash"],
                ),
                str(r["hash"]),
            )
            for r in records
        ]
    except (KeyError, ValueError, TypeError):
        return ["events.json: missing or not in the expected shape"]
    problems = []
    broken = first_break(events, event_hash)
    if broken is not None:
        problems.append(
            f"events.json: the hash chain breaks at event {broken} (an event was changed, removed or added)"
        )
    head = events[-1][1] if events else GENESIS
    if head != manifest.get("chain_head") or len(events) != manifest.get("events"):
        problems.append("events.json: the chain's head or length differs from the manifest's")
    for event, _ in events:
        if not event.content_sha256:
            continue
        page = f"pages/{event.sequence:06d}.txt"
        if page not in names:
            problems.append(f"{page}: missing (event {event.sequence} showed content)")
        elif _sha256(bundle, page) != event.content_sha256:
            problems.append(f"{page}: not what event {event.sequence} says was shown (its SHA-256 differs)")
    return problems


def _recording_problems(bundle: zipfile.ZipFile, names: set[str]) -> list[str]:
    try:
        recordings: list[dict[str, Any]] = json.loads(bundle.read("recordings.json"))
    except (KeyError, ValueError):
        return ["recordings.json: missing or not valid JSON"]
    problems = []
    for item in recordings:
        name = str(item.get("file", ""))
        if name not in names:
            problems.append(f"{name or 'a recording'}: missing from the bundle")
        elif _sha256(bundle, name) != item.get("sha256"):
            problems.append(f"{name}: its SHA-256 differs from the one kept when it was received")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m xiaobao.sales.verify_bundle", description=__doc__.splitlines()[0])
    parser.add_argument("bundle", type=Path)
    parser.add_argument("--public-key", type=Path, help="the insurer's published key (PEM), /sales/bundle-key.pem")
    args = parser.parse_args(argv)
    pem = args.public_key.read_bytes() if args.public_key else None
    problems, notes = problems_of(args.bundle, pem)
    out = sys.stdout
    for note in notes:
        out.write(f"note: {note}\n")
    if problems:
        for problem in problems:
            out.write(f"NOT INTACT: {problem}\n")
        return 1
    out.write(f"intact: {args.bundle}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
