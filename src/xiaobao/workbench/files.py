"""Files a reader may see, served through the access check of their case (never a public URL); the machinery
is shared with the public pages (``xiaobao.web.files``)."""

from __future__ import annotations

from xiaobao.web.files import FILE_CONTENT_SECURITY_POLICY, damaged_file, stored_file

__all__ = ["FILE_CONTENT_SECURITY_POLICY", "damaged_file", "stored_file"]
