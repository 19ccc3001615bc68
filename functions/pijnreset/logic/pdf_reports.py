"""The PDFs a visitor can keep (their result report, the one-page summary for their GP) and the coach's
intake-prep sheet of one person (``render_prep``: red flags first, then contact, every result with its answers,
notes).

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
from typing import TYPE_CHECKING, Any, Literal

import yaml

from pijnreset.content.models import Questionnaire
from pijnreset.models.result import PijntestResult

if TYPE_CHECKING:
    from collections.abc import Callable

    from pijnreset.models.coach_api import LeadDetail, ResultOut

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
def _parsed_font(family: str, style: str, path: Path) -> tuple[Any, bytes, frozenset[int]]:
    """fpdf2's parse of the font (metrics, character widths, glyph ids), the file's bytes and the characters it
    can print: once a process."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font(family, style, path)
    parsed: Any = pdf.fonts[f"{family.lower()}{style}"]  # a TTFFont (add_font of a .ttf file)
    return parsed, path.read_bytes(), frozenset(parsed.cmap)


def parsed_fonts_forgotten() -> None:
    """Forgets the parsed fonts, so that the next report parses them again (what a cold start's first pays)."""
    _parsed_font.cache_clear()


def _font(pdf: Any, family: str, style: str, path: Path) -> frozenset[int]:
    """Adds the font to ``pdf`` as ``add_font`` would, from the parse of ``_parsed_font``. A document subsets
    its font in place when it is output, so each one gets its own fontTools object (read lazily from the cached
    bytes: only the tables the subsetter touches are decoded) and its own glyph subset; the parsed metrics are
    shared, read only. fpdf2 has no public way to reuse a parsed font (pinned in uv.lock; the unit tests render
    reports one after another and read them back)."""
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]  # fontTools ships no types
    from fpdf.fonts import SubsetMap

    parsed, data, glyphs = _parsed_font(family, style, path)
    font = copy(parsed)
    font.i = len(pdf.fonts) + 1
    font.ttfont = TTFont(BytesIO(data), recalcTimestamp=False, lazy=True)
    font.subset = SubsetMap(font)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font._hbfont = None
    pdf.fonts[font.fontkey] = font
    return glyphs


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
    texts = _texts(templates)
    stamp = created_at.strftime("%d-%m-%Y")

    def footer_line(page: int) -> str:
        return str(texts["footer_versions"]).format(**result.versions.model_dump(), date=stamp, page=page)

    pdf, heading, para = _document(texts, texts[kind]["title"], result.disclaimer, footer_line)
    if kind == "huisarts":
        _gp_summary(texts["huisarts"], result, answers, questionnaire, heading, para)
    else:
        _result_report(texts["result"], result, pdf, heading, para)
    return bytes(pdf.output())


def _document(texts: dict[str, Any], title: str, disclaimer: str, footer_line: Callable[[int], str]) -> Any:
    """A new A4 document in the project's look: "indicatie, geen diagnose" in every page's header, the
    disclaimer and ``footer_line(page)`` in its footer; with ``heading`` and ``para`` that write text the font
    can print (``_printable``)."""
    from fpdf import FPDF  # only the PDF function imports fpdf2 (cold start of the others)

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
            self.multi_cell(0, 3.6, disclaimer, new_x="LMARGIN", new_y="NEXT")
            self.cell(0, 5, footer_line(self.page_no()), align="C")

    pdf = Report(format="A4")
    pdf.set_lang("nl")
    pdf.set_creator(texts["author"])
    pdf.set_author(texts["author"])
    pdf.set_auto_page_break(auto=True, margin=34)
    glyphs = _font(pdf, "DejaVu", "", _FONTS / "DejaVuSans.ttf") & _font(
        pdf, "DejaVu", "B", _FONTS / "DejaVuSans-Bold.ttf"
    )
    pdf.set_text_color(*_INK)
    pdf.set_title(title)
    pdf.add_page()

    def heading(text: str, size: float = 13) -> None:
        pdf.set_font("DejaVu", "B", size)
        pdf.multi_cell(0, size * 0.55, _printable(text, glyphs), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)

    def para(text: str, size: float = 10) -> None:
        pdf.set_font("DejaVu", "", size)
        pdf.multi_cell(0, size * 0.5, _printable(text, glyphs), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)

    heading(title, 18)
    return pdf, heading, para


def _printable(text: str, glyphs: frozenset[int]) -> str:
    """``text`` with every character the font lacks replaced by "?": fpdf2 would log the missing ones, and the
    sheets print names, so no character of a person's text reaches a log."""
    return "".join(char if ord(char) in glyphs or char in "\n\t" else "?" for char in text)


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


def answer_lines(questionnaire: Questionnaire, answers: dict[str, int | str]) -> list[tuple[str, str]]:
    """Each answer as (question, answer label), in the questionnaire's order; an answer to a question this
    questionnaire does not hold (another version's) last, by its id and value."""
    lines: list[tuple[str, str]] = []
    asked: set[str] = set()
    blocks: list[tuple[list[Any], list[Any] | None]] = [
        (list(questionnaire.safety.questions), list(questionnaire.safety.options)),
        (list(questionnaire.context.questions), None),
        (list(questionnaire.scored.items), list(questionnaire.scored.options)),
    ]
    for questions, shared in blocks:
        for question in questions:
            asked.add(question.id)
            if question.id not in answers:
                continue
            value = answers[question.id]
            options = shared if shared is not None else question.options
            label = next((option.label for option in options if option.value == value), str(value))
            lines.append((question.text, label))
    lines += [(question_id, str(value)) for question_id, value in answers.items() if question_id not in asked]
    return lines


def render_prep(
    detail: LeadDetail,
    questionnaire_of: Callable[[str], Questionnaire],
    disclaimer: str,
    now: datetime,
    templates: Path,
) -> bytes:
    """The coach's intake-prep sheet of one person (``detail`` with answers, api/coach_views.lead_detail): the
    red flags first, then contact and the open intake's preferred way and moments, every result with its
    answers (``questionnaire_of(version)`` names them), the notes. The disclaimer is on every page."""
    texts = _texts(templates)
    prep: dict[str, Any] = texts["prep"]
    stamp = now.strftime("%d-%m-%Y")
    pdf, heading, para = _document(
        texts, prep["title"], disclaimer, lambda page: prep["footer"].format(date=stamp, page=page)
    )
    heading(prep["red_flags"])
    for flag in detail.red_flags:
        para(prep["flag_line"].format(urgency=prep["urgency"][flag.urgency], flag=flag.flag, date=flag.created_at[:10]))
    if not detail.red_flags:
        para(prep["no_red_flags"])
    heading(prep["contact"])
    lead = detail.lead
    open_intake = next((intake for intake in detail.intakes if intake.status == "requested"), None)
    phone = open_intake.phone if open_intake is not None else None
    para(prep["name"].format(value=lead.name or "-"))
    para(prep["email"].format(value=lead.email))
    para(prep["phone"].format(value=phone or "-"))
    if open_intake is not None:
        para(prep["preferred_contact"].format(value=prep["ways"][open_intake.preferred_contact]))
        moments = ", ".join(prep["moments"].get(moment, moment) for moment in open_intake.preferred_moments)
        para(prep["preferred_moments"].format(value=moments or "-"))
        if open_intake.message:
            para(prep["message"].format(value=open_intake.message))
    else:
        para(prep["no_open_intake"])
    heading(prep["results"])
    for result in detail.results:
        _prep_result(prep, result, questionnaire_of, heading, para)
    if not detail.results:
        para(prep["no_results"])
    heading(prep["notes"])
    for note in detail.notes:
        para(prep["note_line"].format(date=note.created_at[:10], author=note.author, text=note.text))
    if not detail.notes:
        para(prep["no_notes"])
    return bytes(pdf.output())


def _prep_result(
    prep: dict[str, Any],
    result: ResultOut,
    questionnaire_of: Callable[[str], Questionnaire],
    heading: Any,
    para: Any,
) -> None:
    heading(prep["result_title"].format(date=result.created_at[:10], triage=prep["triage"][result.triage]), 11)
    if result.total is not None:
        para(prep["total"].format(total=result.total, max=result.max_total))
    for theme in result.themes:
        para(prep["theme_line"].format(label=theme.label, score=theme.score, max=theme.max), 9)
    for note in result.notes:
        para(note, 9)
    para(prep["answers"], 9)
    questionnaire = questionnaire_of(result.versions.get("questionnaire", ""))
    for question, answer in answer_lines(questionnaire, result.answers or {}):
        para(f"• {question}: {answer}", 9)
