"""With LAPE_REQUIRE_ALL=1 (scripts/test.sh, so CI) a skipped test fails the run: the tests that
skip on a machine without LibreOffice must run where it is installed."""

import os

import pytest

_skipped: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped and not hasattr(report, "wasxfail"):
        _skipped.append(report.nodeid)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("LAPE_REQUIRE_ALL") == "1" and _skipped and exitstatus == pytest.ExitCode.OK:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter:
            reporter.write("\n")
            reporter.write_line(
                f"LAPE_REQUIRE_ALL=1: {len(_skipped)} test(s) skipped, which fails the run: "
                + ", ".join(_skipped[:10]),
                red=True,
            )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
