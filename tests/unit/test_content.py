"""The content files load, follow the design brief, and a broken definition fails loudly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from pijnreset.api.errors import ApiError, error_texts
from pijnreset.content.emails import email_templates
from pijnreset.content.followups import load_sequence
from pijnreset.content.loader import ContentError, default_templates_dir, load_content
from pijnreset.content.pages import pages
from pijnreset.content.wording import forbidden_phrases_in

TEMPLATES = default_templates_dir()


def test_the_brief_s_five_domains_with_sixteen_items_scoring_0_to_48(questionnaire):
    counts = {domain.id: questionnaire.domain_max(domain.id) // 3 for domain in questionnaire.scored.domains}
    assert counts == {"stress": 3, "tension": 3, "pain_pattern": 4, "worries": 3, "perfectionism": 3}
    assert questionnaire.max_total == 48
    assert [option.label for option in questionnaire.scored.options] == ["Nooit", "Soms", "Vaak", "Bijna altijd"]


def test_safety_block_holds_every_red_flag_of_the_brief(questionnaire):
    urgent = {q.id for q in questionnaire.safety.questions if q.urgency == "urgent"}
    see_gp = {q.id for q in questionnaire.safety.questions if q.urgency == "see_gp"}
    assert len(urgent) == 7
    assert len(see_gp) == 8  # "never assessed" and "under 6 weeks" come from the context answers
    assert [q.id for q in questionnaire.safety.questions if q.crisis_line] == ["red_not_wanting_to_live"]
    assert {trigger.id for trigger in questionnaire.context.triggers} == {"never_assessed", "pain_under_6_weeks"}


def test_versions_are_stamped_and_consents_hash_their_exact_text(content):
    assert content.questionnaire.version == "pijntest-v1"
    assert content.questionnaire.scoring.version == "scoring-v1"
    assert content.disclaimer.version == "disclaimer-v1"
    assert content.consents.version == "consent-v1"
    assert len(content.consent_text_sha256("health_data")) == 64
    assert content.consent_text_sha256("health_data") != content.consent_text_sha256("marketing")


def test_adding_a_consent_leaves_the_texts_already_proven_unchanged(content):
    """Stored proof names consent-v1 and the SHA-256 of its text: those texts may never change in place."""
    assert content.consent_text_sha256("health_data").startswith("fd8bc02b4cfd508a")
    assert content.consent_text_sha256("marketing").startswith("a4e97bd7a6be4b5b")


def test_disclaimer_is_the_article_s_adapted_to_the_test(content):
    text = content.disclaimer.text
    assert "geen vervanging voor medisch advies, diagnose of behandeling" in text
    assert "Pijntest" in text
    assert "Resultaten verschillen per persoon." in text


def test_no_forbidden_wording_in_any_template_file():
    texts = [path.read_text(encoding="utf-8") for path in TEMPLATES.rglob("*") if path.is_file()]
    assert texts, "no template files found"
    assert forbidden_phrases_in(texts) == []


def test_forbidden_wording_is_found_whatever_its_case():
    assert forbidden_phrases_in(["Word PIJNVRIJ", "je rugpijn komt door stress", "snel genezen"]) == [
        "pijnvrij",
        "komt door stress",
        "genezen",
    ]


@pytest.fixture
def broken_copy(tmp_path: Path):
    """A copy of templates/ whose questionnaire a test may edit."""
    target = tmp_path / "templates"
    shutil.copytree(TEMPLATES, target)
    path = target / "pijntest" / "pijntest-v1.yaml"

    def edit(change) -> Path:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        return target

    return edit


def _items(data):
    return data["scored"]["items"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: _items(d).append(dict(_items(d)[0])), "question ids must be unique"),
        (lambda d: _items(d)[0].update(domain="nonsense"), "unknown domain"),
        (lambda d: d["scored"]["domains"].pop(), "unknown domain"),
        (lambda d: d["safety"]["questions"][0].update(urgency="later"), "urgency"),
        (lambda d: d["result"]["categories"]["high"].update(text="Na zes weken ben je pijnvrij."), "forbidden"),
        (lambda d: d["scoring"]["gate"].update(min_score=13), "gate asks more"),
        (lambda d: d["scoring"]["overall"].update(medium_from=31), "overall bands must rise"),
        (lambda d: d["scored"]["options"].pop(), "answered 0, 1, 2 or 3"),
        (lambda d: d["safety"]["questions"][9]["applies_if"].update(question="shoe_size"), "unknown context"),
        (lambda d: d["context"]["triggers"][0]["when"].update(any_of=["maybe"]), "values it cannot take"),
        (lambda d: d["result"]["categories"].pop("low"), "low, medium and high"),
        (lambda d: d["safety"]["questions"][0].update(text=""), "at least 1 character"),
        (lambda d: d.update(surprise="field"), "Extra inputs are not permitted"),
        (lambda d: d.update(version="pijntest-v2"), "file name must equal its version"),
    ],
)
def test_a_broken_questionnaire_fails_at_load_naming_the_file(broken_copy, change, message):
    templates = broken_copy(change)
    with pytest.raises(ContentError, match=message) as raised:
        load_content("pijntest-v1", templates)
    assert "pijntest-v1.yaml" in str(raised.value)


def test_a_missing_questionnaire_version_fails_at_load(tmp_path):
    with pytest.raises(ContentError, match="pijntest-v9"):
        load_content("pijntest-v9", TEMPLATES)


def _consent(data, purpose):
    return next(consent for consent in data["consents"] if consent["purpose"] == purpose)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: _consent(d, "health_data").update(required=False), "health_data consent is mandatory"),
        (lambda d: _consent(d, "marketing").update(required=True), "marketing consent must stay optional"),
        (lambda d: _consent(d, "contact").update(required=False), "contact consent is mandatory"),
        (lambda d: d["consents"].remove(_consent(d, "contact")), "contact consent is mandatory"),
        (lambda d: _consent(d, "contact").update(form="pijntest"), "contact consent belongs in the intake form"),
        (lambda d: _consent(d, "health_data").update(form="intake"), "health_data consent belongs in the pijntest"),
        (lambda d: _consent(d, "marketing").pop("form"), "form"),
        (lambda d: _consent(d, "contact").update(form="newsletter"), "form"),
        (lambda d: d["consents"].append(dict(_consent(d, "contact"))), "each consent purpose may appear once"),
    ],
)
def test_a_consent_set_that_breaks_a_rule_fails_at_load(tmp_path, change, message):
    target = tmp_path / "templates"
    shutil.copytree(TEMPLATES, target)
    path = target / "consent" / "consent-v1.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError, match=message) as raised:
        load_content("pijntest-v1", target)
    assert "consent-v1.yaml" in str(raised.value)


@pytest.mark.parametrize(
    ("path", "load"),
    [
        ("pages/pages.yaml", lambda templates: pages(templates, "Pijn Reset Methode", "disclaimer")),
        ("email/emails.yaml", email_templates),
        ("followups/sequence-v1.yaml", load_sequence),
        ("api/errors.yaml", error_texts),
    ],
)
def test_every_content_file_that_is_not_yaml_fails_at_load_naming_the_file(tmp_path, path, load):
    target = tmp_path / "templates"
    shutil.copytree(TEMPLATES, target)
    (target / path).write_text("version: [unclosed\n", encoding="utf-8")
    with pytest.raises(ContentError, match=path.rsplit("/", 1)[-1]):
        load(target)


def test_the_api_error_texts_are_those_of_the_templates_dir_they_are_read_from(tmp_path):
    """The functions' own templates/ (no environment variable moves it); another directory only when named."""
    target = tmp_path / "templates"
    shutil.copytree(TEMPLATES, target)
    path = target / "api" / "errors.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["summary"]["validation_failed"] = "Andere tekst."
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert error_texts(target).summary["validation_failed"] == "Andere tekst."
    assert error_texts() == error_texts(TEMPLATES)
    assert ApiError(400, "validation_failed").body()["message"] == error_texts(TEMPLATES).summary["validation_failed"]
    assert ApiError(400, "validation_failed").body()["message"] != "Andere tekst."
