"""The branch hierarchy: head office → provincial branch → city branch → outlet.

CMP-T3 asks for approval by "the higher-level office", so the hierarchy is
part of the law, not decoration.
"""

from __future__ import annotations

from enum import IntEnum

from xiaobao.kernel.errors import InvalidInput
from xiaobao.kernel.i18n import _


class BranchLevel(IntEnum):
    HEAD_OFFICE = 1
    PROVINCIAL = 2
    CITY = 3
    OUTLET = 4


class BranchHierarchyError(InvalidInput):
    code = "branch_hierarchy"
    default_message = _("A branch must sit directly below a branch one level higher of the same insurer.")


def check_parent(*, level: BranchLevel, parent_level: BranchLevel | None, same_insurer: bool) -> None:
    """A head office has no parent; every other branch sits one level below its parent."""
    if level is BranchLevel.HEAD_OFFICE:
        if parent_level is not None:
            raise BranchHierarchyError(_("A head office cannot have a parent branch."))
        return
    if parent_level is None or not same_insurer or parent_level != level - 1:
        raise BranchHierarchyError()
