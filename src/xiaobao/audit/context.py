"""The current request id, set by middleware and read by ``record()``."""

from __future__ import annotations

from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("xiaobao_request_id", default="")
