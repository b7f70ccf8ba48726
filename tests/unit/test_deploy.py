"""The deployment files: what can be checked without a Docker daemon, and HAProxy's own check of
the documented configuration (benchmarks/processes.py runs it for real in its smoke test)."""

import glob
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")


def _instructions(name):
    return [m.group(1) for m in re.finditer(rf"^{name} (.+)$", DOCKERFILE, re.M)]


def test_dockerfile_copies_files_that_exist_and_never_state():
    copies = _instructions("COPY")
    assert copies
    for line in copies:
        for source in line.split()[:-1]:
            assert glob.glob(str(ROOT / source)), source
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    for private in ("data/*.db", ".streamlit/secrets.toml", ".git"):
        assert private in ignored


def test_dockerfile_runs_as_a_user_with_the_database_on_the_volume_and_a_health_check():
    assert _instructions("FROM") == ["python:3.11-slim"]
    assert _instructions("USER") == ["lape"]
    assert 'VOLUME ["/data"]' in DOCKERFILE and "LAPE_PLAN_DB=/data/lape_plan.db" in DOCKERFILE
    assert "/_stcore/health" in DOCKERFILE.split("HEALTHCHECK", 1)[1].split("\n\n")[0]
    assert "app.py" in _instructions("CMD")[0]


def test_the_health_check_command_answers_like_a_health_check(tmp_path):
    """The HEALTHCHECK's Python line, pointed at a stand-in server, exits 0 on 'ok' and 1 otherwise."""
    import http.server
    import threading

    code = re.search(r'"-c", "(.+?)"\]', DOCKERFILE.split("HEALTHCHECK", 1)[1]).group(1)
    for body, expected in ((b"ok", 0), (b"starting", 1)):

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200 if self.path == "/_stcore/health" else 404)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            here = code.replace("127.0.0.1:8501", f"127.0.0.1:{server.server_port}")
            assert here != code
            assert subprocess.run([sys.executable, "-c", here], timeout=30).returncode == expected
        finally:
            server.shutdown()


def test_compose_file_keeps_the_database_on_a_volume_and_the_port_on_loopback():
    compose = (ROOT / "compose.yaml").read_text(encoding="utf-8")
    assert '"127.0.0.1:8501:8501"' in compose
    assert "lape-data:/data" in compose and "LAPE_PLAN_DB: /data/lape_plan.db" in compose


def test_the_published_plans_folder_is_writable_where_the_app_runs():
    """The app publishes into static/published next to app.py: the image makes it the app user's
    (a compose volume keeps it), and the systemd unit, whose file system is read-only, may write it."""
    from lape_plan import publishing

    assert publishing.publish_root() == ROOT / "static" / "published"
    run = " ".join(DOCKERFILE.replace("\\\n", " ").split())  # continuation lines joined
    assert "mkdir -p /app/static/published && chown lape /app/static/published" in run
    assert "lape-published:/app/static/published" in (ROOT / "compose.yaml").read_text(encoding="utf-8")
    unit = (ROOT / "deploy" / "lape-plan@.service").read_text(encoding="utf-8")
    writable = next(line for line in unit.splitlines() if line.startswith("ReadWritePaths=")).split("=", 1)[1].split()
    assert "ProtectSystem=strict" in unit and "-/opt/lape-plan/static/published" in writable


def test_haproxy_accepts_the_documented_and_the_benchmark_configuration(tmp_path):
    if not shutil.which("haproxy"):
        pytest.skip("HAProxy is needed: apt-get install haproxy (scripts/test.sh installs it)")
    sys.path.insert(0, str(ROOT))
    from benchmarks.processes import haproxy_config

    documented = tmp_path / "documented.cfg"
    documented.write_text("global\n    maxconn 100\n\n" + (ROOT / "deploy" / "haproxy.cfg").read_text())
    generated = tmp_path / "generated.cfg"
    text = haproxy_config({"app": (18080, [18501, 18502])})
    generated.write_text(text)
    assert "cookie lape_srv insert indirect nocache httponly" in text and "server app2 127.0.0.1:18502" in text
    for path in (documented, generated):
        out = subprocess.run(["haproxy", "-c", "-f", str(path)], capture_output=True, text=True)
        assert out.returncode == 0, out.stdout + out.stderr


def test_behind_haproxy_the_app_sees_the_forwarded_client_address(tmp_path, run_async):
    """Sign-in limits count per client behind a proxy: Streamlit's server (uvicorn) takes the client's
    address from X-Forwarded-For sent by a proxy on loopback (README, "HTTPS behind your reverse proxy")."""
    if not shutil.which("haproxy"):
        pytest.skip("HAProxy is needed: apt-get install haproxy (scripts/test.sh installs it)")

    sys.path.insert(0, str(ROOT))
    from benchmarks.processes import haproxy_config, start_haproxy
    from benchmarks.workshop_load import Session, free_port, start_server

    page = tmp_path / "ip.py"
    page.write_text("import streamlit as st\nst.error(f'ip={st.context.ip_address}')\n")
    server, port = start_server(page, tmp_path, {}, tmp_path / "server.log")
    front = free_port()
    config = haproxy_config({"ip": (front, [port])})
    # the test client is on loopback too: the proxy reports a documentation address for it
    config = config.replace("    option forwardfor\n", "").replace(
        "    default_backend ip\n", "    default_backend ip\n    http-request set-header X-Forwarded-For 203.0.113.7\n"
    )
    assert "203.0.113.7" in config
    proxy = start_haproxy(config, tmp_path, [front])

    async def seen(to):
        session = Session(to, "")
        await session.open()
        await session.rerun()
        await session.close()
        return [text for _, text in session.alerts]

    try:
        assert run_async(seen(port)) == ["ip=None"]  # loopback: no address (the app then counts per session)
        assert run_async(seen(front)) == ["ip=203.0.113.7"]
    finally:
        for proc in (proxy, server):
            proc.terminate()
            proc.wait(timeout=15)
