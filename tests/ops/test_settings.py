"""Start-up stops with a message naming the variable that is missing or malformed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from xiaobao.config.environment import ConfigurationError, database_from_url, parse_keyring

PROJECT = Path(__file__).resolve().parents[2]
KEY = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
PRODUCTION = {
    "XIAOBAO_ENV": "production",
    "SECRET_KEY": "s" * 60,
    "XIAOBAO_ENCRYPTION_KEYS": f"k1:{KEY}",
    "XIAOBAO_BLIND_INDEX_KEY": KEY,
    "XIAOBAO_BUNDLE_SIGNING_KEY": KEY,
    "ALLOWED_HOSTS": "xiaobao.example",
    "DATABASE_URL": "postgres://u:p@db.example:5432/xiaobao",
}


def _start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=PROJECT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "xiaobao.config.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_complete_production_settings_start() -> None:
    assert _start(PRODUCTION).returncode == 0


@pytest.mark.parametrize(
    "variable",
    [
        "SECRET_KEY",
        "XIAOBAO_ENCRYPTION_KEYS",
        "XIAOBAO_BLIND_INDEX_KEY",
        "XIAOBAO_BUNDLE_SIGNING_KEY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
    ],
)
def test_production_start_up_names_a_missing_variable(variable: str) -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != variable}

    started = _start(env)

    assert started.returncode != 0
    assert f"{variable} is not set" in started.stderr


def test_a_malformed_database_url_is_named() -> None:
    started = _start({**PRODUCTION, "DATABASE_URL": "db.example/xiaobao"})
    assert started.returncode != 0
    assert "DATABASE_URL is malformed" in started.stderr


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", "DATABASE_URL is malformed"),
        ("mysql://u:p@h/db", "unsupported database"),
        ("postgres://u:p@h:5432/", "names no database"),
    ],
)
def test_database_url_errors(url: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        database_from_url(url)


@pytest.mark.parametrize(
    ("raw", "message"),
    [("k1", "KEYID:BASE64KEY"), ("k1:c2hvcnQ", "32 bytes"), (f"k1:{KEY},k1:{KEY}", "appears twice"), ("", "no key")],
)
def test_keyring_errors_name_the_variable(raw: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=f"XIAOBAO_ENCRYPTION_KEYS.*{message}|{message}"):
        parse_keyring(raw, variable="XIAOBAO_ENCRYPTION_KEYS")


def test_the_first_key_of_the_ring_is_the_one_that_encrypts() -> None:
    ring = parse_keyring(f"new:{KEY},old:{KEY[:-1]}B", variable="XIAOBAO_ENCRYPTION_KEYS")
    assert list(ring) == ["new", "old"]
