"""The house rules of DESIGN.md, read off the source tree with ``ast``: one read gate, one writer.

- **One gate.** A tenant model (one that belongs to an insurer, directly or through its case, and the
  consumer's personal record) is read through ``Model.objects`` only in ``access`` and ``selectors``
  modules — and in the actions, which fetch through the gate and then lock what they change.
- **One writer.** ``create``/``update``/``delete``/``bulk_*``/``get_or_create``/``update_or_create`` on a
  model's manager, on a queryset or on a related manager, and ``.save()``/``.delete()`` on anything, happen
  only in ``actions`` modules.
- **No way around the gate.** Raw SQL (``connection.cursor()``, ``connection.prepared_cursor()``, ``.raw()``, ``.extra()``) only in gates.

Names are resolved through import aliases and module-qualified references (``models.Complaint``).

What is neither is listed in ``ALLOWED`` with the reason; the list is short on purpose.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

MANAGERS = frozenset({"objects", "_default_manager", "_base_manager"})
MANAGER_WRITES = frozenset(
    {"create", "update", "delete", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
)
INSTANCE_WRITES = frozenset({"save", "delete"})
ALWAYS_WRITES = frozenset({"bulk_create", "bulk_update", "get_or_create", "update_or_create"})
WRITES_WITH_KEYWORDS = frozenset({"create", "update"})  # dict.update(other) has none; queryset.update(x=1) has
RAW_SQL = frozenset({"cursor", "prepared_cursor", "raw", "extra"})


@dataclass(frozen=True, order=True)
class Violation:
    module: str
    line: int
    rule: str  # "read" | "write"
    what: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line}: {self.rule} {self.what}"


def module_kind(relative: str) -> str:
    """'gate', 'writer', 'models' or 'other', from the module's path inside the package."""
    parts = relative.split("/")
    name = parts[-1]
    if name in {"access.py", "selectors.py"}:
        return "gate"
    if name == "actions.py" or "actions" in parts[:-1]:
        return "writer"
    if name == "models.py":
        return "models"
    return "other"


def _named(node: ast.expr) -> str | None:
    """``Complaint`` for ``Complaint`` and for ``models.Complaint`` (a module-qualified name)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _manager_model(node: ast.expr) -> str | None:
    """``Model`` when ``node`` is ``Model.objects`` (or another manager, or ``Model._meta.default_manager``)."""
    if not isinstance(node, ast.Attribute):
        return None
    if node.attr in MANAGERS:
        return _named(node.value)
    meta = node.value
    if node.attr in {"default_manager", "base_manager"} and isinstance(meta, ast.Attribute) and meta.attr == "_meta":
        return _named(meta.value)
    return None


def _chain_model(node: ast.expr) -> str | None:
    """The model at the root of a queryset chain such as ``Model.objects.filter(...).select_related(...)``."""
    while True:
        found = _manager_model(node)
        if found is not None:
            return found
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            node = node.value
        else:
            return None


def _is_file_storage(receiver: ast.expr) -> bool:
    """``storage.save()`` and ``default_storage.delete()`` are Django's file-storage API, not rows."""
    name = receiver.attr if isinstance(receiver, ast.Attribute) else getattr(receiver, "id", "")
    return str(name).endswith("storage")


def violations_in(
    source: str, relative: str, tenant_models: Iterable[str], models: Iterable[str]
) -> Iterator[Violation]:
    kind = module_kind(relative)
    if kind == "writer":
        return
    tree = ast.parse(source, filename=relative)
    aliases = _aliases(tree)
    tenant = set(tenant_models) | {alias for alias, name in aliases.items() if name in set(tenant_models)}
    every = set(models) | {alias for alias, name in aliases.items() if name in set(models)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            method = node.func.attr
            model = _chain_model(node.func.value)
            if method in MANAGER_WRITES and model in every:
                yield Violation(relative, node.lineno, "write", f"{aliases.get(model, model)}.objects…{method}()")
            elif method in INSTANCE_WRITES and model is None and not _is_file_storage(node.func.value):
                yield Violation(relative, node.lineno, "write", f"{ast.unparse(node.func.value)}.{method}()")
            elif method in ALWAYS_WRITES or (method in WRITES_WITH_KEYWORDS and node.keywords):
                # a queryset from a gate, a related manager (``complaint.attachments.create(...)``): still a write
                yield Violation(relative, node.lineno, "write", f"{ast.unparse(node.func.value)}.{method}()")
            elif method in RAW_SQL and kind != "gate":
                yield Violation(relative, node.lineno, "read", f"{ast.unparse(node.func.value)}.{method}()")
        if kind in {"gate", "models"}:
            continue
        read = _manager_model(node) if isinstance(node, ast.expr) else None
        if read in tenant:
            yield Violation(relative, node.lineno, "read", f"{aliases.get(read, read)}.objects")


def _aliases(tree: ast.Module) -> dict[str, str]:
    """``{"C": "Complaint"}`` for ``from xiaobao.complaints.models import Complaint as C``."""
    return {
        alias.asname: alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.asname
    }


def tree_violations(package: Path, tenant_models: Iterable[str], models: Iterable[str]) -> list[Violation]:
    found: list[Violation] = []
    tenant, every = sorted(tenant_models), sorted(models)
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package).as_posix()
        if "/migrations/" in f"/{relative}":
            continue
        found.extend(violations_in(path.read_text(encoding="utf-8"), relative, tenant, every))
    return sorted(set(found))
