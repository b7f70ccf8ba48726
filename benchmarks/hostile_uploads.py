"""Hostile uploads against the importers: each file is imported in a fresh subprocess and
the peak memory of that process (ru_maxrss) is compared with a subprocess that only imports
the package. Goal: every hostile file is refused with a clear reason, at a peak of at most
400 MB. Legitimate big files are imported alongside, to show the limits leave room for them.

    python benchmarks/hostile_uploads.py           # everything (a few minutes)
    python benchmarks/hostile_uploads.py --quick   # without the two big legitimate imports
    python benchmarks/hostile_uploads.py --smoke   # one hostile file of each kind, small legitimate ones (CI)

"page" runs call what the page calls (roundtrip.preview, indicators.import_files with the
page's limits) on the file's bytes, as the server would hold an upload; "cli" runs the
command (`import-plan`, `import-indicators`) on the file."""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

GOAL_MB = 400
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

# What a child process runs: import the package, read the file, import it, report.
CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from lape_plan import db as dbm, indicators, roundtrip, sotkanet
from lape_plan.errors import ImportRejected
from lape_plan.model import SYSTEM, Actor, Role
import openpyxl, lxml.etree
mode, db_path, files = sys.argv[2], sys.argv[3], sys.argv[4:]
out = {"outcome": "baseline", "reason": ""}
start = time.process_time()
if mode != "baseline":
    database = dbm.connect(db_path)
    data = [(f.rsplit("/", 1)[-1], open(f, "rb").read()) for f in files]
    try:
        if mode == "plan":
            result = roundtrip.preview(database, Actor(name="benchmark", role=Role.ADMIN), data[0][1], "en")
            out["outcome"] = f"accepted ({len(result.changed)} changed, {result.unchanged} unchanged)"
        else:
            reports = indicators.import_files(database, SYSTEM, data)
            out["outcome"] = f"accepted ({sum(r.new for r in reports)} new)"
    except ImportRejected as err:
        out["outcome"] = "refused"
        out["reason"] = err.problems[0].text("en")
out["cpu_s"] = time.process_time() - start
print(json.dumps(out))
"""


def run(cmd: list[str]) -> dict:
    """Run a command; its own peak memory and CPU time come from wait4 on its pid."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        return {
            "rc": proc.returncode,
            "stdout": out.read().decode(errors="replace"),
            "stderr": err.read().decode(errors="replace"),
            "peak_mb": usage.ru_maxrss / 1024,
            "cpu_s": usage.ru_utime + usage.ru_stime,
            "wall_s": wall,
        }


def child(mode: str, db: Path, *files: Path) -> dict:
    result = run([sys.executable, "-c", CHILD, str(ROOT), mode, str(db), *map(str, files)])
    if result["rc"] != 0:
        return {**result, "outcome": "crashed", "reason": result["stderr"].strip().splitlines()[-1][:200]}
    return {**result, **json.loads(result["stdout"].strip().splitlines()[-1])}


def cli(*args: str) -> dict:
    result = run([sys.executable, "-m", "lape_plan", *args])
    text = (result["stdout"] + result["stderr"]).strip()
    if result["rc"] == 2 and ("refused" in text or "error:" in text):
        lines = text.splitlines()
        return {**result, "outcome": "refused", "reason": (lines[1] if len(lines) > 1 else lines[0]).strip()[:200]}
    if result["rc"] == 0:
        return {**result, "outcome": "accepted", "reason": text.splitlines()[-1][:120] if text else ""}
    return {**result, "outcome": "crashed", "reason": text.splitlines()[-1][:200] if text else ""}


# ---------------------------------------------------------------- building the files
def _write_sheet(
    z: zipfile.ZipFile, name: str, rows: int, cells: int, dimension: str | None = None, row_numbers: bool = False
) -> None:
    """A sheet of `rows` rows of `cells` numeric cells, streamed into the zip."""
    with z.open(name, "w", force_zip64=True) as f:
        f.write(f'<worksheet xmlns="{MAIN}">'.encode())
        if dimension:
            f.write(f'<dimension ref="{dimension}"/>'.encode())
        f.write(b"<sheetData>")
        row_cells = b"<c><v>1</v></c>" * cells
        chunk = []
        for r in range(1, rows + 1):
            chunk.append((f'<row r="{r}">'.encode() if row_numbers else b"<row>") + row_cells + b"</row>")
            if len(chunk) == 1000:
                f.write(b"".join(chunk))
                chunk = []
        f.write(b"".join(chunk) + b"</sheetData></worksheet>")


def foreign_workbook(path: Path, rows: int, cells: int) -> None:
    """A minimal valid workbook of one sheet, not made by this app."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="'
            'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets>'
            "</workbook>",
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        _write_sheet(z, "xl/worksheets/sheet1.xml", rows, cells, dimension=f"A1:AX{rows}")


def replace_part(source: bytes, path: Path, part: str, writer) -> None:
    """`source` (a workbook) with one part written anew by writer(zipfile, name)."""
    with (
        zipfile.ZipFile(io.BytesIO(source)) as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst,
    ):
        for info in src.infolist():
            if info.filename == part:
                writer(dst, part)
            else:
                dst.writestr(info.filename, src.read(info))


def sheet_part(data: bytes, title: str) -> str:
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    try:
        return wb[title]._worksheet_path
    finally:
        wb.close()


def shared_strings(z: zipfile.ZipFile, name: str, size: int) -> None:
    rng = random.Random(1)
    with z.open(name, "w") as f:
        f.write(f'<sst xmlns="{MAIN}">'.encode())
        written = 0
        while written < size:
            chunk = b"".join(b"<si><t>%s</t></si>" % rng.randbytes(3).hex().encode() for _ in range(10_000))
            f.write(chunk)
            written += len(chunk)
        f.write(b"</sst>")


# --smoke: one hostile file of each kind (workbook of a plan, indicator template, Sotkanet CSV), each
# through every way it is judged (page and command); the legitimate imports at small sizes.
SMOKE_FILES = {"foreign_250k_x_50.xlsx", "template_tall.xlsx", "sotkanet_85mb.csv"}


def build(tmp: Path, quick: bool, smoke: bool = False) -> tuple[Path, list]:
    from lape_plan import db as dbm, demo, exports, plans, sotkanet

    db = tmp / "demo.db"
    database = dbm.connect(db)
    demo.load(database)
    ours = exports.plan_workbook(database, plans.plans(database)[0]["id"], "en")
    measures, follow = sheet_part(ours, "Measures"), sheet_part(ours, "Follow-up")
    cases = []

    def wanted(path: Path) -> bool:
        return not smoke or path.name in SMOKE_FILES

    def case(name, kind, path, *extra):
        cases.append((name, kind, path, *extra))

    path = tmp / "foreign_250k_x_50.xlsx"
    if wanted(path):
        foreign_workbook(path, 250_000, 50)
        case("workbook not of this app, one sheet 250,000 x 50 cells", "plan", path)
        case("  the same, import-plan", "cli-plan", path)
    path = tmp / "ours_measures_250k_x_50.xlsx"
    if wanted(path):
        replace_part(ours, path, measures, lambda z, n: _write_sheet(z, n, 250_000, 50, dimension="A1:AX250000"))
        case("exported workbook, measures sheet 250,000 x 50 cells", "plan", path)
        case("  the same, import-plan", "cli-plan", path)
    path = tmp / "ours_lying_dimension.xlsx"
    if wanted(path):
        replace_part(
            ours, path, follow, lambda z, n: _write_sheet(z, n, 400_000, 8, dimension="A1:H2", row_numbers=True)
        )
        case("exported workbook, follow-up 400,000 rows declared as 2", "plan", path)
    path = tmp / "ours_one_wide_row.xlsx"
    if wanted(path):
        replace_part(ours, path, follow, lambda z, n: _write_sheet(z, n, 1, 4_000_000, dimension="A1:L1"))
        case("exported workbook, one row of 4,000,000 cells declared as 12", "plan", path)
    path = tmp / "ours_shared_strings.xlsx"
    if wanted(path):
        replace_part(
            ours,
            path,
            "[Content_Types].xml",
            lambda z, n: z.writestr(
                n,
                zipfile.ZipFile(io.BytesIO(ours))
                .read(n)
                .replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
                    b'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                ),
            ),
        )
        with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
            shared_strings(z, "xl/sharedStrings.xml", 29_500_000)
        case("exported workbook + 29.5 MB of shared strings (under the part cap)", "plan", path)
    path = tmp / "ours_wide_row_no_dimension.xlsx"
    if wanted(path):
        replace_part(ours, path, follow, lambda z, n: _write_sheet(z, n, 1, 4_000_000))
        case("exported workbook, one row of 4,000,000 cells, no dimension", "plan", path)

    template = sotkanet.template_xlsx()
    path = tmp / "template_bomb.xlsx"
    if wanted(path):
        replace_part(
            template,
            path,
            "xl/worksheets/sheet1.xml",
            lambda z, n: _write_sheet(z, n, 250_000, 50, dimension="A1:AX250000"),
        )
        case("indicator template, sheet 250,000 x 50 cells (zip bomb)", "indicators", path)
    path = tmp / "template_tall.xlsx"
    if wanted(path):
        replace_part(
            template, path, "xl/worksheets/sheet1.xml", lambda z, n: _write_sheet(z, n, 1_000_000, 1, row_numbers=False)
        )
        case("indicator template, 1,000,000 rows, no dimension", "indicators", path)
    path = tmp / "template_tall_declared.xlsx"
    if wanted(path):
        replace_part(
            template,
            path,
            "xl/worksheets/sheet1.xml",
            lambda z, n: _write_sheet(z, n, 1_000_000, 1, dimension="A1:E2", row_numbers=False),
        )
        case("indicator template, 1,000,000 rows declared as 2", "indicators", path)

    path = tmp / "sotkanet_85mb.csv"
    if wanted(path):
        with open(path, "wb") as f:
            f.write(b"indicator;region;year;gender;primary value;absolute value\n")
            line = b"191;964;2022;total;1.9;210\n"
            f.write(line * (85_000_000 // len(line)))
        case("Sotkanet CSV, 85 MB", "indicators", path)
        case("  the same, import-indicators", "cli-indicators", path)
    path = tmp / "short_rows_45mb.csv"
    if wanted(path):
        with open(path, "wb") as f:
            f.write(b"indicator;region;year;gender;primary value\n" + b"1;1;2000;total;1\n" * (45_000_000 // 17))
        case("CSV, 45 MB of 2,600,000 short rows", "indicators", path)
    path = tmp / "bare_values.json"
    if wanted(path):
        path.write_bytes(b"[" + b'"ab",' * 9_000_000 + b'"ab"]')
        case("JSON, 45 MB list of 9,000,000 strings", "indicators", path)
    path = tmp / "rows.json"
    if wanted(path):
        row = b'{"indicator":191,"region":964,"year":2022,"gender":"total","value":1.9},'
        path.write_bytes(b"[" + row * (45_000_000 // len(row)) + row[:-1] + b"]")
        case("JSON, 45 MB of data rows", "indicators", path)

    if not quick or smoke:
        import indicator_import

        cli_rows, page_rows, goals, measures = (2_000, 2_000, 10, 30) if smoke else (1_000_000, 290_000, 1000, 3000)
        files = indicator_import.setup_files()
        for name, data in files:
            (tmp / name).write_bytes(data)
        (tmp / "sotkanet_cli.csv").write_bytes(indicator_import.make_csv(cli_rows))
        cases.append(
            (
                f"legitimate: Sotkanet CSV of {cli_rows:,} rows, import-indicators",
                "cli-indicators",
                tmp / "regions.json",
                tmp / "metadata.json",
                tmp / "sotkanet_cli.csv",
            )
        )
        (tmp / "sotkanet_page.csv").write_bytes(indicator_import.make_csv(page_rows))
        cases.append(
            (
                f"legitimate: Sotkanet CSV of {page_rows:,} rows, page",
                "indicators-fresh",
                tmp / "regions.json",
                tmp / "metadata.json",
                tmp / "sotkanet_page.csv",
            )
        )
        import export as export_bench

        big_db = tmp / "big.db"
        plan_id = export_bench.build(big_db, goals, measures)
        big = dbm.connect(big_db)
        path = tmp / "big_plan.xlsx"
        path.write_bytes(exports.plan_workbook(big, plan_id, "fi", all_municipalities=True))
        big.close()
        cases.append(
            (
                f"legitimate: plan of {goals:,} goals, {measures:,} measures, every municipality",
                "plan-big",
                path,
                big_db,
            )
        )
    return db, cases


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="leave out the big legitimate imports")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="one hostile file of each kind, page and command, and small legitimate imports: only checks that it "
        "still runs (the goal is still judged)",
    )
    parser.add_argument("--build", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:  # runs in its own process: see below
        db, cases = build(Path(args.build), args.quick, args.smoke)
        (Path(args.build) / "cases.json").write_text(
            json.dumps({"db": str(db), "cases": [[c[0], c[1], *map(str, c[2:])] for c in cases]})
        )
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="lape_hostile_"))
    print(f"building files in {tmp} …", flush=True)
    # Built in another process: a child's ru_maxrss starts from its parent's size when it
    # forks, so the measuring process must stay small.
    mode = ["--smoke"] if args.smoke else ["--quick"] if args.quick else []
    subprocess.run([sys.executable, __file__, "--build", str(tmp), *mode], check=True)
    spec = json.loads((tmp / "cases.json").read_text())
    db = Path(spec["db"])
    cases = [(c[0], c[1], *map(Path, c[2:])) for c in spec["cases"]]
    base = child("baseline", db)
    print(f"baseline (a process that imports the package): {base['peak_mb']:.0f} MB\n")
    print(f"{'case':<66} {'file':>8} {'peak':>8} {'x base':>7} {'CPU':>7}  outcome")
    failures = []
    for name, kind, path, *extra in cases:
        if kind == "plan":
            result = child("plan", db, path)
        elif kind == "plan-big":
            result = child("plan", extra[0], path)
        elif kind == "indicators":
            result = child("indicators", db, path)
        elif kind == "indicators-fresh":
            fresh = tmp / f"fresh_{time.time_ns()}.db"
            result = child("indicators", fresh, path, *extra)
        elif kind == "cli-plan":
            result = cli("import-plan", "--db", str(db), "--dry-run", str(path))
        else:  # cli-indicators
            fresh = tmp / f"fresh_{time.time_ns()}.db"
            result = cli("import-indicators", "--db", str(fresh), str(path), *map(str, extra))
        size = sum(p.stat().st_size for p in [path, *extra] if isinstance(p, Path) and p.suffix != ".db")
        legit = name.startswith("legitimate")
        ratio = result["peak_mb"] / base["peak_mb"]
        print(
            f"{name:<66} {size / 1e6:>6.1f}MB {result['peak_mb']:>6.0f}MB {ratio:>6.1f}x "
            f"{result['cpu_s']:>6.1f}s  {result['outcome']}",
            flush=True,
        )
        if result.get("reason"):
            print(f"{'':<66} {'':>8} {'':>8} {'':>7} {'':>7}  {result['reason']}")
        if legit:
            if not result["outcome"].startswith("accepted"):
                failures.append(f"{name}: {result['outcome']} {result.get('reason', '')}")
        elif result["outcome"] != "refused" or result["peak_mb"] > GOAL_MB:
            failures.append(f"{name}: {result['outcome']}, peak {result['peak_mb']:.0f} MB")
    print()
    if failures:
        print("GOAL NOT MET:\n  " + "\n  ".join(failures))
        return 1
    print(f"goal met: every hostile file refused with a reason, peak <= {GOAL_MB} MB; legitimate files imported")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
