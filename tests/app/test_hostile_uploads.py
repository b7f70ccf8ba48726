"""Broken and oversized uploads on the Export and Indicators pages: a clear refusal in the
user's language, never a traceback."""

import io
import zipfile

from lape_plan import exports, plans, sotkanet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _broken_workbook(conn) -> bytes:
    """An exported workbook whose measures sheet is cut in the middle (lxml: XMLSyntaxError)."""
    data = exports.plan_workbook(conn, plans.plans(conn)[0]["id"], "fi")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            dst.writestr(info.filename, body[: len(body) // 2] if info.filename == "xl/worksheets/sheet4.xml" else body)
    return out.getvalue()


def test_malformed_workbook_on_the_export_page(app, conn):
    """Regression: a viewer saw a traceback with server paths for a malformed workbook."""
    at = app("pages/export.py", lang="sv")
    at.file_uploader[0].set_value(("plan.xlsx", _broken_workbook(conn), XLSX)).run()
    assert not at.exception
    frame = at.dataframe[0].value
    reason = frame.iloc[0].tolist()[-1]
    assert "kunde inte läsas" in reason and "XMLSyntaxError" in reason and "/" not in reason


def test_broken_template_on_the_indicators_page(app):
    at = app("pages/indicators.py", lang="en")
    at.radio(key="ind_view").set_value("import").run()
    at.file_uploader(key="ind_upload").set_value(("values.xlsx", b"PK\x03\x04 not a workbook", XLSX))
    [b for b in at.button if b.label == "Import the files"][0].click().run()
    assert not at.exception
    assert "not an Excel workbook" in at.dataframe[0].value["Reason"][0]


def test_file_over_the_page_limit_is_refused(app, monkeypatch):
    monkeypatch.setattr(sotkanet, "PAGE", sotkanet.Limits(1_000, 10, sotkanet.XLSX_LIMITS))
    at = app("pages/indicators.py", lang="en")
    at.radio(key="ind_view").set_value("import").run()
    big = b"indicator;region;year;gender;primary value\n" + b"191;964;2020;total;1.5\n" * 100
    at.file_uploader(key="ind_upload").set_value(("big.csv", big, "text/csv"))
    [b for b in at.button if b.label == "Import the files"][0].click().run()
    assert not at.exception
    assert "files of at most" in at.dataframe[0].value["Reason"][0]
