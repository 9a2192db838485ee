"""How much a person may send at once: the limits every upload path shares, from the request's first byte
(ops.limits) to the file checks of each case type (complaints.domain.files)."""

from __future__ import annotations

MAX_FILE_BYTES = 10 * 1024 * 1024
"""One file: a phone photo or a scanned PDF of a few pages fits."""

MAX_FILES = 5
"""Files in one submission."""
