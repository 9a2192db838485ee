"""An encrypted text field (SEC-1, PI-4).

Values are encrypted on the way to the database and decrypted on the way
back. The database never holds plaintext; it cannot be searched or sorted
(use a blind-index column next to it for exact lookup).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldError
from django.db import models

from xiaobao.privacy.keys import keyring


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    description = "Text encrypted with AES-GCM; key id stored with the ciphertext"

    def encryption_context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None:
            return None
        return keyring().decrypt(value, context=self.encryption_context())

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        if value is None:
            return None
        return keyring().encrypt(str(value), context=self.encryption_context())

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            raise FieldError(
                f"{self.model.__name__}.{self.name} is encrypted: look it up through its blind index, "
                f"not with __{lookup_name}."
            )
        return super().get_lookup(lookup_name)

    def get_transform(self, lookup_name: str) -> Any:
        raise FieldError(f"{self.model.__name__}.{self.name} is encrypted and has no transforms.")
