"""The shell around espeak-ng (INC-E2): run it, keep its WAV under the text's key.

espeak-ng is Debian's ``espeak-ng`` package: local, no network, nothing fetched at run time. It is run
without a shell, the text on its standard input (never on the command line, where ``ps`` would show it and
a leading ``-`` would read as an option), WAV on its standard output. The audio is kept in a
content-addressed directory (``<speech dir>/ab/abcdef….wav``), written to a temporary file and moved into
place, so a reader never sees half a file and two processes making the same audio both end with one whole.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings

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


def audio_path(key: str) -> Path:
    return speech_dir() / key[:2] / f"{key}.wav"


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


def cached_audio(*, key: str, voice: str, text: str) -> Path:
    """The file holding the WAV of ``text``: made on first call, found on every later one."""
    path = audio_path(key)
    if path.exists():
        return path
    audio = synthesised(voice=voice, text=text)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(audio)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
