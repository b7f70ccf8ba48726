"""Several app processes on one SQLite database behind HAProxy with sticky sessions.

For 1 and then 2 processes (same run): starts that many `streamlit run app.py` processes on one
database and as many one-line pages (`st.write("hello")`, postScriptGC off like the app), puts
HAProxy in front of each pool with deploy/haproxy.cfg's defaults and backend settings, and runs
benchmarks/workshop_load.py through the proxy (--app-port, --hello-port). Reported: the
participant page's and the one-line page's rerun throughput through the proxy, their
2-process / 1-process ratios, and the vote p95. Goal: the app's ratio ≥ 0.9 × the one-line
page's ratio, vote p95 ≤ 500 ms. The load client runs on the same cores as the servers.

    python benchmarks/processes.py [--quick | --smoke] [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.workshop_load import free_port, start_server  # noqa: E402

TEMPLATE = ROOT / "deploy" / "haproxy.cfg"


def _sections(text: str) -> dict[str, list[str]]:
    """haproxy.cfg's sections by their header line, each with its indented lines (comments out)."""
    sections: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            current = line.strip()
            sections[current] = []
        elif current:
            sections[current].append(line.strip())
    return sections


def haproxy_config(pools: dict[str, tuple[int, list[int]]]) -> str:
    """A config for HAProxy: for each pool name, a frontend on its port and the documented backend
    (balance, sticky cookie, health check) over the given server ports."""
    sections = _sections(TEMPLATE.read_text(encoding="utf-8"))
    defaults = next(k for k in sections if k.startswith("defaults"))
    backend = next(k for k in sections if k.startswith("backend"))
    settings = [line for line in sections[backend] if not line.startswith("server ")]
    name = defaults.split()[1]
    out = ["global", "    maxconn 4000", "", defaults, *(f"    {line}" for line in sections[defaults])]
    for pool, (port, servers) in pools.items():
        out += [
            "",
            f"frontend {pool}_front from {name}",
            f"    bind 127.0.0.1:{port}",
            f"    default_backend {pool}",
            "",
            f"backend {pool} from {name}",
            *(f"    {line}" for line in settings),
        ]
        out += [f"    server {pool}{i} 127.0.0.1:{p} check cookie {pool}{i}" for i, p in enumerate(servers, 1)]
    return "\n".join(out) + "\n"


def start_haproxy(config: str, tmp: Path, ports: list[int]) -> subprocess.Popen:
    path = tmp / "haproxy.cfg"
    path.write_text(config)
    proc = subprocess.Popen(
        ["haproxy", "-db", "-f", str(path)], stdout=open(tmp / "haproxy.log", "w"), stderr=subprocess.STDOUT
    )
    deadline = time.time() + 30
    for port in ports:  # up when each frontend answers through to a healthy server
        while True:
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                pass
            if time.time() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError(f"HAProxy did not come up: {(tmp / 'haproxy.log').read_text()}")
            time.sleep(0.3)
    return proc


PATTERNS = {
    "page": r"participant page ([\d.]+)/s",
    "hello": r"one-line page with the same GC setting \(postScriptGC off\) ([\d.]+)/s",
    "p95": r"vote round trip \(\d+ votes\): median \d+ ms, p95 (\d+) ms",
    "exact": r"exactly once: .*\[(PASS|FAIL)\]",
}


def run(n: int, args, tmp: Path) -> dict:
    """workshop_load.py through HAProxy in front of n app processes and n one-line pages."""
    tmp = tmp / f"{n}p"
    tmp.mkdir()
    db = tmp / "load.db"
    hello = tmp / "hello.py"
    hello.write_text('import streamlit as st\nst.write("hello")\n')
    procs, app_ports, hello_ports = [], [], []
    try:
        for i in range(n):
            proc, port = start_server(ROOT / "app.py", ROOT, {"LAPE_PLAN_DB": str(db)}, tmp / f"app{i}.log")
            procs.append(proc)
            app_ports.append(port)
            proc, port = start_server(hello, tmp, {}, tmp / f"hello{i}.log", "--runner.postScriptGC", "false")
            procs.append(proc)
            hello_ports.append(port)
        front = {"app": free_port(), "hello": free_port()}
        procs.append(
            start_haproxy(
                haproxy_config({"app": (front["app"], app_ports), "hello": (front["hello"], hello_ports)}),
                tmp,
                list(front.values()),
            )
        )
        mode = ["--smoke"] if args.smoke else ["--quick"] if args.quick else []
        out = subprocess.run(
            [
                sys.executable,
                str(ROOT / "benchmarks" / "workshop_load.py"),
                *mode,
                "--db",
                str(db),
                "--app-port",
                str(front["app"]),
                "--hello-port",
                str(front["hello"]),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=900,
        )
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
    found = {k: re.search(p, out.stdout) for k, p in PATTERNS.items()}
    if out.returncode not in (0, 1) or not all(found.values()):
        raise RuntimeError(f"workshop_load.py failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
    result = {k: (m.group(1) if k == "exact" else float(m.group(1))) for k, m in found.items()}
    result["returncode"] = out.returncode
    print(
        f"{n} process(es): participant page {result['page']:.1f}/s, one-line page {result['hello']:.1f}/s, "
        f"vote p95 {result['p95']:.0f} ms, exactly once {result['exact']}",
        flush=True,
    )
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="workshop_load.py --quick (20 phones)")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="2 processes only, workshop_load.py --smoke: only checks that it runs (votes counted "
        "once across the processes), no ratios",
    )
    parser.add_argument("--rounds", type=int, default=1, help="alternate 1 and 2 processes this many times")
    args = parser.parse_args(argv)
    if not shutil.which("haproxy"):
        print("HAProxy is needed: apt-get install haproxy", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="processes_"))
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    results: dict[int, list[dict]] = {1: [], 2: []}
    try:
        for r in range(args.rounds):
            for n in (2,) if args.smoke else (1, 2):
                (tmp / f"r{r}").mkdir(exist_ok=True)
                results[n].append(run(n, args, tmp / f"r{r}"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    ok = all(res["exact"] == "PASS" for rs in results.values() for res in rs)
    for r in range(0 if args.smoke else args.rounds):
        one, two = results[1][r], results[2][r]
        app_ratio, hello_ratio = two["page"] / one["page"], two["hello"] / one["hello"]
        p95 = max(one["p95"], two["p95"])
        print(
            f"round {r + 1}: 2/1 processes: app {app_ratio:.2f}, one-line page {hello_ratio:.2f}; "
            f"app ratio / one-line ratio {app_ratio / hello_ratio:.2f} [goal ≥ 0.9: "
            f"{'PASS' if app_ratio >= 0.9 * hello_ratio else 'FAIL'}]; vote p95 {p95:.0f} ms "
            f"[goal ≤ 500 ms: {'PASS' if p95 <= 500 else 'FAIL'}]"
        )
        ok = ok and app_ratio >= 0.9 * hello_ratio and p95 <= 500
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
