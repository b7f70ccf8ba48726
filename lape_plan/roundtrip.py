"""Excel round trip: an exported plan workbook (or blank template), edited in a
spreadsheet, comes back. `preview` says what would be added, changed, left alone and
what conflicts with a newer edit in the app; `apply` does the same in one write
transaction through the `plans` (and `follow_up`) functions, which write the audit rows.

A file with any bad row is refused whole: every problem is listed with its sheet,
row and reason (an `errors.Problem`, translated where it is shown), and nothing is
written. A row whose version is older than the database's and whose values differ
from it is a conflict: it is listed with who changed it and left alone, never applied.
A row the person may not change (another organisation's item) is listed as not
permitted and left alone; the rows they may change are applied."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace

from sqlite_utils import Database

from . import auth, budget, follow_up, i18n, plans, validation
from .db import write
from .errors import ImportRejected, LapeError, NotFound, PermissionDenied, Problem, Term
from .exports import DATA_COLUMNS, DATA_SHEETS, FORMAT, META_SHEET, header
from .model import LANGS, Actor, Role
from .xlsx import ReadLimits, Refused, RowBudget, open_workbook

log = logging.getLogger(__name__)

# Columns a data sheet must have (ids plus what is read from it).
REQUIRED = {
    "focus_areas": ("id", "version", "title_fi", "title_sv", "description"),
    "goals": ("id", "version", "title_fi", "title_sv", "description"),
    "measures": (
        "id",
        "version",
        "goal_id",
        "title_fi",
        "title_sv",
        "description",
        "responsible",
        "start_year",
        "end_year",
        "resources_text",
        "resources_eur",
    ),
    "follow_up": ("entity", "item_id", "year", "status", "progress", "narrative", "evidence_url", "version"),
    "budget": (
        "measure_id",
        "year",
        "planned_eur",
        "actual_eur",
        "funding_source",
        "spending_kind",
        "direct_share",
        "version",
    ),
}
_ENTITY = {"focus_areas": "focus_area", "goals": "goal", "measures": "measure"}


@dataclass
class Change:
    sheet: str
    row: int
    entity: str
    item_id: int | None
    title: str
    fields: dict = field(default_factory=dict)  # field -> (before, after), display values
    year: int | None = None
    by: str = ""
    at: str = ""
    number: str = ""  # the item's number in the plan ("2.3"), "" when it has none (deleted, new)


@dataclass
class Result:
    plan_id: int
    added: list[Change] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    conflicts: list[Change] = field(default_factory=list)
    not_permitted: list[Change] = field(default_factory=list)  # rows of items the person may not change
    unchanged: int = 0
    applied: bool = False


class _Rollback(Exception):
    """Ends a preview: everything was tried inside the transaction, and is undone."""


t = i18n.t


def upload_refusal(db: Database, actor: Actor, plan_id: int) -> str | None:
    """Why `actor` could change nothing in the plan by a file (a message key), or None when
    some item is theirs to change: a viewer, or a member none of whose organisations answers
    for any item. The upload is then not offered; `apply` checks each row anyway."""
    try:
        auth.require_plan_editor(actor)
        return None
    except PermissionDenied:
        pass
    if actor.role == Role.VIEWER:
        return "friction.rt.viewer"
    if any(follow_up.may_edit(actor, item) for item in follow_up.items(db, plan_id)):
        return None
    return "friction.rt.no_items"


def change_marker(db: Database) -> int:
    """Grows with every write (each writes an audit row): a preview computed at the same
    marker is still exact."""
    return db.execute("select coalesce(max(id), 0) from audit").fetchone()[0]


def preview(db: Database, actor: Actor, data: bytes, lang: str = "fi") -> Result:
    """What `apply` would do, without writing. Raises ImportRejected for a bad file."""
    return _run(db, actor, data, lang, commit=False)


def apply(db: Database, actor: Actor, data: bytes, lang: str = "fi") -> Result:
    """Write the file's additions and changes in one transaction; conflicts are skipped."""
    return _run(db, actor, data, lang, commit=True)


# ---------------------------------------------------------------- reading the file
@dataclass
class _Sheet:
    key: str
    title: str
    rows: list[tuple[int, dict]]  # (row number, column key -> value)


# What a plan workbook can hold. The largest plan measured (1,000 goals, 3,000 measures,
# 5 years of statuses, a sheet for each of 10 municipalities) unpacks to 65 MB and has
# 21,749 data rows; its biggest sheet is 16 MB of XML. The caps are checked on the zip
# directory and while streaming, before any data is kept (see lape_plan.xlsx).
MAX_UNPACKED = 150_000_000  # bytes of XML inside the zip
MAX_FILE = 50_000_000  # bytes of the file itself (the largest plan's workbook is 5.3 MB)
LIMITS = ReadLimits(unpacked=MAX_UNPACKED, sheet=64_000_000, part=30_000_000, rows=60_000, cells=900_000, cols=64)
META_ROWS = 50  # the _lape sheet has seven


def too_large(size: int) -> Refused:
    return Refused("uploads.file_too_large", size=f"{size / 1_000_000:.0f}", max=f"{MAX_FILE / 1_000_000:.0f}")


def _refused(err: Refused, lang: str) -> ImportRejected:
    return ImportRejected([Problem.of(err.params.get("sheet", ""), 0, err)])


def _load(data: bytes, lang: str) -> tuple[dict, list[_Sheet]]:
    """Check the file's size, origin and shape before reading its data: the zip directory,
    then (streaming) the hidden _lape sheet and the declared size of each data sheet, then
    the data sheets row by row, counting rows and cells."""
    limits = replace(LIMITS, unpacked=MAX_UNPACKED)
    if len(data) > MAX_FILE:
        raise _refused(too_large(len(data)), lang)
    try:
        wb = open_workbook(data, limits)
    except Refused as err:
        raise _refused(err, lang) from None
    try:
        return _read(wb, lang, RowBudget(limits))
    except Refused as err:
        raise _refused(err, lang) from None
    finally:
        wb.close()


def _read(wb, lang: str, budget: RowBudget) -> tuple[dict, list[_Sheet]]:
    if META_SHEET not in wb.sheetnames:
        raise ImportRejected([Problem("", 0, "export.rt.not_ours")])
    meta: dict = {}  # name -> cell value
    for _, row in budget.rows_of(wb[META_SHEET], max_row=META_ROWS, values_only=True):
        if row and row[0]:
            meta[str(row[0])] = row[1] if len(row) > 1 else None
    if meta.get("format") != FORMAT or meta.get("lang") not in LANGS:
        raise ImportRejected([Problem(META_SHEET, 0, "export.rt.bad_format", {"format": meta.get("format") or "–"})])
    try:
        meta["plan_id"] = int(meta.get("plan_id", ""))  # missing: ValueError, as for empty
    except (TypeError, ValueError):
        raise ImportRejected([Problem(META_SHEET, 0, "export.rt.bad_format", {"format": FORMAT})]) from None
    problems = []
    expected = [s for s in str(meta.get("sheets") or "").split("\n") if s]
    actual = [s for s in wb.sheetnames if s != META_SHEET]
    missing = [name for name in expected if name not in actual]
    for pos, name in enumerate(expected):
        if pos < len(actual) and actual[pos] == name:
            continue
        if name in actual:
            if missing:  # the positions follow from the missing sheet; report that alone
                continue
            problems.append(
                Problem(name, 0, "export.rt.sheet_moved", {"position": pos + 1, "now": actual.index(name) + 1})
            )
        else:
            found = actual[pos] if pos < len(actual) and actual[pos] not in expected else "–"
            problems.append(Problem(name, 0, "export.rt.sheet_missing", {"found": found}))
    if problems:
        raise ImportRejected(problems)
    file_lang = meta["lang"]
    if not str(meta.get("data_sheets") or "").strip():
        raise ImportRejected([Problem("", 0, "export.rt.no_data_sheets")])
    wanted = []
    for line in str(meta.get("data_sheets") or "").split("\n"):
        key, _, title = line.partition("=")
        if key in DATA_SHEETS and title not in wb.sheetnames:  # the _lape sheet edited by hand
            raise ImportRejected([Problem(title, 0, "export.rt.sheet_missing", {"found": "–"})])
        if key in DATA_SHEETS:
            wanted.append((key, wb[title]))
    for _, ws in wanted:  # every declared size first: a huge sheet is refused before any is read
        budget.check_declared(ws)
    sheets = [_read_sheet(ws, key, file_lang, lang, problems, budget) for key, ws in wanted]
    if problems:
        raise ImportRejected(problems)
    return meta, sheets


def _percent_format(number_format) -> bool:
    """Whether a cell's number format shows its value times 100: "40 %" typed in Excel or
    LibreOffice is stored as 0.4 with "0%". A % in quotes or escaped (the export's own
    '0" %"') or inside [...] is only a sign."""
    quoted = escaped = bracket = False
    for ch in str(number_format or ""):
        if escaped:
            escaped = False
        elif quoted:
            quoted = ch != '"'
        elif bracket:
            bracket = ch != "]"
        elif ch == "\\":
            escaped = True
        elif ch == '"':
            quoted = True
        elif ch == "[":
            bracket = True
        elif ch == "%":
            return True
    return False


def _percent(value):
    """A fraction shown as a percentage, as the percent it shows; rounded, so 0.07 is 7, not 7.000000000000001."""
    value = round(float(value) * 100, 9)
    return int(value) if value.is_integer() else value


def _read_sheet(ws, key: str, file_lang: str, lang: str, problems: list, budget: RowBudget) -> _Sheet:
    by_header = {header(c.key, file_lang).strip().lower(): c.key for c in DATA_COLUMNS[key]}
    percents = {c.key for c in DATA_COLUMNS[key] if c.kind == "percent"}
    columns: dict[int, str] = {}  # 0-based position -> column key
    rows = []
    for number, cells in budget.rows_of(ws):
        if number == 1:
            for pos, cell in enumerate(cells):
                col_key = by_header.get(str(cell.value or "").strip().lower())
                if col_key and col_key not in columns.values():
                    columns[pos] = col_key
            for missing in [c for c in REQUIRED[key] if c not in columns.values()]:
                problems.append(
                    Problem(ws.title, 1, "export.rt.column_missing", {"column": header(missing, file_lang)})
                )
            continue
        values: dict = {}  # column key -> value, as _Sheet.rows holds them
        for pos, cell in enumerate(cells):
            col_key = columns.get(pos)
            if not col_key:
                continue
            if cell.data_type == "f" and col_key not in REQUIRED[key]:
                continue  # a formula in a column that is only there to read does no harm: not imported
            if cell.data_type == "f":  # reported with the row's other problems, and the row is not used
                values.setdefault("_formula", {"column": header(col_key, file_lang)})
                continue
            value = cell.value
            if (
                col_key in percents
                and isinstance(value, (int, float))
                and not isinstance(value, bool)
                and _percent_format(cell.number_format)
            ):
                value = _percent(value)
            values[col_key] = value.strip() if isinstance(value, str) else value
        if "_formula" in values or any(v not in (None, "") for k, v in values.items() if k in REQUIRED[key]):
            rows.append((number, values))
    return _Sheet(key, ws.title, rows)


# ---------------------------------------------------------------- checking and applying
class _Bad(Exception):
    """A bad value in a row: the reason's message key and values (see errors.Problem)."""

    def __init__(self, key: str, **params):
        self.key = key
        self.params = params


def _int(values: dict, key: str, lang: str, file_lang: str) -> int | None:
    value = values.get(key)
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise _Bad("export.rt.not_integer", column=header(key, file_lang), value=value)
    try:
        number = validation.integer(value)
        if not -(2**63) <= number < 2**63:  # what SQLite can hold
            raise ValueError(value)
        return number
    except (ValueError, OverflowError):
        raise _Bad("export.rt.not_integer", column=header(key, file_lang), value=value) from None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class _Run:
    def __init__(self, db: Database, actor: Actor, meta: dict, lang: str):
        self.db, self.actor, self.lang, self.file_lang = db, actor, lang, meta["lang"]
        self.plan = plans.get_plan(db, meta["plan_id"])
        self.result = Result(self.plan["id"])
        self.problems: list[Problem] = []
        self.orgs = {o["id"]: o for o in plans.organisations(db, self.plan["id"])}
        # Name or code -> ids: two organisations may share a name (or one's Swedish name is
        # another's Finnish name), so a name can point to several.
        self.org_by_name: dict[str, set[int]] = {}
        for o in self.orgs.values():
            for name in (o["name_fi"], o["name_sv"], o["code"]):
                if name:
                    self.org_by_name.setdefault(name.strip().lower(), set()).add(o["id"])
        ids: dict[str, set[int]] = {"focus_area": set(), "goal": set(), "measure": set()}
        self.measure_titles: dict[int, dict[str, list[int]]] = {}  # goal -> title -> measure ids
        self.measure_org: dict[int, int | None] = {}  # measure -> its responsible organisation
        self.added_rows: dict[int, int] = {}  # measure added by this file -> its row
        # The numbers people quote ("2.3"), as the follow-up numbers the plan's items.
        self.numbers = {(i["entity"], i["id"]): i["number"] for i in follow_up.items(db, self.plan["id"])}
        for a_i, area in enumerate(plans.tree(db, self.plan["id"]), 1):
            self.numbers[("focus_area", area["id"])] = str(a_i)
            ids["focus_area"].add(area["id"])
            for goal in area["goals"]:
                ids["goal"].add(goal["id"])
                titles = self.measure_titles[goal["id"]] = {}
                for m in goal["measures"]:
                    ids["measure"].add(m["id"])
                    self.measure_org[m["id"]] = m["responsible_org_id"]
                    titles.setdefault((m["title_fi"] or "").strip().lower(), []).append(m["id"])
        self.ids = ids

    # -- display
    def _change(
        self, sheet: _Sheet, row: int, entity: str, item_id: int | None, title: str, fields: dict, **kwargs
    ) -> Change:
        return Change(
            sheet.title, row, entity, item_id, title, fields, number=self.numbers.get((entity, item_id), ""), **kwargs
        )

    def _write(self, change: Change, fn, *args, **kwargs) -> bool:
        """Apply one row through the app's own write function; a row of an item this person
        may not change is listed as not permitted and left alone (the function checks before
        it writes anything)."""
        try:
            fn(self.db, self.actor, *args, **kwargs)
        except PermissionDenied:
            self.result.not_permitted.append(change)
            return False
        return True

    def _show(self, key: str, value) -> str:
        if value is None or value == "":
            return ""
        if key == "responsible_org_id":
            return plans.org_name(self.orgs[value], self.lang) if value in self.orgs else str(value)
        if key == "status":
            return i18n.t(f"follow_up.status.{value}", self.lang)
        if isinstance(value, float):
            return i18n.number(value, self.lang)
        return str(value)

    def _field_name(self, key: str) -> str:
        name = {"responsible_org_id": "responsible"}.get(key, key)
        return header(name, self.lang)

    # -- plan items
    def item_row(self, sheet: _Sheet, number: int, values: dict, seen: set) -> None:
        entity = _ENTITY[sheet.key]
        item_id = _int(values, "id", self.lang, self.file_lang)
        version = _int(values, "version", self.lang, self.file_lang)
        fields = {k: _text(values.get(k)).strip() for k in ("title_fi", "title_sv", "description")}
        if entity == "measure":
            fields.update(self._measure_fields(values, None if item_id is None else self.measure_org.get(item_id)))
        if item_id is None:
            if entity != "measure":
                raise _Bad("export.rt.new_only_measures")
            if version is not None:
                raise _Bad("export.rt.version_without_id")
            return self._new_measure(sheet, number, values, fields)
        if (entity, item_id) in seen:
            raise _Bad("export.rt.duplicate", id=item_id)
        seen.add((entity, item_id))
        if item_id not in self.ids[entity]:
            deleted = self._deleted(entity, item_id)
            if deleted is None:
                raise _Bad("export.rt.unknown_id", entity=Term(f"entity.{entity}"), id=item_id)
            row, by, at, gone = deleted
            self.result.conflicts.append(
                self._change(
                    sheet, number, entity, item_id, plans.title_in(row, self.lang), {gone: ("", "")}, by=by, at=at
                )
            )
            return
        if version is None:
            raise _Bad("export.rt.version_missing")
        current = plans.get(self.db, entity, item_id)
        if entity == "measure":
            goal_id = _int(values, "goal_id", self.lang, self.file_lang)
            if goal_id != current["goal_id"]:
                raise _Bad("export.rt.goal_changed")
        if version > current["version"]:
            raise _Bad("export.rt.version_ahead", version=version, current=current["version"])
        try:  # the same validation and normalising as the app's forms
            before = plans.check_fields(self.db, entity, self.plan, current)
            after = plans.check_fields(self.db, entity, self.plan, {**current, **fields})
        except LapeError as err:
            raise _Bad(err.key, **err.params) from None
        diff = {
            self._field_name(k): (self._show(k, before[k]), self._show(k, v))
            for k, v in after.items()
            if before[k] != v
        }
        title = plans.title_in({**current, **fields}, self.lang)
        change = self._change(sheet, number, entity, item_id, title, diff)
        if not diff:
            self.result.unchanged += 1
        elif version < current["version"]:
            change.by, change.at = current["updated_by"], current["updated_at"]
            self.result.conflicts.append(change)
        elif self._write(change, plans.update, entity, item_id, version, **fields):
            self.result.changed.append(change)

    def _deleted(self, entity: str, item_id: int):
        """(row, by, at, why) when the item was deleted or set back to draft in the app after
        the export (itself or the focus area or goal above it); None when it never was in this plan."""
        try:
            row = plans.get(self.db, entity, item_id, include_deleted=True)
            if plans.plan_of(self.db, entity, item_id)["id"] != self.plan["id"]:
                return None
        except NotFound:
            return None
        item, kind = row, entity
        while True:
            if item["deleted_at"]:
                return row, item["deleted_by"] or "", item["deleted_at"], t("export.rt.deleted", self.lang)
            if item.get("draft"):  # set back to draft after the export: drafts are not in the workbook
                return row, item["updated_by"] or "", item["updated_at"], t("drafts.rt_draft", self.lang)
            parent = {"measure": ("goal", "goal_id"), "goal": ("focus_area", "focus_area_id")}.get(kind)
            if parent is None:
                return row, row["updated_by"], row["updated_at"], t("export.rt.deleted", self.lang)
            kind = parent[0]
            item = plans.get(self.db, kind, item[parent[1]], include_deleted=True)

    def _measure_fields(self, values: dict, current_org: int | None) -> dict:
        responsible = _text(values.get("responsible")).strip()
        org_id = None
        if responsible:
            matches = self.org_by_name.get(responsible.lower(), set())
            if not matches:
                raise _Bad("export.rt.unknown_org", name=responsible)
            if len(matches) == 1:
                org_id = next(iter(matches))
            elif current_org in matches:  # the name the export wrote for it: unchanged
                org_id = current_org
            else:  # never guess between organisations: ask for the code, which is unique
                codes = sorted(self.orgs[o]["code"] for o in matches if self.orgs[o]["code"])
                if len(codes) < len(matches):
                    raise _Bad("export.rt.ambiguous_org_no_code", name=responsible)
                raise _Bad("export.rt.ambiguous_org", name=responsible, codes=", ".join(codes))
        return {
            "responsible_org_id": org_id,
            "start_year": _int(values, "start_year", self.lang, self.file_lang),
            "end_year": _int(values, "end_year", self.lang, self.file_lang),
            "resources_text": _text(values.get("resources_text")).strip(),
            "resources_eur": validation.strip_unit(values.get("resources_eur"), "€"),
        }

    def _new_measure(self, sheet: _Sheet, number: int, values: dict, fields: dict) -> None:
        goal_id = _int(values, "goal_id", self.lang, self.file_lang)
        if goal_id is None:
            raise _Bad("export.rt.goal_id_missing")
        if goal_id not in self.ids["goal"]:
            raise _Bad("export.rt.unknown_id", entity=Term("entity.goal"), id=goal_id)
        title = (fields["title_fi"] or "").strip().lower()
        same_title = [  # as the measures are now: a row above may have retitled one
            m
            for m in (self.measure_titles.get(goal_id, {}).get(title, []) if title else [])
            if (plans.get(self.db, "measure", m)["title_fi"] or "").strip().lower() == title
        ]
        if same_title:
            # Uploading the same edited file twice must not add the measure twice; but a row
            # that differs from the measure is a correction or another measure, which must
            # not be dropped silently: refused, pointing to the row to edit instead.
            try:
                checked = plans.check_fields(self.db, "measure", self.plan, fields)
            except LapeError as err:
                raise _Bad(err.key, **err.params) from None
            for measure_id in same_title:
                existing = plans.get(self.db, "measure", measure_id)
                try:  # normalised as the row is (an old row may hold None for "")
                    existing = plans.check_fields(self.db, "measure", self.plan, existing)
                except LapeError:
                    pass  # e.g. its years are outside a shortened plan period: compared as stored
                if all(existing[k] == checked[k] for k in checked):
                    self.result.unchanged += 1
                    return
            measure_id = same_title[0]
            if measure_id in self.added_rows:
                raise _Bad("export.rt.new_title_twice", other=self.added_rows[measure_id])
            raise _Bad("export.rt.title_exists", number=self.numbers.get(("measure", measure_id)) or "–", id=measure_id)
        shown = {self._field_name(k): ("", self._show(k, v)) for k, v in fields.items() if v not in (None, "")}
        change = self._change(sheet, number, "measure", None, plans.title_in(fields, self.lang), shown)
        goal_number = self.numbers.get(("goal", goal_id))
        if goal_number:  # a new measure is placed under its goal: "under 1.2"
            change.number = t("friction.rt.under", self.lang, number=goal_number)
        try:
            new_id = plans.add(self.db, self.actor, "measure", goal_id, **fields)
        except PermissionDenied:
            self.result.not_permitted.append(change)
            return
        self.measure_titles.setdefault(goal_id, {}).setdefault(title, []).append(new_id)
        self.added_rows[new_id] = number
        self.ids["measure"].add(new_id)
        self.result.added.append(change)

    # -- follow-up
    def status_row(
        self, sheet: _Sheet, number: int, values: dict, seen: set, current: dict, entity_of: dict, status_of: dict
    ) -> None:
        label = _text(values.get("entity")).strip().lower()
        entity = entity_of.get(label)
        if entity is None:
            raise _Bad("export.rt.unknown_entity", value=values.get("entity") or "–")
        item_id = _int(values, "item_id", self.lang, self.file_lang)
        year = _int(values, "year", self.lang, self.file_lang)
        version = _int(values, "version", self.lang, self.file_lang)
        progress = _int(
            {"progress": validation.strip_unit(values.get("progress"), "%")}, "progress", self.lang, self.file_lang
        )
        deleted = None
        if item_id is not None and item_id not in self.ids[entity]:
            deleted = self._deleted(entity, item_id)
        if item_id is None or (item_id not in self.ids[entity] and deleted is None):
            raise _Bad("export.rt.unknown_id", entity=Term(f"entity.{entity}"), id=item_id or "–")
        if year is None:
            raise _Bad("export.rt.year_missing")
        if (entity, item_id, year) in seen:
            raise _Bad("export.rt.duplicate_status", id=item_id, year=year)
        seen.add((entity, item_id, year))
        status_text = _text(values.get("status")).strip()
        status = status_of.get(status_text.lower()) if status_text else None
        if status_text and status is None:
            raise _Bad(
                "export.rt.unknown_status",
                value=status_text,
                labels=Term(*(f"follow_up.status.{s}" for s in follow_up.STATUSES)),
            )
        now = current.get((entity, item_id, year))
        if now is None and version is not None:
            raise _Bad("export.rt.version_ahead", version=version, current=0)
        if now and version is not None and version > now["version"]:
            raise _Bad("export.rt.version_ahead", version=version, current=now["version"])
        if status is None:
            if now is None:
                if progress is not None or any(_text(values.get(k)).strip() for k in ("narrative", "evidence_url")):
                    raise _Bad("export.rt.status_needed")  # typed text is never dropped unseen
                return  # an item-year still without a status: nothing to do, and not worth counting
            if (version or 0) == now["version"]:  # the file had this very status, and it was cleared
                raise _Bad("export.rt.status_removed")
            # Otherwise the status was recorded (or updated) in the app after the export: not a
            # removal. An untouched row is unchanged; anything else in it is a conflict below.
        fields = {
            "status": status,
            "progress": progress,
            "narrative": plans.clean_text(
                values.get("narrative") and _text(values["narrative"]),
                "fu_narrative",
                max_len=follow_up.NARRATIVE_MAX,
                multiline=True,
            ),
            "evidence_url": plans.normalise_text(_text(values.get("evidence_url"))),
        }
        before = now or {}
        diff = {
            header(k, self.lang): (self._show(k, before.get(k)), self._show(k, v))
            for k, v in fields.items()
            if (before.get(k) or None) != (v or None) and not (k == "progress" and v is None)
        }
        untouched = status is None and version is None and all(fields[k] in (None, "") for k in fields)
        if deleted is not None:  # statuses of an item deleted in the app are not applied
            if diff and not untouched:
                row, by, at, gone = deleted
                self.result.conflicts.append(
                    self._change(
                        sheet,
                        number,
                        entity,
                        item_id,
                        plans.title_in(row, self.lang),
                        {gone: ("", ""), **diff},
                        year=year,
                        by=by,
                        at=at,
                    )
                )
            return
        title = plans.title_in(plans.get(self.db, entity, item_id), self.lang)
        change = self._change(sheet, number, entity, item_id, title, diff, year=year)
        if now is not None and (untouched or not diff):
            self.result.unchanged += 1
            return
        if now is not None and (version or 0) < now["version"]:
            change.by, change.at = now["updated_by"], now["updated_at"]
            self.result.conflicts.append(change)
            return
        if self._write(
            change,
            follow_up.record,
            entity,
            item_id,
            year,
            status,
            progress=progress,
            narrative=fields["narrative"],
            evidence_url=fields["evidence_url"],
            expected_version=now["version"] if now else None,
        ):
            (self.result.changed if now else self.result.added).append(change)

    # -- budget: planned and actual euros, source, kind and share per measure and year
    def _budget_codes(self) -> tuple[dict, dict]:
        """Label (any language) or code -> code, for funding sources and kinds of spending."""
        if not hasattr(self, "_codes"):
            sources, kinds = {s: s for s in budget.SOURCES}, {k: k for k in budget.KINDS}
            for lang in LANGS:
                sources.update({t(f"budget.source.{s}", lang).lower(): s for s in budget.SOURCES})
                kinds.update({t(f"budget.kind.{k}", lang).lower(): k for k in budget.KINDS})
            self._codes = (sources, kinds)
        return self._codes

    def _budget_code(self, values: dict, key: str, codes: dict, prefix: str, allowed: tuple):
        text = _text(values.get(key)).strip()
        if not text:
            return None
        if text.lower() not in codes:
            raise _Bad(
                "budget.rt.unknown_label",
                column=header(key, self.file_lang),
                value=text,
                labels=Term(*(f"{prefix}.{c}" for c in allowed)),
            )
        return codes[text.lower()]

    def _show_budget(self, key: str, value) -> str:
        if value is None:
            return ""
        if key in ("source", "kind"):
            return t(f"budget.{key}.{value}", self.lang)
        return i18n.number(value, self.lang) + (" %" if key == "direct_share" else " €")

    def budget_row(self, sheet: _Sheet, number: int, values: dict, seen: set) -> None:
        measure_id = _int(values, "measure_id", self.lang, self.file_lang)
        year = _int(values, "year", self.lang, self.file_lang)
        version = _int(values, "version", self.lang, self.file_lang)
        deleted = None
        if measure_id is not None and measure_id not in self.ids["measure"]:
            deleted = self._deleted("measure", measure_id)
        if measure_id is None or (measure_id not in self.ids["measure"] and deleted is None):
            raise _Bad("export.rt.unknown_id", entity=Term("entity.measure"), id=measure_id or "–")
        if year is None:
            raise _Bad("export.rt.year_missing")
        if ("budget", measure_id, year) in seen:
            raise _Bad("export.rt.duplicate_status", id=measure_id, year=year)
        seen.add(("budget", measure_id, year))
        sources, kinds = self._budget_codes()
        fields = budget.clean(
            {
                "planned_eur": validation.strip_unit(values.get("planned_eur"), "€"),
                "actual_eur": validation.strip_unit(values.get("actual_eur"), "€"),
                "source": self._budget_code(values, "funding_source", sources, "budget.source", budget.SOURCES),
                "kind": self._budget_code(values, "spending_kind", kinds, "budget.kind", budget.KINDS),
                "direct_share": values.get("direct_share"),
            }
        )
        now = budget.get(self.db, measure_id, year)
        if now is not None and version is None and all(v is None for v in fields.values()):
            self.result.unchanged += 1  # euros entered in the app since the export, on a row left empty
            return
        if version is not None and version > (now["version"] if now else 0):
            raise _Bad("export.rt.version_ahead", version=version, current=now["version"] if now else 0)
        before = now or dict.fromkeys(budget.FIELDS)
        diff = {
            header({"source": "funding_source", "kind": "spending_kind"}.get(k, k), self.lang): (
                self._show_budget(k, before[k]),
                self._show_budget(k, v),
            )
            for k, v in fields.items()
            if before[k] != v
        }
        if not diff:
            if now is not None:
                self.result.unchanged += 1
            return  # a measure-year still without euros: nothing to do
        if deleted is not None:  # euros of a measure deleted in the app are not applied
            row, by, at, gone = deleted
            self.result.conflicts.append(
                self._change(
                    sheet,
                    number,
                    "measure",
                    measure_id,
                    plans.title_in(row, self.lang),
                    {gone: ("", ""), **diff},
                    year=year,
                    by=by,
                    at=at,
                )
            )
            return
        title = plans.title_in(plans.get(self.db, "measure", measure_id), self.lang)
        change = self._change(sheet, number, "measure", measure_id, title, diff, year=year)
        if now is not None and (version or 0) < now["version"]:
            change.by, change.at = now["updated_by"], now["updated_at"]
            self.result.conflicts.append(change)
            return
        if self._write(
            change, budget.save, measure_id, year, expected_version=now["version"] if now else None, **fields
        ):
            (self.result.changed if now else self.result.added).append(change)

    def run(self, sheets: list[_Sheet]) -> None:
        seen: set = set()
        for sheet in sheets:
            if sheet.key == "follow_up":
                current = follow_up.current(self.db, self.plan["id"], include_drafts=True)
                entity_of, status_of = {}, {}
                for lang in LANGS:
                    for e in follow_up.ENTITIES:
                        entity_of[i18n.t(f"entity.{e}", lang).lower()] = e
                    for s in follow_up.STATUSES:
                        status_of[i18n.t(f"follow_up.status.{s}", lang).lower()] = s
                entity_of.update({e: e for e in follow_up.ENTITIES})
                status_of.update({s: s for s in follow_up.STATUSES})
            for number, values in sheet.rows:
                if "_formula" in values:
                    self.problems.append(Problem(sheet.title, number, "export.rt.formula", values["_formula"]))
                    continue
                try:
                    if sheet.key == "follow_up":
                        self.status_row(sheet, number, values, seen, current, entity_of, status_of)
                    elif sheet.key == "budget":
                        self.budget_row(sheet, number, values, seen)
                    else:
                        self.item_row(sheet, number, values, seen)
                except _Bad as bad:
                    self.problems.append(Problem(sheet.title, number, bad.key, bad.params))
                except LapeError as err:
                    self.problems.append(Problem.of(sheet.title, number, err))
                except (TypeError, ValueError, OverflowError, AttributeError, KeyError) as err:
                    # A value no rule foresaw: the row is refused, never a traceback.
                    log.warning("round trip: %s row %s could not be read", sheet.title, number, exc_info=True)
                    self.problems.append(
                        Problem(sheet.title, number, "uploads.unreadable", {"detail": type(err).__name__})
                    )


def _run(db: Database, actor: Actor, data: bytes, lang: str, commit: bool) -> Result:
    meta, sheets = _load(data, lang)
    try:
        run = _Run(db, actor, meta, lang)
    except NotFound:
        raise ImportRejected([Problem(META_SHEET, 0, "export.rt.unknown_plan", {"id": meta["plan_id"]})]) from None
    try:
        with write(db):
            run.run(sheets)
            if run.problems:
                raise ImportRejected(run.problems)
            if not commit:
                raise _Rollback
    except _Rollback:
        return run.result
    run.result.applied = True
    return run.result
