"""The shell around espeak-ng (INC-E2): run it, keep its WAV under the text's key.

espeak-ng is Debian's ``espeak-ng`` package: local, no network, nothing fetched at run time. It is run
without a shell, the text on its standard input (never on the command line, where ``ps`` would show it and
a leading ``-`` would read as an option), WAV on its standard output. The audio is kept in a
content-addressed directory (``<speech dir>/ab/abcdef….wav``), encrypted like every upload (issue #19: it
speaks a decision about a person), written to a temporary file and moved into place, so a reader never sees
half a file and two processes making the same audio both end with one whole. A cached file that does not
open (damaged, stored before encryption, or sealed by a key since taken out of the ring) is made again.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.files.base import File

from xiaobao.kernel.errors import DamagedFile
from xiaobao.privacy.storage import EncryptedStorage
from xiaobao.speech.domain.keys import speech_key, speech_secret
from xiaobao.speech.domain.voices import Voice
from xiaobao.speech.domain.wav import with_true_sizes

TIMEOUT_SECONDS = 15  # a 300-character piece takes under half a second here


class EngineMissing(RuntimeError):
    """espeak-ng is not installed: the page offers the browser's own voice instead."""


def engine() -> str | None:
    """The espeak-ng executable, or None when this machine has none."""
    return shutil.which(str(getattr(settings, "XIAOBAO_ESPEAK_NG", "espeak-ng")))


def speech_dir() -> Path:
    return Path(getattr(settings, "XIAOBAO_SPEECH_DIR", settings.VAR_DIR / "speech"))


def key_of(*, voice: Voice, text: str) -> str:
    secret = speech_secret(settings.XIAOBAO_BLIND_INDEX_KEY)
    return speech_key(secret, language=voice.language, voice=voice.engine_name, text=text)


def audio_name(key: str) -> str:
    return f"{key[:2]}/{key}.wav"


def speech_storage() -> EncryptedStorage:
    """The speech cache: encrypted files under the speech directory."""
    return EncryptedStorage(
        {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(speech_dir())}}
    )


def synthesised(*, voice: str, text: str) -> bytes:
    """The WAV of ``text`` in ``voice``, made now."""
    executable = engine()
    if executable is None:
        raise EngineMissing("espeak-ng is not installed (scripts/apt-install.sh espeak-ng)")
    finished = subprocess.run(  # noqa: S603  (a fixed argument list, no shell, the text on stdin)
        [executable, "-v", voice, "--stdout"],
        input=text.encode("utf-8"),
        capture_output=True,
        timeout=TIMEOUT_SECONDS,
        check=True,
    )
    return with_true_sizes(finished.stdout)


def cached_audio(*, key: str, voice: str, text: str) -> File:  # type: ignore[type-arg]
    """The WAV of ``text``, open for reading (seekable, ``size`` in bytes): made on first call, found on every
    later one."""
    storage, name = speech_storage(), audio_name(key)
    if storage.exists(name):
        try:
            return storage.open(name, "rb")
        except DamagedFile:
            pass  # a cache: made again below
    storage.put(name, io.BytesIO(synthesised(voice=voice, text=text)))
    return storage.open(name, "rb")
