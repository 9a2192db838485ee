"""The texts the server rendered with a read-aloud player (INC-E2)."""

from __future__ import annotations

from django.db import models

from xiaobao.privacy.fields import EncryptedTextField


class SpokenText(models.Model):
    """A text a page showed with a player, under its speech key (INC-E2): only these are ever spoken.

    The key is an HMAC of the text (``speech.domain.keys``), so the row never changes once written. The
    text may be a decision about a person, so it is stored encrypted like the complaint it came from. The
    audio itself is not kept here: it is derived, cached on disk by ``speech.engine``, and can be deleted
    at any time."""

    key = models.CharField(max_length=64, primary_key=True)
    voice = models.CharField(max_length=16)
    language = models.CharField(max_length=16)
    text = EncryptedTextField()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "spoken text"

    def __str__(self) -> str:
        return self.key
