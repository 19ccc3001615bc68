"""The PDFs behind signed links: rendered from the stored submission, refused with a friendly page once the link
is forged or expired, the submission expired, or the person erased; after an urgent result never a score."""

from __future__ import annotations

import io
import os
from datetime import UTC, datetime

import boto3
import pytest
from pijnreset.logic.identity import lead_id_for
from pijnreset.logic.tokens import sign
from pypdf import PdfReader

from infra.template import REGION
from tests.support.aws import TEST_TOKEN_KEY
from tests.support.payloads import submission

EMAIL = "anna.de.vries@example.nl"
LEAD = lead_id_for(EMAIL)
PATHS = {"report": "/pijntest/rapport", "gp_summary": "/pijntest/huisarts"}


def _token(purpose, ref, seconds=3600, key=TEST_TOKEN_KEY, lead_id=LEAD):
    return sign(key.encode(), purpose, lead_id, int(datetime.now(UTC).timestamp()) + seconds, ref)


def _submitted(api, questionnaire, **answer_options):
    body = submission(questionnaire, **answer_options)
    response = api.post("/pijntest", json_body=body)
    assert response.status == 201, response.body
    return body["submission_id"], response.json()["result"]


def _pages(response):
    assert response.status == 200, response.body[:400]
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    assert response.headers["cache-control"] == "no-store"
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(response.body)).pages]


def _friendly(response, status, title):
    assert response.status == status, response.body[:300]
    assert response.headers["content-type"].startswith("text/html")
    assert title in response.text
    assert "geen diagnose" in response.text.lower() or "disclaimer" in response.text.lower()


@pytest.mark.parametrize("purpose", ["report", "gp_summary"])
def test_a_good_link_gives_the_pdf_with_the_disclaimer_and_versions_on_every_page(api, questionnaire, purpose):
    submission_id, result = _submitted(api, questionnaire, item_value=3)
    pages = _pages(api.get(f"{PATHS[purpose]}?token={_token(purpose, submission_id)}"))
    disclaimer = " ".join(result["disclaimer"].split())
    for page in pages:
        assert disclaimer in page
        assert "Indicatie, geen diagnose" in page
        assert result["versions"]["questionnaire"] in page
        assert result["versions"]["scoring"] in page
    text = " ".join(pages)
    if purpose == "report":
        assert all(f"{domain['label']} {domain['percent']}%" in text for domain in result["domains"])
    else:
        assert len(pages) == 1
        assert not [p for p in ("intakegesprek", "traject", "Pijn Reset Methode") if p.lower() in text.lower()]


def test_after_an_urgent_result_the_report_link_gives_the_gp_summary_without_a_score(api, questionnaire):
    submission_id, result = _submitted(api, questionnaire, item_value=3, safety_yes=("red_leg_weakness",))
    assert result["triage"] == "urgent"
    for purpose in ("report", "gp_summary"):
        response = api.get(f"{PATHS[purpose]}?token={_token(purpose, submission_id)}")
        assert response.headers["content-disposition"] == 'attachment; filename="pijntest-huisarts.pdf"'
        (page,) = _pages(response)
        assert page.index("vandaag nog contact op met je huisarts") < page.index("Alarmsignalen")
        assert " van " not in page.split("Scores per thema")[1].split("Wat deze test")[0]
        assert "%" not in page


@pytest.mark.parametrize(
    ("token", "status", "title"),
    [
        (lambda ref: _token("report", ref, seconds=-1), 410, "Deze downloadlink is verlopen"),
        (lambda ref: _token("report", ref, key="another-key-that-is-long-enough-to-sign-0123"), 400, "klopt niet"),
        (lambda ref: _token("gp_summary", ref), 400, "klopt niet"),  # a GP summary link for the report path
        (lambda ref: _token("confirm", ref), 400, "klopt niet"),
        (lambda ref: _token("report", None), 410, "bewaren we niet meer"),
        (lambda ref: _token("report", "0" * 8 + "-0000-4000-8000-" + "0" * 12), 410, "bewaren we niet meer"),
        (lambda ref: "forged.token", 400, "klopt niet"),
        (lambda ref: "", 400, "klopt niet"),
    ],
)
def test_expired_forged_and_wrong_links_get_a_friendly_page(api, questionnaire, token, status, title):
    submission_id, _ = _submitted(api, questionnaire)
    _friendly(api.get(f"/pijntest/rapport?token={token(submission_id)}"), status, title)


def test_a_submission_past_its_retention_has_no_pdf_any_more(api, questionnaire, table_items):
    submission_id, _ = _submitted(api, questionnaire)
    (stored,) = [item for item in table_items() if item.get("entity") == "submission"]
    boto3.client("dynamodb", region_name=REGION).update_item(
        TableName=os.environ["TABLE_NAME"],
        Key={"pk": {"S": stored["pk"]}, "sk": {"S": stored["sk"]}},
        UpdateExpression="SET expires_at = :past",
        ExpressionAttributeValues={":past": {"N": str(int(datetime.now(UTC).timestamp()) - 1)}},
    )
    for purpose, path in PATHS.items():
        _friendly(api.get(f"{path}?token={_token(purpose, submission_id)}"), 410, "bewaren we niet meer")


def test_after_an_erasure_the_links_get_a_friendly_page(api, questionnaire):
    from pijnreset.dal.person_data import PersonData

    submission_id, _ = _submitted(api, questionnaire)
    links = {purpose: f"{path}?token={_token(purpose, submission_id)}" for purpose, path in PATHS.items()}
    assert api.get(links["report"]).status == 200
    PersonData(os.environ["TABLE_NAME"]).erase(LEAD, datetime.now(UTC))
    for link in links.values():
        _friendly(api.get(link), 410, "bewaren we niet meer")


def test_one_person_cannot_open_another_persons_submission(api, questionnaire):
    submission_id, _ = _submitted(api, questionnaire)
    other = lead_id_for("bram@example.nl")
    response = api.get(f"/pijntest/huisarts?token={_token('gp_summary', submission_id, lead_id=other)}")
    _friendly(response, 410, "bewaren we niet meer")


def test_the_submit_response_links_to_both_pdfs_for_an_hour(api, questionnaire):
    body = submission(questionnaire, item_value=2)
    documents = api.post("/pijntest", json_body=body).json()["documents"]
    now = datetime.now(UTC).timestamp()
    assert now + 3500 < documents["expires_at"] <= now + 3600
    assert documents["report"].startswith("/pijntest/rapport?token=")
    assert documents["gp_summary"].startswith("/pijntest/huisarts?token=")
    assert "Je Pijntest-rapport" in _pages(api.get(documents["report"]))[0]
    assert "Samenvatting voor je huisarts" in _pages(api.get(documents["gp_summary"]))[0]
    assert api.post("/pijntest", json_body=body).json()["documents"] == documents  # a replay: the same body


def test_after_an_urgent_result_the_submit_response_links_only_to_the_gp_summary(api, questionnaire):
    body = submission(questionnaire, item_value=3, safety_yes=("red_fever_ill",))
    documents = api.post("/pijntest", json_body=body).json()["documents"]
    assert documents["report"] is None
    (page,) = _pages(api.get(documents["gp_summary"]))
    assert "vandaag nog contact op met je huisarts" in page


@pytest.mark.parametrize("urgent", [False, True])
def test_the_result_email_links_to_the_pdfs_as_triage_allows(api, pollers, outbox, questionnaire, urgent):
    from tests.support.links import action_links

    options = {"safety_yes": ("red_fever_ill",)} if urgent else {}
    assert api.post("/pijntest", json_body=submission(questionnaire, item_value=2, **options)).status == 201
    pollers.drain()
    (email,) = [e for e in outbox() if "/pijntest/huisarts?token=" in e["text"]]
    links = action_links(email)
    assert ("/pijntest/rapport" in links) is not urgent
    assert "/pijntest/huisarts?token=" in email["html"]
    assert ("/pijntest/rapport?token=" in email["html"]) is not urgent
    (page,) = _pages(api.get(links["/pijntest/huisarts"]))
    assert ("vandaag nog contact op met je huisarts" in page) is urgent
    if not urgent:
        assert "Je Pijntest-rapport" in _pages(api.get(links["/pijntest/rapport"]))[0]
