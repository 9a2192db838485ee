"""The current request id: set by the request-id middleware, read by the audit log's ``record()`` and the reveal log."""

from __future__ import annotations

from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("xiaobao_request_id", default="")
