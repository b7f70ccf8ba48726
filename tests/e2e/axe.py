"""axe-core in the page: the engine from its npm package (scripts/test.sh installs it under
.cache/axe; a missing copy is installed here the same way)."""

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AXE_VERSION = "4.14.1"
PREFIX = ROOT / ".cache" / "axe"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_js() -> Path:
    path = Path(os.environ.get("AXE_JS", PREFIX / "node_modules" / "axe-core" / "axe.min.js"))
    if not path.exists():
        subprocess.run(
            [
                "npm",
                "install",
                "--silent",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(PREFIX),
                f"axe-core@{AXE_VERSION}",
            ],
            check=True,
        )
    return path


def violations(page) -> list[str]:
    """The WCAG 2.1 A/AA violations on the page as it is now, one line per element."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_js()))
    # resultTypes: only the violations carry their nodes' details, which makes a run faster
    found = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
        ".then(r => r.violations.map(v => v.nodes.map(n => v.id + ' ' + n.target.join(' ') + ': '"
        " + (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 200) + ' | ' + n.html.slice(0, 200))).flat())",
        TAGS,
    )
    return found
