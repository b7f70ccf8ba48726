"""Typed errors. Each carries an i18n message key and the values to fill it,
so the UI can show it in the user's language."""
from __future__ import annotations


class LapeError(Exception):
    key = "error.generic"

    def __init__(self, key: str | None = None, **params):
        self.key = key or self.key
        self.params = params
        super().__init__(f"{self.key} {params}" if params else self.key)


class ValidationError(LapeError):
    """Input refused. `field` names the form field the message belongs to."""

    key = "error.invalid"

    def __init__(self, key: str | None = None, field: str | None = None, **params):
        self.field = field
        super().__init__(key, field=field, **params)


class NotFound(LapeError):
    key = "error.not_found"


class ConflictError(LapeError):
    """A save over a newer version. `current` is the row as it is now."""

    key = "error.conflict"

    def __init__(self, by: str, at: str, current: dict | None = None, key: str | None = None, **params):
        self.by = by
        self.at = at
        self.current = current or {}
        super().__init__(key, by=by, at=at, **params)


def require_version(row: dict, expected_version) -> None:
    """Refuse a save made on a screen that showed an older version of `row`."""
    if row["version"] != expected_version:
        raise ConflictError(by=row["updated_by"], at=row["updated_at"], current=row)


class PermissionDenied(LapeError):
    key = "error.permission"


class ImportRejected(LapeError):
    """A whole file refused. `problems` lists (sheet_or_file, row, reason)."""

    key = "error.import_rejected"

    def __init__(self, problems: list[tuple], key: str | None = None, **params):
        self.problems = problems
        super().__init__(key, count=len(problems), **params)
