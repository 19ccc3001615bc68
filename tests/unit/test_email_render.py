"""Email templates: every kind and variant renders, escaped, with the disclaimer in both parts."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email import message_from_bytes, policy

import pytest
from pijnreset.content.emails import email_templates
from pijnreset.content.followups import load_sequence
from pijnreset.content.loader import ContentError, default_templates_dir
from pijnreset.logic.email.envelopes import EmailLinks, Sending, builder_for
from pijnreset.logic.email.mime import address, build_message, safe_display_name
from pijnreset.logic.scoring import score
from pijnreset.models.email import JobData, SenderIdentity

from tests.support.answers import answers_with

SCENARIOS = {
    "low": {},
    "medium": {"item_value": 1, "domain_scores": {"pain_pattern": 6, "stress": 6}},
    "high": {"item_value": 2},
    "see_gp": {"item_value": 2, "safety_yes": ("gp_weight_loss",)},
    "urgent": {"item_value": 3, "safety_yes": ("red_leg_weakness",)},
    "urgent_crisis": {"safety_yes": ("red_not_wanting_to_live",)},
}


@pytest.fixture(scope="module")
def templates():
    return email_templates(default_templates_dir())


def _render(templates, content, questionnaire, scenario, name="Anna"):
    result = score(content, answers_with(questionnaire, **SCENARIOS[scenario]))
    context = {
        "name": name,
        "result": result.model_dump(mode="json"),
        "disclaimer": content.disclaimer.model_dump(),
        "brand": "Pijn Reset Methode",
        "intake_url": "https://www.pijnresetcoach.nl/pijntest#intake",
        "report_url": None if result.triage == "urgent" else "https://api.pijnresetcoach.nl/pijntest/rapport?token=r",
        "gp_summary_url": "https://api.pijnresetcoach.nl/pijntest/huisarts?token=g",
    }
    return result, templates.render("result", result.triage, context)


def _words(text: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", text).split()).lower()


# Every kind of email, built as the sender builds it (logic/email/envelopes.py) from a job's items: for the
# kinds that show a Pijntest, once per scenario (and the intake ones also without any Pijntest).
KINDS = sorted(email_templates(default_templates_dir()).catalog.kinds)
NO_PIJNTEST = "no_pijntest"
INTAKE = {
    "request_id": "5d646076-89f2-4bd3-b080-22ae9c727e2c",
    "name": "Anna de Vries",
    "email": "anna@example.nl",
    "phone": "0612345678",
    "preferred_contact": "phone",
    "preferred_moments": ["weekday_morning", "saturday"],
    "message": "Ik heb al twee jaar last van mijn onderrug.",
    "created_at": "2026-11-27T10:00:00.000Z",
}
# A cancelled booking, as the cancel emails read it (docs/booking.md).
BOOKED = INTAKE | {
    "lead_id": "a" * 32,
    "slot_start": "2026-12-03T08:00:00.000Z",
    "slot_end": "2026-12-03T08:30:00.000Z",
    "booking_status": "booked",
}
CANCELLED_BOOKING = INTAKE | {
    "lead_id": "a" * 32,
    "slot_start": "2026-12-03T08:00:00.000Z",
    "slot_end": "2026-12-03T08:30:00.000Z",
    "booking_status": "cancelled",
    "booking_sequence": 1,
}


def sample_digest() -> dict:
    """The weekly digest's context as the digest function builds it (logic/digest.py)."""
    from pijnreset.content.funnel import load_funnel_words
    from pijnreset.logic.digest import digest_view, digest_weeks

    weeks = digest_weeks(datetime(2026, 11, 30, 7, 0, tzinfo=UTC))
    words = load_funnel_words(default_templates_dir())
    last = {"started": 40, "completed": 25, "lead": 12, "red_flag": 2}
    before = {"started": 20, "completed": 25, "lead": 14}
    return digest_view(weeks, last, before, words.steps, 3, {"email": 1, "relay": 0, "async": 0})


def _scenarios(kind: str) -> list[str | None]:
    if kind == "result":
        return list(SCENARIOS)
    if kind.startswith("intake_"):
        return [*SCENARIOS, NO_PIJNTEST]
    return [None]


def _built(kind, scenario, content, questionnaire):
    submission = None
    if scenario not in (None, NO_PIJNTEST):
        result = score(content, answers_with(questionnaire, **SCENARIOS[scenario]))
        submission = {
            "result": result.model_dump(mode="json"),
            "submission_id": "5d646076-89f2-4bd3-b080-22ae9c727e2d",
            "created_at": "2026-11-26T09:00:00.000Z",
        }
    if kind == "optin_confirm":  # its link names the submission whose opt-in it confirms
        submission = {"submission_id": "5d646076-89f2-4bd3-b080-22ae9c727e2d", "created_at": "2026-11-26T09:00:00.000Z"}
    data = JobData(
        job={"kind": kind, **({"digest": sample_digest()} if kind == "weekly_digest" else {})},
        lead={"email": "anna@example.nl", "name": "Anna", "lead_id": "a" * 32},
        submission=submission,
        intake=INTAKE
        if kind.startswith("intake_")
        else BOOKED
        if kind == "booking_reminder"
        else CANCELLED_BOOKING
        if kind.startswith("booking_")
        else None,
    )
    sending = Sending(
        content,
        EmailLinks("https://www.pijnresetcoach.nl/pijntest", "https://api.pijnresetcoach.nl", lambda *_: "token"),
        SenderIdentity("pijntest@pijnresetcoach.nl", "Pijn Reset Methode", "coach@pijnresetcoach.nl"),
        datetime(2026, 11, 27, 10, 0, tzinfo=UTC),
    )
    return builder_for(kind)(data, sending)


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_and_variant_carries_the_disclaimer_in_both_parts(templates, content, questionnaire, kind):
    disclaimer = content.disclaimer  # templates/disclaimer/, the version the questionnaire names
    variants = set()
    for scenario in _scenarios(kind):
        envelope = _built(kind, scenario, content, questionnaire)
        email = templates.render(kind, envelope.variant, {"brand": "Pijn Reset Methode", **envelope.context})
        variants.add(envelope.variant)
        for name, part in (("html", email.html), ("text", email.text)):
            assert _words(disclaimer.text) in _words(part), f"{kind}/{scenario}: no disclaimer in the {name} part"
            assert _words(disclaimer.title) in _words(part), f"{kind}/{scenario}: no disclaimer title ({name})"
    assert variants == set(templates.catalog.kinds[kind].subjects), "every variant of the kind was rendered"


def test_every_email_the_funnel_can_send_is_among_the_kinds_rendered_above(templates):
    followups = {step.kind for step in load_sequence(default_templates_dir()).steps}
    assert followups <= set(KINDS)
    assert {"result", "optin_confirm", "erase_confirm", "intake_coach", "intake_confirmation"} <= set(KINDS)
    files = {path.name.removesuffix(".html.j2") for path in (default_templates_dir() / "email").glob("*.html.j2")}
    assert files == {spec.template for spec in templates.catalog.kinds.values()}, "no template outside the catalog"


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_variant_renders_both_parts_with_the_disclaimer(templates, content, questionnaire, scenario):
    result, email = _render(templates, content, questionnaire, scenario)
    if scenario in ("low", "medium", "high"):
        assert result.category == scenario
    for part in (email.text, email.html):
        assert _words(content.disclaimer.text) in _words(part)
    assert email.version == templates.catalog.version, "every email is stamped with its catalogue's version"


@pytest.mark.parametrize("scenario", ["low", "medium", "high"])
def test_a_clear_result_shows_indication_bars_notes_advice_and_the_invitation(
    templates, content, questionnaire, scenario
):
    result, email = _render(templates, content, questionnaire, scenario)
    assert email.subject == "Je uitslag van de Pijntest"
    html = email.html
    assert _words(result.indication.title) in _words(html)
    for domain in result.domains:
        assert _words(domain.label) in _words(html)
        if domain.percent:
            assert f'width="{domain.percent}%"' in html
    for step in result.advice:
        assert _words(step.title) in _words(html)
    assert 'href="https://www.pijnresetcoach.nl/pijntest#intake"' in html
    assert "traject van 6 weken" in _words(email.text)
    assert "Plan een intakegesprek" in email.text


def test_the_see_gp_variant_leads_with_the_banner_and_drops_the_intake_button(templates, content, questionnaire):
    result, email = _render(templates, content, questionnaire, "see_gp")
    assert email.subject == "Je uitslag van de Pijntest: bespreek dit eerst met je huisarts"
    words = _words(email.html)
    assert words.index("bespreek dit eerst met je huisarts") < words.index(_words(result.indication.title))
    assert "#intake" not in email.html
    assert "Eerst naar je huisarts, daarna een intake" in email.html


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_the_result_email_links_to_the_pdfs_as_triage_allows(templates, content, questionnaire, scenario):
    result, email = _render(templates, content, questionnaire, scenario)
    urgent = result.triage == "urgent"
    for part in (email.html, email.text):
        assert "/pijntest/huisarts?token=g" in part
        assert ("/pijntest/rapport?token=r" in part) is not urgent


@pytest.mark.parametrize("scenario", ["urgent", "urgent_crisis"])
def test_the_urgent_variant_has_only_the_gp_today_advice(templates, content, questionnaire, scenario):
    _, email = _render(templates, content, questionnaire, scenario)
    assert email.subject == "Belangrijk: neem vandaag nog contact op met je huisarts"
    for part in (_words(email.text), _words(email.html)):
        assert "huisartsenpost" in part
        assert "112" in part
        assert ("0800-0113" in part) is (scenario == "urgent_crisis")
        for absent in ("totaalscore", "intakegesprek", "traject", "wat je zelf kunt doen", "indicatie:"):
            assert absent not in part


def test_html_is_made_for_email_clients(templates, content, questionnaire):
    _, email = _render(templates, content, questionnaire, "high")
    assert "<style" not in email.html, "CSS is inlined"
    assert 'style="' in email.html
    assert 'role="presentation"' in email.html
    assert not re.search(r"<(script|link|img)\b", email.html)
    assert not re.search(r"(src|href)=\"(?!https://(www|api)\.pijnresetcoach\.nl/)", email.html)


def test_visitor_text_is_escaped_in_html_and_literal_in_text(templates, content, questionnaire):
    _, email = _render(templates, content, questionnaire, "high", name='<script>alert("x")</script>')
    assert "<script>" not in email.html
    assert "&lt;script&gt;" in email.html
    assert 'Hoi <script>alert("x")</script>,' in email.text


def test_a_template_with_forbidden_wording_fails_at_load(tmp_path):
    import shutil

    target = tmp_path / "templates"
    shutil.copytree(default_templates_dir(), target)
    path = target / "email" / "result.html.j2"
    path.write_text(path.read_text(encoding="utf-8") + "\n<p>Binnen zes weken pijnvrij!</p>\n", encoding="utf-8")
    email_templates.cache_clear()
    with pytest.raises(ContentError, match="pijnvrij"):
        email_templates(target)


def test_a_template_with_a_syntax_error_fails_at_load(tmp_path):
    import shutil

    from jinja2 import TemplateSyntaxError

    target = tmp_path / "templates"
    shutil.copytree(default_templates_dir(), target)
    (target / "email" / "result.txt.j2").write_text("{% if %}", encoding="utf-8")
    with pytest.raises(TemplateSyntaxError):
        email_templates(target)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Anna de Vries", "Anna de Vries"),
        ("Anna\r\nBcc: all@example.nl", "Anna Bcc all example.nl"),
        ('"Anna" <evil@example.nl>, x@x.nl', "Anna evil example.nl x x.nl"),
        ("=?utf-8?b?QW5uYQ0KWC1JOiAx?=", "utf-8 b QW5uYQ0KWC1JOiAx"),
        ("Anna\x00\x1b[31m", "Anna 31m"),
        ("  Anna   \t  Bram ", "Anna Bram"),
        ("Anna\u202eseirV", "AnnaseirV"),
        ("Line\u2028break", "Line break"),
        ("😀" * 100, "😀" * 64),
    ],
)
def test_safe_display_name(name, expected):
    assert safe_display_name(name) == expected


@pytest.mark.parametrize("name", ["Anna\r\nBcc: all@example.nl", '"Anna" <evil@example.nl>, x@example.nl', "😀" * 100])
def test_no_display_name_can_add_a_header_or_a_recipient(name):
    raw = build_message(
        sender=address("pijntest@pijnresetcoach.nl", "Pijn Reset Methode"),
        recipient=address("anna@example.nl", name),
        reply_to=address("coach@pijnresetcoach.nl"),
        subject="Je uitslag van de Pijntest",
        text="tekst",
        html="<p>html</p>",
        sent_at=datetime(2026, 11, 27, tzinfo=UTC),
    )
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["Bcc"] is None
    assert [a.addr_spec for a in parsed["To"].addresses] == ["anna@example.nl"]
    assert parsed["Subject"] == "Je uitslag van de Pijntest"
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    assert [part.get_content_type() for part in parsed.walk()] == ["multipart/alternative", "text/plain", "text/html"]
