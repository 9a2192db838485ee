"""Reading settings from the environment, with errors that name the variable.

Kept apart from ``settings.py`` so that the rules (what is required in
production, what is generated for development) are testable on their own.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured


class ConfigurationError(ImproperlyConfigured):
    """A configuration variable is missing or malformed; the message names it."""


def env_flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(f"{name} must be true or false, got {raw!r}.")


def env_list(env: Mapping[str, str], name: str, default: list[str]) -> list[str]:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_networks(
    env: Mapping[str, str], name: str, default: list[str]
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """Comma-separated networks (``10.0.0.0/8``, ``::1/128``, or a single address); a malformed one names the
    variable."""
    try:
        return tuple(ipaddress.ip_network(item) for item in env_list(env, name, default))
    except ValueError as error:
        raise ConfigurationError(f"{name} is malformed: {error}.") from error


def require(env: Mapping[str, str], name: str, purpose: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise ConfigurationError(f"{name} is not set: it is required in production ({purpose}).")
    return value


def database_from_url(url: str, *, variable: str = "DATABASE_URL") -> dict[str, Any]:
    """Parse a database URL into Django's DATABASES entry; a bad URL names the variable."""
    import dj_database_url

    if "://" not in url:
        raise ConfigurationError(
            f"{variable} is malformed: {url!r} is not a URL such as "
            "postgres://user:password@host:5432/name or sqlite:///var/xiaobao.sqlite3."
        )
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    except (ValueError, KeyError) as error:
        raise ConfigurationError(f"{variable} is malformed: {error}.") from error
    engine = config.get("ENGINE", "")
    if engine.endswith("sqlite3"):
        # WAL lets readers work while one writer commits; IMMEDIATE makes a
        # write transaction take the lock at BEGIN so it never deadlocks on upgrade.
        config["CONN_MAX_AGE"] = 0
        config.pop("CONN_HEALTH_CHECKS", None)
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
            "transaction_mode": "IMMEDIATE",
        }
    elif "postgresql" not in engine:
        raise ConfigurationError(f"{variable} names an unsupported database {engine!r}: use postgres:// or sqlite://.")
    else:
        config["ENGINE"] = "xiaobao.ops.postgresql"  # Django's, with a health check that costs no round trip
    if not config.get("NAME"):
        raise ConfigurationError(f"{variable} is malformed: it names no database.")
    return config


def parse_keyring(raw: str, *, variable: str) -> dict[str, bytes]:
    """``id:base64key,id:base64key`` — the first entry is the key new data is encrypted with."""
    keys: dict[str, bytes] = {}
    for entry in (item.strip() for item in raw.split(",")):
        if not entry:
            continue
        key_id, sep, encoded = entry.partition(":")
        if not sep or not key_id.isalnum():
            raise ConfigurationError(f"{variable} is malformed: each entry is KEYID:BASE64KEY (KEYID letters/digits).")
        try:
            key = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        except ValueError as error:
            raise ConfigurationError(f"{variable}: key {key_id!r} is not base64.") from error
        if len(key) != 32:
            raise ConfigurationError(f"{variable}: key {key_id!r} must be 32 bytes (256 bits), got {len(key)}.")
        if key_id in keys:
            raise ConfigurationError(f"{variable}: key id {key_id!r} appears twice.")
        keys[key_id] = key
    if not keys:
        raise ConfigurationError(f"{variable} holds no key.")
    return keys


def new_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")


def development_secrets(var_dir: Path) -> dict[str, str]:
    """Secrets for development, generated once under ``var/`` (never committed) and reused."""
    path = var_dir / "development-secrets.json"
    if path.exists():
        loaded: dict[str, str] = json.loads(path.read_text())
        return loaded
    var_dir.mkdir(parents=True, exist_ok=True)
    generated = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "XIAOBAO_ENCRYPTION_KEYS": f"dev1:{new_key()}",
        "XIAOBAO_BLIND_INDEX_KEY": new_key(),
    }
    # Written to a private temporary file and renamed into place, so a second
    # process starting at the same moment reads a whole file or makes its own
    # and the first rename wins for both.
    temporary = var_dir / f".development-secrets.{os.getpid()}.tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(generated, handle, indent=2)
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
    winner: dict[str, str] = json.loads(path.read_text())
    return winner
