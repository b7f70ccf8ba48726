"""Enums and small value types shared across the package."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class OrgKind(StrEnum):
    MUNICIPALITY = "municipality"
    COUNTY = "county"
    NGO = "ngo"
    PARISH = "parish"
    OTHER = "other"


class Scope(StrEnum):
    SHARED = "shared"  # the whole plan area
    LOCAL = "local"  # only the listed municipalities


class Role(StrEnum):
    ADMIN = "admin"
    FACILITATOR = "facilitator"
    MEMBER = "member"
    VIEWER = "viewer"


@dataclass(frozen=True)
class Actor:
    """Who does something. `org_ids` are the organisations a member answers for."""

    name: str
    role: Role = Role.VIEWER  # least privilege: participants, the setup form and anyone unnamed
    user_id: int | None = None
    org_ids: frozenset[int] = field(default_factory=frozenset)


SYSTEM = Actor(name="system", role=Role.ADMIN)

LANGS = ("fi", "sv", "en")
TITLE_MAX = 300
TEXT_MAX = 4000
