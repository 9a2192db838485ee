"""The one-click bundle of a sale, signed, and the offline command that checks it (SAL-3)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.conftest import World
from tests.support.sale_sessions import make_shop, recorded_sale
from xiaobao.audit.models import AuditEvent
from xiaobao.kernel.actors import Role
from xiaobao.kernel.errors import NotFound
from xiaobao.sales import actions
from xiaobao.sales.bundle import public_key_pem
from xiaobao.sales.verify_bundle import main

pytestmark = pytest.mark.django_db
SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


@pytest.fixture
def exported(world: World, media: Path) -> tuple[Path, Path]:
    shop = make_shop(world.ours)
    sale = recorded_sale(shop)
    _, compliance = world.ours.staff(Role.COMPLIANCE_OFFICER)
    bundle = media / "bundle.zip"
    bundle.write_bytes(actions.sale_bundle_export(actor=compliance, sale_id=sale.pk))
    key = media / "bundle-key.pem"
    key.write_bytes(public_key_pem())
    return bundle, key


def rewritten(bundle: Path, change: Any) -> Path:
    """The bundle with its members passed through ``change(name, data) -> data``."""
    out = io.BytesIO()
    with zipfile.ZipFile(bundle) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            target.writestr(name, change(name, source.read(name)))
    tampered = bundle.with_name("tampered.zip")
    tampered.write_bytes(out.getvalue())
    return tampered


def test_an_exported_bundle_is_verified_intact_by_the_command(exported: tuple[Path, Path], capsys: Any) -> None:
    bundle, key = exported
    assert main([str(bundle), "--public-key", str(key)]) == 0
    assert "intact" in capsys.readouterr().out
    with zipfile.ZipFile(bundle) as opened:
        names = set(opened.namelist())
    assert {"summary.pdf", "events.json", "recordings.json", "manifest.json", "manifest.sig", "public_key.pem"} <= names
    assert any(name.startswith("recordings/") for name in names)
    assert any(name.startswith("pages/") for name in names)


def test_the_command_runs_offline_without_django(exported: tuple[Path, Path]) -> None:
    bundle, key = exported
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.modules['django'] = None; "
            "from xiaobao.sales.verify_bundle import main; sys.exit(main(sys.argv[1:]))",
            str(bundle),
            "--public-key",
            str(key),
        ],
        env={"PYTHONPATH": str(SRC)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout.strip()) == (0, f"intact: {bundle}")


def test_a_recording_changed_by_one_byte_is_refused(exported: tuple[Path, Path], capsys: Any) -> None:
    bundle, key = exported

    def flip(name: str, data: bytes) -> bytes:
        return data[:10] + bytes([data[10] ^ 1]) + data[11:] if name.startswith("recordings/") else data

    assert main([str(rewritten(bundle, flip)), "--public-key", str(key)]) == 1
    out = capsys.readouterr().out
    assert "recordings/" in out
    assert "SHA-256 differs" in out


def test_a_changed_event_is_refused(exported: tuple[Path, Path], capsys: Any) -> None:
    bundle, key = exported

    def edit(name: str, data: bytes) -> bytes:
        if name != "events.json":
            return data
        events = json.loads(data)
        events[1]["details"]["clicks"] = 0
        return json.dumps(events).encode()

    assert main([str(rewritten(bundle, edit)), "--public-key", str(key)]) == 1
    out = capsys.readouterr().out
    assert "events.json" in out
    assert "chain breaks at event 2" in out


def test_a_manifest_rewritten_to_match_a_change_fails_its_signature(exported: tuple[Path, Path], capsys: Any) -> None:
    bundle, key = exported

    def edit(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["sale"] = "XS-SOMEONE-ELSE"
        return json.dumps(manifest).encode()

    assert main([str(rewritten(bundle, edit)), "--public-key", str(key)]) == 1
    assert "signature does not match" in capsys.readouterr().out


def test_a_bundle_re_signed_by_another_key_is_refused_with_the_published_key(
    exported: tuple[Path, Path], capsys: Any
) -> None:
    bundle, key = exported
    forger = Ed25519PrivateKey.generate()

    def resign(name: str, data: bytes) -> bytes:
        if name == "manifest.sig":
            with zipfile.ZipFile(bundle) as source:
                return forger.sign(source.read("manifest.json")).hex().encode()
        if name == "public_key.pem":
            return forger.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        return data

    assert main([str(rewritten(bundle, resign)), "--public-key", str(key)]) == 1
    assert "signature does not match" in capsys.readouterr().out


def test_the_export_is_recorded_and_refused_to_the_buyer_and_another_insurer(world: World, media: Path) -> None:
    shop = make_shop(world.ours)
    sale = recorded_sale(shop)
    _, other = world.theirs.staff(Role.COMPLIANCE_OFFICER)
    with pytest.raises(NotFound):
        actions.sale_bundle_export(actor=other, sale_id=sale.pk)
    assert not AuditEvent.objects.filter(event_type="sales.bundle_exported").exists()
    _, compliance = world.ours.staff(Role.COMPLIANCE_OFFICER)
    actions.sale_bundle_export(actor=compliance, sale_id=sale.pk)
    assert AuditEvent.objects.filter(event_type="sales.bundle_exported", subject_id=str(sale.pk)).count() == 1


def test_the_bundle_holds_the_signed_declaration_and_a_changed_one_is_refused(
    world: World, media: Path, capsys: Any
) -> None:
    from tests.support.suitability import CAREFUL, make_counter, questionnaire
    from xiaobao.sales.models import SuitabilityAssessment
    from xiaobao.sales.suitability.actions import sale_assess_suitability, sale_declare_own_choice
    from xiaobao.sales.suitability.selectors import declaration_text, text_sha256

    counter = make_counter(world)
    sale = counter.sale()
    sale_assess_suitability(actor=counter.seller, sale_id=sale.pk, questionnaire=questionnaire(risk=CAREFUL))
    shown = text_sha256(declaration_text(SuitabilityAssessment.objects.get(sale=sale), "zh-hans"))
    signed = sale_declare_own_choice(
        actor=counter.seller,
        sale_id=sale.pk,
        signed_name=counter.buyer.name,
        confirmed=True,
        shown_sha256=shown,
        language="zh-hans",
    )
    bundle = media / "declared.zip"
    bundle.write_bytes(actions.sale_bundle_export(actor=counter.compliance, sale_id=sale.pk))
    key = media / "bundle-key.pem"
    key.write_bytes(public_key_pem())
    with zipfile.ZipFile(bundle) as opened:
        assert opened.read("declaration.txt").decode() == signed.text
    assert main([str(bundle), "--public-key", str(key)]) == 0
    tampered = rewritten(bundle, lambda name, data: data + b" " if name == "declaration.txt" else data)
    assert main([str(tampered), "--public-key", str(key)]) == 1
    assert "declaration.txt" in capsys.readouterr().out


def test_a_bundle_with_a_second_entry_of_the_same_name_is_refused(exported: tuple[Path, Path], capsys: Any) -> None:
    """A ZIP may hold two members of one name: Python reads the last, other tools show the first. A tampered
    bundle puts a forged page first and keeps the genuine one last, so every SHA-256 still matches."""
    import warnings

    bundle, key = exported
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name: the very thing being made
        with zipfile.ZipFile(bundle) as source, zipfile.ZipFile(out, "w") as target:
            target.writestr("pages/000001.txt", "<p>销售人员已提示全部风险。</p>")
            for name in source.namelist():
                target.writestr(name, source.read(name))
    tampered = bundle.with_name("doubled.zip")
    tampered.write_bytes(out.getvalue())
    assert main([str(tampered), "--public-key", str(key)]) == 1
    printed = capsys.readouterr().out
    assert "NOT INTACT: pages/000001.txt: more than one entry of this name" in printed
