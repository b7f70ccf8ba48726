"""Typed errors. Each carries an i18n message key and the values to fill it,
so the UI can show it in the user's language."""

from __future__ import annotations

from dataclasses import dataclass, field


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


@dataclass(frozen=True)
class Term:
    """A value of a problem's message that is itself text of the catalogue (an item type,
    the allowed labels): translated with the message, the keys joined with ", "."""

    keys: tuple[str, ...]

    def __init__(self, *keys: str):
        object.__setattr__(self, "keys", keys)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an imported file: where (file or sheet; "" for the whole
    upload), the row ("" or 0 when none), and the reason as a message key and its values.
    Translated where it is shown (`i18n.error_text`, `text`), so one problem reads in the
    language of each screen and of the command line."""

    where: str
    row: int | str
    key: str
    params: dict = field(default_factory=dict)

    @classmethod
    def of(cls, where: str, row: int | str, err: LapeError) -> Problem:
        """A typed error met on a row (a validation of the app's own rules)."""
        return cls(where, row, err.key, dict(err.params))

    def text(self, lang: str) -> str:
        from . import i18n

        return i18n.error_text(self, lang)


class ImportRejected(LapeError):
    """A whole file refused. `problems` lists every Problem found."""

    key = "error.import_rejected"

    def __init__(self, problems: list[Problem], key: str | None = None, **params):
        if not all(isinstance(p, Problem) for p in problems):  # one shape, so every screen can translate it
            raise TypeError("ImportRejected takes Problem items")
        self.problems = problems
        super().__init__(key, count=len(problems), **params)


class UsageError(Exception):
    """A command-line argument that names nothing (an organisation code, a user): its English
    message is printed as one line and the command exits with status 2, as for LapeError."""
