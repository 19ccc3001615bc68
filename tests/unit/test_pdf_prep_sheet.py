"""The coach's intake-prep sheet: red flags before everything else, contact and the open intake's preferences,
every result with its answers named, the notes, the disclaimer on every page, and no character of a name in
fpdf2's log when the font lacks it."""

from __future__ import annotations

import io
import logging
from datetime import UTC, datetime

from pijnreset.content.loader import default_templates_dir
from pijnreset.logic.coach_views import lead_detail
from pijnreset.logic.pdf_reports import answer_lines, render_prep
from pijnreset.logic.scoring import score
from pypdf import PdfReader

from tests.support.answers import answers_with

NOW = datetime(2026, 11, 5, 9, 30, tzinfo=UTC)
LEAD = "a" * 32


def _items(content, answers, name="Anna de Vries", notes=30):
    result = score(content, answers)
    lead = {
        "entity": "lead",
        "lead_id": LEAD,
        "email": "anna@example.nl",
        "latest_name": name,
        "created_at": "2026-11-01T08:00:00Z",
        "latest_triage": result.triage,
    }
    submission = {
        "entity": "submission",
        "submission_id": "s1",
        "created_at": "2026-11-01T08:00:00Z",
        "name": name,
        "result": result.model_dump(mode="json"),
        "answers": answers,
    }
    intake = {
        "entity": "intake",
        "request_id": "r" * 36,
        "lead_id": LEAD,
        "status": "requested",
        "created_at": "2026-11-02T08:00:00Z",
        "name": name,
        "email": "anna@example.nl",
        "phone": "0612345678",
        "preferred_contact": "phone",
        "preferred_moments": ["weekday_evening", "saturday"],
        "message": "Liefst na zessen",
    }
    note_items = [
        {
            "entity": "note",
            "note_id": f"n{i}",
            "text": f"Notitie nummer {i} over de rug",
            "author": "coach",
            "created_at": f"2026-11-03T08:{i:02d}:00Z",
        }
        for i in range(notes)
    ]
    return [lead, submission, intake, *note_items]


def _sheet(content, answers, **kwargs):
    detail = lead_detail(_items(content, answers, **kwargs), True, NOW)
    assert detail is not None
    pdf = render_prep(detail, lambda _: content.questionnaire, content.disclaimer.text, NOW, default_templates_dir())
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_red_flags_come_first_then_contact_results_with_answers_and_notes(content, questionnaire):
    answers = answers_with(questionnaire, item_value=2, safety_yes=("gp_night_pain",))
    text = " ".join(_sheet(content, answers))
    result = score(content, answers)
    assert result.red_flags
    first_flag = text.index(" ".join(result.red_flags[0].flag.split()))
    assert first_flag < text.index("Contact") < text.index("Uitkomsten van de Pijntest") < text.index("Notities")
    for needle in [
        "Anna de Vries",
        "anna@example.nl",
        "0612345678",
        "telefoon",
        "doordeweeks 's avonds",
        "zaterdag",
        "Liefst na zessen",
        "Notitie nummer 29 over de rug",
    ]:
        assert needle in text
    lines = answer_lines(questionnaire, answers)
    assert len(lines) == len(answers)
    for question, answer in lines:
        assert " ".join(f"{question}: {answer}".split()) in text


def test_the_disclaimer_is_on_every_page(content, questionnaire):
    pages = _sheet(content, answers_with(questionnaire, item_value=3))
    assert len(pages) > 1  # enough pages to check "every"
    disclaimer = " ".join(content.disclaimer.text.split())
    assert all(disclaimer in page and "Indicatie, geen diagnose" in page for page in pages)


def test_a_name_the_font_cannot_print_never_reaches_a_log(content, questionnaire, caplog):
    name = "Zoë 王小明 \U0001f600"
    with caplog.at_level(logging.DEBUG):
        text = " ".join(_sheet(content, answers_with(questionnaire), name=name, notes=1))
    assert "Zoë" in text  # what the font has is printed
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "missing" not in logged
    assert not [char for char in "王小明\U0001f600" if char in logged]
