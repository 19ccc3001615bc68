"""The result screen's PDFs in Debian's Chromium: the visitor downloads the report and the GP summary from the
buttons under their result (after an urgent result only the GP summary). Each page of the downloaded PDFs is
rendered with pdftoppm into test-artifacts/ (pdf-*.png), beside the other browser tests' screenshots."""

from __future__ import annotations

import io
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from pypdf import PdfReader

from tests.support.answers import answers_with
from tests.support.browser import artifact, screenshot

MIXED = {"stress": 7, "tension": 6, "pain_pattern": 9, "worries": 4, "perfectionism": 5}


def _take_the_test(visitor: Any, demo: Any, answers: dict[str, Any]) -> dict[str, Any]:
    visitor.open(demo.page_url)
    visitor.answer_all(answers)
    visitor.fill_contact(email=f"anna.{uuid.uuid4().hex[:8]}@voorbeeld.nl")
    response = visitor.submit()
    assert response.status == 201
    return dict(response.json())


def _download(visitor: Any, name: str, saved_as: str) -> bytes:
    with visitor.page.expect_download() as download:
        visitor.result().get_by_role("link", name=name).click()
    path = artifact(saved_as)
    download.value.save_as(path)
    assert download.value.suggested_filename.startswith("pijntest-")
    return path.read_bytes()


def _pages(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def _rendered(pdf_name: str) -> list[Path]:
    """Each page of the downloaded PDF as a PNG, as pdftoppm (poppler-utils) renders it."""
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm is missing: `python -m infra.chromium` installs poppler-utils (as `make test` does)"
    source = artifact(pdf_name)
    prefix = source.with_suffix("")
    for old in prefix.parent.glob(f"{prefix.name}-*.png"):
        old.unlink()
    subprocess.run([pdftoppm, "-png", "-r", "80", str(source), str(prefix)], check=True, timeout=60)
    pages = sorted(prefix.parent.glob(f"{prefix.name}-*.png"))
    assert pages, "pdftoppm rendered no page"
    assert all(page.stat().st_size > 5_000 for page in pages), "pdftoppm rendered blank pages"
    return pages


def test_the_visitor_downloads_the_report_and_the_gp_summary_from_the_result(visitor, demo, questionnaire):
    body = _take_the_test(visitor, demo, answers_with(questionnaire, domain_scores=MIXED))
    result = body["result"]
    view = visitor.result()
    expect(view.get_by_role("heading", name="Je uitslag bewaren")).to_be_visible()
    screenshot(visitor.page, "pdf-result-buttons")

    report = _pages(_download(visitor, "Download je rapport (PDF)", "pdf-report.pdf"))
    disclaimer = " ".join(result["disclaimer"].split())
    assert len(report) > 1
    for page in report:
        assert disclaimer in page
        assert "Indicatie, geen diagnose" in page
        assert result["versions"]["questionnaire"] in page
    assert all(f"{domain['label']} {domain['percent']}%" in " ".join(report) for domain in result["domains"])
    assert len(_rendered("pdf-report.pdf")) == len(report)

    (summary,) = _pages(_download(visitor, "Download de samenvatting voor je huisarts (PDF)", "pdf-huisarts.pdf"))
    assert disclaimer in summary
    assert "intakegesprek" not in summary.lower()
    assert len(_rendered("pdf-huisarts.pdf")) == 1


def test_after_an_urgent_result_the_screen_offers_only_the_gp_summary(visitor, demo, questionnaire):
    answers = answers_with(questionnaire, item_value=2, safety_yes=("red_fever_ill",))
    body = _take_the_test(visitor, demo, answers)
    assert body["result"]["triage"] == "urgent"
    assert body["documents"]["report"] is None
    view = visitor.result()
    expect(view.get_by_role("link", name="Download je rapport (PDF)")).to_have_count(0)
    screenshot(visitor.page, "pdf-result-urgent-buttons")
    (page,) = _pages(_download(visitor, "Download de samenvatting voor je huisarts (PDF)", "pdf-huisarts-urgent.pdf"))
    assert page.index("vandaag nog contact op met je huisarts") < page.index("Alarmsignalen")
    assert "%" not in page
    _rendered("pdf-huisarts-urgent.pdf")
