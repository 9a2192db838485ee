"""Re-encrypt every encrypted column, and re-wrap every stored file, under the newest key (``manage.py rotate_keys``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import connection, transaction

from xiaobao.kernel.errors import DamagedFile
from xiaobao.ops.stored_files import OWNERS, stored_names
from xiaobao.privacy.fields import EncryptedTextField
from xiaobao.privacy.keys import keyring
from xiaobao.privacy.storage import default_encrypted_storage


@dataclass(frozen=True)
class RotationResult:
    column: str
    examined: int
    reencrypted: int


def encrypted_columns() -> list[tuple[type, EncryptedTextField]]:
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                found.append((model, field))
    return found


def rotate_all(batch_size: int = 500) -> list[RotationResult]:
    return [rotate_column(model, field, batch_size) for model, field in encrypted_columns()]


def rotate_column(model: type, field: EncryptedTextField, batch_size: int) -> RotationResult:
    ring = keyring()
    context = field.encryption_context()
    meta = model._meta  # type: ignore[attr-defined]
    table, column, pk_column = meta.db_table, field.column, meta.pk.column
    quote = connection.ops.quote_name
    examined = reencrypted = 0
    last_pk = None
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            sql = f"SELECT {quote(pk_column)}, {quote(column)} FROM {quote(table)} WHERE {quote(column)} IS NOT NULL"  # noqa: S608  (quoted identifiers from model metadata)
            params: list[int | str] = []
            if last_pk is not None:
                sql += f" AND {quote(pk_column)} > %s"
                params.append(last_pk)
            sql += f" ORDER BY {quote(pk_column)} LIMIT {int(batch_size)}"
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            for pk, token in rows:
                examined += 1
                if not ring.is_current(token):
                    fresh = ring.encrypt(ring.decrypt(token, context=context), context=context)
                    cursor.execute(
                        f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE {quote(pk_column)} = %s",  # noqa: S608
                        [fresh, pk],
                    )
                    reencrypted += 1
        if len(rows) < batch_size:
            break
        last_pk = rows[-1][0]
    return RotationResult(column=f"{table}.{column}", examined=examined, reencrypted=reencrypted)


@dataclass(frozen=True)
class FileRotationResult:
    examined: int
    rewrapped: int
    encrypted: int
    damaged: list[str]
    vanished: list[str]


def rotate_files() -> FileRotationResult:
    """Every stored upload brought under the newest key: an encrypted file gets its data key sealed anew (its
    content is not re-encrypted); a file stored before encryption (no header) is encrypted in place. A file
    that cannot be read is named, left as it is, and the rest go on; so is one deleted while the rotation ran
    (``upload_orphans``, an erasure): it is not brought back."""
    storage = default_encrypted_storage()
    counts = {"current": 0, "rewrapped": 0, "encrypted": 0}
    damaged: list[str] = []
    vanished: list[str] = []
    for folder in sorted(OWNERS):
        for name in stored_names(storage, folder):
            if name.rsplit("/", 1)[-1].startswith("."):  # a replacement in progress (or left by a crash)
                continue
            try:
                counts[storage.rotate(name)] += 1
            except DamagedFile:
                damaged.append(name)
            except FileNotFoundError:
                vanished.append(name)
    return FileRotationResult(
        examined=sum(counts.values()) + len(damaged) + len(vanished),
        rewrapped=counts["rewrapped"],
        encrypted=counts["encrypted"],
        damaged=damaged,
        vanished=vanished,
    )
