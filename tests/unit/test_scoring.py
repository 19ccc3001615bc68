"""Scoring: triage first, then domains, bands, the gate, notes, advice; every result carries the disclaimer."""

from __future__ import annotations

import pytest
from pijnreset.logic.scoring import score

from tests.support.answers import answers_with, total_of


def _safety_ids(questionnaire, urgency):
    return [q.id for q in questionnaire.safety.questions if q.urgency == urgency]


def test_all_clear_answers_give_a_low_indication_without_triage(content, questionnaire):
    result = score(content, answers_with(questionnaire))
    assert (result.triage, result.category, result.total, result.max_total) == ("none", "low", 0, 48)
    assert result.red_flags == []
    assert result.triage_message is None
    assert result.call_to_action is not None
    assert result.call_to_action.title == questionnaire.result.call_to_action.none.title


@pytest.mark.parametrize(
    "question_id",
    ["red_bladder_bowel", "red_saddle_numbness", "red_sexual_function", "red_leg_weakness", "red_fever_ill",
     "red_trauma", "red_not_wanting_to_live"],
)  # fmt: skip
def test_every_urgent_question_alone_hides_the_score_and_advises_the_gp_today(content, questionnaire, question_id):
    result = score(content, answers_with(questionnaire, item_value=3, safety_yes=(question_id,)))
    assert result.triage == "urgent"
    assert [(flag.id, flag.urgency) for flag in result.red_flags] == [(question_id, "urgent")]
    assert result.category is None
    assert result.total is None
    assert result.indication is None
    assert result.domains == []
    assert result.call_to_action is None
    assert result.advice == []
    assert result.triage_message is not None
    assert "huisartsenpost" in result.triage_message.text
    assert "112" in result.triage_message.text


def test_the_urgent_list_in_the_test_is_the_questionnaire_s(questionnaire):
    assert set(_safety_ids(questionnaire, "urgent")) == {
        "red_bladder_bowel", "red_saddle_numbness", "red_sexual_function", "red_leg_weakness", "red_fever_ill",
        "red_trauma", "red_not_wanting_to_live",
    }  # fmt: skip


def test_the_113_line_appears_only_with_the_flag_that_calls_for_it(content, questionnaire):
    crisis = score(content, answers_with(questionnaire, safety_yes=("red_not_wanting_to_live",)))
    other = score(content, answers_with(questionnaire, safety_yes=("red_fever_ill",)))
    assert crisis.triage_message is not None
    assert "0800-0113" in (crisis.triage_message.crisis_line or "")
    assert other.triage_message is not None
    assert other.triage_message.crisis_line is None


def test_urgent_wins_over_see_gp_and_over_a_high_score(content, questionnaire):
    answers = answers_with(questionnaire, item_value=3, safety_yes=("gp_cancer_history", "red_trauma"))
    result = score(content, answers)
    assert result.triage == "urgent"
    assert {flag.id for flag in result.red_flags} == {"gp_cancer_history", "red_trauma"}
    assert result.category is None


@pytest.mark.parametrize(
    "question_id",
    ["gp_cancer_history", "gp_weight_loss", "gp_night_pain", "gp_worsening", "gp_bone_steroids", "gp_inflammatory",
     "gp_radiating_numbness"],
)  # fmt: skip
def test_every_see_gp_question_alone_shows_scores_under_the_gp_banner(content, questionnaire, question_id):
    result = score(content, answers_with(questionnaire, item_value=2, safety_yes=(question_id,)))
    assert result.triage == "see_gp"
    assert [(flag.id, flag.urgency) for flag in result.red_flags] == [(question_id, "see_gp")]
    assert result.total == 32
    assert result.category == "high"
    assert result.triage_message is not None
    assert result.triage_message.title == "Bespreek dit eerst met je huisarts"
    assert result.call_to_action is not None
    assert result.call_to_action.title == questionnaire.result.call_to_action.see_gp.title


@pytest.mark.parametrize(
    ("age_band", "expected"),
    [("under_20", "see_gp"), ("20_34", "none"), ("35_50", "none"), ("51_65", "see_gp"), ("over_65", "see_gp")],
)
def test_a_first_episode_is_a_warning_sign_only_below_20_or_above_50(content, questionnaire, age_band, expected):
    answers = answers_with(questionnaire, safety_yes=("gp_first_episode",), context={"age_band": age_band})
    assert score(content, answers).triage == expected


@pytest.mark.parametrize(
    ("context", "flag"),
    [({"assessed": "no"}, "never_assessed"), ({"pain_duration": "under_6_weeks"}, "pain_under_6_weeks")],
)
def test_never_assessed_or_pain_under_6_weeks_means_see_gp(content, questionnaire, context, flag):
    result = score(content, answers_with(questionnaire, context=context))
    assert result.triage == "see_gp"
    assert [red_flag.id for red_flag in result.red_flags] == [flag]
    assert result.category == "low"


@pytest.mark.parametrize("duration", ["6_to_12_weeks", "over_3_months"])
def test_pain_of_6_weeks_or_more_raises_no_flag(content, questionnaire, duration):
    assert score(content, answers_with(questionnaire, context={"pain_duration": duration})).triage == "none"


@pytest.mark.parametrize(
    ("total", "category"), [(0, "low"), (15, "low"), (16, "medium"), (29, "medium"), (30, "high"), (48, "high")]
)
def test_overall_band_edges(content, questionnaire, total, category):
    result = score(
        content, answers_with(questionnaire, domain_scores=total_of(questionnaire, total, gate_score=min(total, 12)))
    )
    assert result.total == total
    assert result.category == category


@pytest.mark.parametrize(("gate_score", "category"), [(5, "medium"), (6, "high")])
def test_high_needs_a_pain_pattern_of_at_least_6_of_12(content, questionnaire, gate_score, category):
    result = score(content, answers_with(questionnaire, domain_scores=total_of(questionnaire, 36, gate_score)))
    assert result.total == 36
    assert result.category == category
    gate_note = questionnaire.result.notes.gate
    assert (gate_note in result.notes) is (category == "medium")


def test_the_gate_note_is_absent_when_the_total_is_not_high(content, questionnaire):
    result = score(content, answers_with(questionnaire, domain_scores=total_of(questionnaire, 29, gate_score=0)))
    assert result.category == "medium"
    assert questionnaire.result.notes.gate not in result.notes


# Bands: under 34% of the domain maximum is low, above 66% high. For 9-point domains: 0-3 | 4-5 | 6-9;
# for the 12-point pain pattern: 0-4 | 5-7 | 8-12.
NINE = [(0, "low"), (3, "low"), (4, "medium"), (5, "medium"), (6, "high"), (9, "high")]
TWELVE = [(0, "low"), (4, "low"), (5, "medium"), (7, "medium"), (8, "high"), (12, "high")]


@pytest.mark.parametrize(
    ("domain_id", "domain_score", "band"),
    [(domain, value, band) for domain in ("stress", "tension", "worries", "perfectionism") for value, band in NINE]
    + [("pain_pattern", value, band) for value, band in TWELVE],
)
def test_every_domain_s_band_edges(content, questionnaire, domain_id, domain_score, band):
    result = score(content, answers_with(questionnaire, domain_scores={domain_id: domain_score}))
    domain = next(domain for domain in result.domains if domain.id == domain_id)
    assert (domain.score, domain.band) == (domain_score, band)
    assert domain.percent == round(100 * domain_score / domain.max)
    assert domain.explanation == getattr(
        next(d for d in questionnaire.scored.domains if d.id == domain_id).explanation, band
    )


def test_a_high_worries_domain_adds_the_note_to_see_a_gp_or_physio(content, questionnaire):
    note = questionnaire.result.notes.worries
    assert note in score(content, answers_with(questionnaire, domain_scores={"worries": 6})).notes
    assert note not in score(content, answers_with(questionnaire, domain_scores={"worries": 5})).notes


def test_the_result_names_the_answers_that_drove_each_domain(content, questionnaire):
    answers = answers_with(questionnaire)
    answers.update({"stress_overload": 3, "stress_mind_busy": 2, "stress_rushed": 1})
    stress = next(domain for domain in score(content, answers).domains if domain.id == "stress")
    assert [(driver.question_id, driver.value, driver.answer) for driver in stress.drivers] == [
        ("stress_overload", 3, "Bijna altijd"),
        ("stress_mind_busy", 2, "Vaak"),
    ]
    assert stress.drivers[0].text.startswith("Ik heb het gevoel")


def test_advice_keeps_the_article_s_first_and_last_step_and_leads_with_the_highest_domains(content, questionnaire):
    answers = answers_with(questionnaire, domain_scores={"perfectionism": 9, "tension": 3})
    ids = [item.id for item in score(content, answers).advice]
    assert ids[0] == "acknowledge"
    assert ids[-1] == "guidance"
    assert ids[1] == "break_patterns"
    assert sorted(ids) == sorted(step.id for step in questionnaire.result.advice)


@pytest.mark.parametrize(
    "scenario",
    [
        {},
        {"item_value": 3},
        {"safety_yes": ("gp_cancer_history",)},
        {"safety_yes": ("red_fever_ill",)},
        {"safety_yes": ("red_not_wanting_to_live",)},
    ],
)
def test_every_result_carries_the_disclaimer_and_its_version(content, questionnaire, scenario):
    result = score(content, answers_with(questionnaire, **scenario))
    assert result.disclaimer == content.disclaimer.text
    assert result.versions.disclaimer == content.disclaimer.version
    assert result.versions.questionnaire == "pijntest-v1"
    assert result.versions.scoring == "scoring-v1"
