"""The PDFs a visitor can keep: their result report and the one-page summary for their GP.

Rendered on demand from the stored result and answers (never stored). The font is DejaVu Sans cut to the Latin
scripts, shipped in the package (pijnreset/fonts), parsed once per process (``_font``): a warm function renders
without parsing it again. fpdf2 is imported inside ``render`` so that only the function that renders PDFs pays for
the import. Every page carries "indicatie, geen diagnose" in its header and the disclaimer, the versions and the
date in its footer. After an urgent result only the GP summary exists (``ReportRefused``), and it leads with the
advice to contact the GP today.
"""

from __future__ import annotations

from copy import copy
from datetime import datetime
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any, Literal

import yaml

from pijnreset.content.models import Questionnaire
from pijnreset.models.result import PijntestResult

Kind = Literal["result", "huisarts"]
KINDS: tuple[Kind, ...] = ("result", "huisarts")
_INK = (40, 52, 64)
_MUTED = (96, 108, 120)
_BAR = (94, 140, 130)
_BAR_BACK = (226, 234, 232)
# DejaVu Sans (Bitstream Vera licence, LICENSE-DejaVu.txt beside it) ships in the package, cut to the Latin
# scripts (fonts/README.md: a small font is quick to subset into each PDF). It lives beside the code, not in
# templates/, which holds only text.
_FONTS = Path(__file__).resolve().parent.parent / "fonts"


class ReportRefused(ValueError):
    """This kind of report does not exist for this result (the result report after an urgent triage)."""


@cache
def _texts(templates: Path) -> dict[str, Any]:
    texts: dict[str, Any] = yaml.safe_load((templates / "pdf" / "reports.yaml").read_text(encoding="utf-8"))
    return texts


@cache
def _parsed_font(family: str, style: str, path: Path) -> tuple[Any, bytes]:
    """fpdf2's parse of the font (metrics, character widths, glyph ids) and the file's bytes: once a process."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font(family, style, path)
    return pdf.fonts[f"{family.lower()}{style}"], path.read_bytes()


def parsed_fonts_forgotten() -> None:
    """Forgets the parsed fonts, so that the next report parses them again (what a cold start's first pays)."""
    _parsed_font.cache_clear()


def _font(pdf: Any, family: str, style: str, path: Path) -> None:
    """Adds the font to ``pdf`` as ``add_font`` would, from the parse of ``_parsed_font``. A document subsets
    its font in place when it is output, so each one gets its own fontTools object (read lazily from the cached
    bytes: only the tables the subsetter touches are decoded) and its own glyph subset; the parsed metrics are
    shared, read only. fpdf2 has no public way to reuse a parsed font (pinned in uv.lock; the unit tests render
    reports one after another and read them back)."""
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]  # fontTools ships no types
    from fpdf.fonts import SubsetMap

    parsed, data = _parsed_font(family, style, path)
    font = copy(parsed)
    font.i = len(pdf.fonts) + 1
    font.ttfont = TTFont(BytesIO(data), recalcTimestamp=False, lazy=True)
    font.subset = SubsetMap(font)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font._hbfont = None
    pdf.fonts[font.fontkey] = font


def _label(questionnaire: Questionnaire, question_id: str, value: int | str | None) -> str:
    for question in questionnaire.context.questions:
        if question.id == question_id:
            return next((o.label for o in question.options if o.value == value), "-")
    return "-"


def render(
    kind: Kind,
    result: PijntestResult,
    answers: dict[str, int | str],
    questionnaire: Questionnaire,
    created_at: datetime,
    templates: Path,
) -> bytes:
    """The PDF of ``kind`` for one stored submission; ``ReportRefused`` for a result report after urgent triage."""
    if kind == "result" and result.triage == "urgent":
        raise ReportRefused(kind)
    from fpdf import FPDF  # only the PDF function imports fpdf2 (cold start of the others)

    texts = _texts(templates)
    versions = texts["footer_versions"]
    stamp = created_at.strftime("%d-%m-%Y")

    class Report(FPDF):
        def header(self) -> None:
            self.set_font("DejaVu", "B", 9)
            self.set_text_color(*_MUTED)
            self.cell(0, 6, texts["header"], new_x="LMARGIN", new_y="NEXT", align="R")
            self.ln(2)

        def footer(self) -> None:
            self.set_y(-30)
            self.set_font("DejaVu", "", 7.5)
            self.set_text_color(*_MUTED)
            self.multi_cell(0, 3.6, result.disclaimer, new_x="LMARGIN", new_y="NEXT")
            line = versions.format(**result.versions.model_dump(), date=stamp, page=self.page_no())
            self.cell(0, 5, line, align="C")

    pdf = Report(format="A4")
    pdf.set_lang("nl")
    pdf.set_creator(texts["author"])
    pdf.set_author(texts["author"])
    pdf.set_auto_page_break(auto=True, margin=34)
    _font(pdf, "DejaVu", "", _FONTS / "DejaVuSans.ttf")
    _font(pdf, "DejaVu", "B", _FONTS / "DejaVuSans-Bold.ttf")
    pdf.set_text_color(*_INK)
    pdf.set_title(texts[kind]["title"])
    pdf.add_page()

    def heading(text: str, size: float = 13) -> None:
        pdf.set_font("DejaVu", "B", size)
        pdf.multi_cell(0, size * 0.55, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)

    def para(text: str, size: float = 10) -> None:
        pdf.set_font("DejaVu", "", size)
        pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)

    heading(texts[kind]["title"], 18)
    if kind == "huisarts":
        _gp_summary(texts["huisarts"], result, answers, questionnaire, heading, para)
    else:
        _result_report(texts["result"], result, pdf, heading, para)
    return bytes(pdf.output())


def _gp_summary(
    texts: dict[str, str],
    result: PijntestResult,
    answers: dict[str, int | str],
    questionnaire: Questionnaire,
    heading: Any,
    para: Any,
) -> None:
    if result.triage == "urgent":
        heading(texts["urgent_lead"], 12)
    heading(texts["red_flags"])
    for flag in result.red_flags:  # urgent flags come first in the result already
        para(f"• {flag.flag}")
    if not result.red_flags:
        para(texts["no_red_flags"])
    heading(texts["pain"])
    para(texts["duration"].format(value=_label(questionnaire, "pain_duration", answers.get("pain_duration"))))
    para(texts["intensity"].format(value=answers.get("pain_last_week", "-")))
    heading(texts["scores"])
    for domain in result.domains:
        para(texts["score_line"].format(label=domain.label, score=domain.score, max=domain.max))
    if not result.domains:
        para(texts["no_scores"])
    heading(texts["about_title"])
    para(texts["about"])


def _result_report(texts: dict[str, str], result: PijntestResult, pdf: Any, heading: Any, para: Any) -> None:
    para(texts["intro"])
    if result.triage_message is not None:
        heading(result.triage_message.title)
        para(result.triage_message.text)
        heading(texts["red_flags"], 11)
        for flag in result.red_flags:
            para(f"• {flag.flag}")
    if result.indication is not None:
        heading(result.indication.title)
        para(result.indication.text)
    heading(texts["themes"])
    for domain in result.domains:
        pdf.set_font("DejaVu", "B", 10.5)
        pdf.cell(0, 6, f"{domain.label}  {domain.percent}%", new_x="LMARGIN", new_y="NEXT")
        width = pdf.epw
        pdf.set_fill_color(*_BAR_BACK)
        pdf.rect(pdf.l_margin, pdf.get_y(), width, 3, style="F")
        pdf.set_fill_color(*_BAR)
        pdf.rect(pdf.l_margin, pdf.get_y(), width * domain.percent / 100, 3, style="F")
        pdf.ln(5)
        para(domain.explanation)
        if domain.drivers:
            para(texts["drivers"], 9)
            for driver in domain.drivers:
                para(f"• {driver.text} — {driver.answer}", 9)
    if result.notes:
        heading(texts["notes"])
        for note in result.notes:
            para(note)
    if result.advice:
        heading(texts["advice"])
        for item in result.advice:
            heading(item.title, 10.5)
            para(item.text)
    if result.call_to_action is not None:
        heading(result.call_to_action.title)
        para(result.call_to_action.text)
