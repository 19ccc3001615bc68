"""The PDFs: real text on every page (disclaimer, 'indicatie, geen diagnose', versions, date), no score and
only the GP summary after an urgent result, no sales text in the GP summary."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from pijnreset.content.loader import default_templates_dir
from pijnreset.logic.pdf_reports import ReportRefused, render
from pijnreset.logic.scoring import score
from pypdf import PdfReader

from tests.support.answers import answers_with

CREATED = datetime(2026, 11, 5, 9, 30, tzinfo=UTC)


def _pages(kind, content, answers):
    pdf = render(kind, score(content, answers), answers, content.questionnaire, CREATED, default_templates_dir())
    reader = PdfReader(io.BytesIO(pdf))
    return reader, [" ".join(page.extract_text().split()) for page in reader.pages]


def _flat(text):
    return " ".join(text.split())


def _stamps(content):
    result = score(content, answers_with(content.questionnaire))
    return [_flat(result.disclaimer), "Indicatie, geen diagnose", result.versions.questionnaire,
            result.versions.scoring, "05-11-2026"]  # fmt: skip


def _sales_phrases(questionnaire):
    cta = questionnaire.result.call_to_action
    return [cta.none.title, cta.see_gp.title, "intakegesprek", "traject", "Pijn Reset Methode"]


@pytest.mark.parametrize("kind", ["result", "huisarts"])
def test_every_page_carries_the_disclaimer_the_versions_and_the_date(content, questionnaire, kind):
    reader, pages = _pages(kind, content, answers_with(questionnaire, item_value=3))
    assert reader.metadata.title
    assert reader.metadata.author
    assert reader.trailer["/Root"]["/Lang"] == "nl"
    assert (kind == "result") == (len(pages) > 1)  # the long report has pages enough to check "every"
    for page in pages:
        for stamp in _stamps(content):
            assert stamp in page


def test_the_result_report_shows_themes_drivers_advice_and_the_invitation(content, questionnaire):
    result = score(content, answers_with(questionnaire, item_value=3))
    text = " ".join(_pages("result", content, answers_with(questionnaire, item_value=3))[1])
    assert all(f"{domain.label} {domain.percent}%" in text for domain in result.domains)
    assert result.domains[0].drivers[0].text in text
    assert all(item.title in text for item in result.advice)
    assert result.call_to_action is not None
    assert result.call_to_action.title in text


def test_the_gp_summary_has_plain_scores_pain_and_no_sales_text(content, questionnaire):
    answers = answers_with(questionnaire, item_value=3, safety_yes=("gp_night_pain",))
    result = score(content, answers)
    _, pages = _pages("huisarts", content, answers)
    text = " ".join(pages)
    assert len(pages) == 1
    assert text.index("Alarmsignalen") < text.index("Scores per thema")
    assert all(f"{domain.label}: {domain.score} van {domain.max}" in text for domain in result.domains)
    assert "Gemiddelde pijn afgelopen week (0-10): " + str(answers["pain_last_week"]) in text
    assert all(_flat(flag.flag) in text for flag in result.red_flags)
    assert not [phrase for phrase in _sales_phrases(questionnaire) if phrase.lower() in text.lower()]


def test_after_an_urgent_result_only_the_gp_summary_exists_and_leads_with_today(content, questionnaire):
    answers = answers_with(questionnaire, item_value=3, safety_yes=("red_leg_weakness",))
    with pytest.raises(ReportRefused):
        _pages("result", content, answers)
    _, pages = _pages("huisarts", content, answers)
    text = pages[0]
    assert text.index("vandaag nog contact op met je huisarts") < text.index("Alarmsignalen")
    assert " van " not in text.split("Scores per thema")[1].split("Wat deze test")[0]
    assert "Na dit alarmsignaal zijn geen scores berekend." in text


def test_fpdf_is_imported_only_when_a_pdf_is_rendered():
    import subprocess
    import sys

    probe = "import sys, pijnreset.logic.pdf_reports; print('fpdf' in sys.modules)"
    shown = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "False"


def test_reports_rendered_one_after_another_share_the_parsed_fonts_and_keep_their_own_text(content, questionnaire):
    """The fonts are parsed once per process; each document still subsets and embeds its own glyphs."""
    from pijnreset.logic import pdf_reports

    pdf_reports.parsed_fonts_forgotten()
    first = _pages("huisarts", content, answers_with(questionnaire, item_value=0))[1]
    parsed = pdf_reports._parsed_font.cache_info().currsize
    second = _pages("result", content, answers_with(questionnaire, item_value=3))[1]
    third = _pages("huisarts", content, answers_with(questionnaire, item_value=0))[1]
    assert parsed == 2
    assert pdf_reports._parsed_font.cache_info().currsize == 2
    assert first == third
    assert "Je Pijntest-rapport" in second[0]


def test_the_shipped_fonts_have_a_glyph_for_every_character_of_the_texts(content):
    """The fonts are DejaVu cut to the Latin scripts (fonts/README.md): every text a report prints fits them."""
    from fontTools.ttLib import TTFont
    from pijnreset.logic.pdf_reports import _FONTS

    texts = [
        (default_templates_dir() / "pdf" / "reports.yaml").read_text(encoding="utf-8"),
        (default_templates_dir() / "pijntest" / f"{content.questionnaire.version}.yaml").read_text(encoding="utf-8"),
        content.disclaimer.text,
    ]
    needed = {ord(c) for text in texts for c in text if c.isprintable()}
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        covered = set(TTFont(_FONTS / name).getBestCmap())
        assert sorted(chr(c) for c in needed - covered) == [], name
