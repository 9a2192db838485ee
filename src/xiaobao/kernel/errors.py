"""Domain errors: what went wrong, in words a person can act on.

Each error has a stable ``code`` (for the API and tests) and a ``message``
(an English msgid, translated at the boundary) with ``params`` to fill in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from xiaobao.kernel.i18n import _


class DomainError(Exception):
    """Base of every refusal the domain gives; HTTP status is chosen at the boundary."""

    code: ClassVar[str] = "domain_error"
    default_message: ClassVar[str] = _("The request cannot be carried out.")

    def __init__(self, message: str | None = None, **params: object) -> None:
        self.message = message or self.default_message
        self.params: Mapping[str, object] = params
        super().__init__(self.message % params if params else self.message)


class NotFound(DomainError):
    """Not found and not allowed give the same answer (DESIGN.md access)."""

    code = "not_found"
    default_message = _("Nothing was found with that reference, or you may not see it.")


class PermissionDenied(DomainError):
    """The actor may see the object but not do this to it."""

    code = "permission_denied"
    default_message = _("You are not allowed to do this.")


class InvalidInput(DomainError):
    code = "invalid_input"
    default_message = _("The information given is not valid.")


class TransitionNotAllowed(DomainError):
    code = "transition_not_allowed"
    default_message = _("This step is not allowed in the current state.")


class DamagedFile(Exception):
    """A stored file fails its integrity check — changed, cut short, appended to, or stored unencrypted where
    encryption is required — so none of it is served (issue #19). Not a refusal of the person asking: the
    stored copy is at fault, and the message (for the log, not the page) says which file and how."""
