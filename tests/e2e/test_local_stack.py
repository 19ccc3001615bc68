"""The local stack as a user runs it: a subprocess serving the API over real HTTP on a free port."""

from __future__ import annotations

import html
import re
import uuid

import requests

from tests.support.answers import answers_with
from tests.support.challenge import over_http
from tests.support.local_stack import local_stack
from tests.support.payloads import for_stack, started_a_minute_ago
from tests.support.stack_state import items


def test_the_local_stack_serves_get_and_post_over_http_and_stops_cleanly(questionnaire):
    with local_stack() as stack:
        questions = requests.get(f"{stack.url}/pijntest", timeout=10)
        assert questions.status_code == 200
        assert questions.json()["version"] == "pijntest-v1"

        body = {
            "submission_id": str(uuid.uuid4()),
            "answers": answers_with(questionnaire, item_value=2),
            "contact": {"name": "Bram", "email": "bram@example.nl"},
            "consent": {"health_data": True, "marketing": False, "version": "consent-v1"},
            "started_at": started_a_minute_ago(),
            "altcha": over_http(stack.url),
        }
        created = requests.post(f"{stack.url}/pijntest", json=body, timeout=10)
        assert created.status_code == 201, created.text
        assert created.json()["result"]["category"] == "high"
        replayed = requests.post(f"{stack.url}/pijntest", json=body, timeout=10)
        assert replayed.status_code == 200
        assert replayed.json() == created.json()

        invalid = requests.post(
            f"{stack.url}/pijntest", data="nope", headers={"content-type": "text/plain"}, timeout=10
        )
        assert invalid.status_code == 415

        assert stack.stop() == 0
    log = "".join(stack.output)
    assert "bram@example.nl" not in log, "no email address in any log line"
    assert "Traceback" not in log


def test_a_submission_shows_up_in_the_local_outbox_within_seconds(questionnaire):
    with local_stack() as stack:
        body = {
            "submission_id": str(uuid.uuid4()),
            "answers": answers_with(questionnaire, item_value=1, context={"assessed": "no"}),
            "contact": {"name": "Carla", "email": "carla@example.nl"},
            "consent": {"health_data": True, "marketing": False, "version": "consent-v1"},
            "started_at": started_a_minute_ago(),
            "altcha": over_http(stack.url),
        }
        result = requests.post(f"{stack.url}/pijntest", json=body, timeout=10).json()["result"]
        (email,) = stack.emails()
        assert email["to"] == "Carla <carla@example.nl>"
        assert email["subject"] == "Je uitslag van de Pijntest: bespreek dit eerst met je huisarts"
        assert result["indication"]["title"] in str(email["html"])
        assert {"to", "subject", "text", "html", "headers"} <= set(email)
        page = requests.get(f"{stack.url}/_dev/outbox.html", timeout=10)
        assert page.status_code == 200
        assert "bespreek dit eerst met je huisarts" in page.text
        assert stack.stop() == 0


def test_cors_allows_exactly_the_configured_origin():
    allowed = "http://127.0.0.1:8123"
    with local_stack("--param", f"AllowedOrigin={allowed}") as stack:
        preflight = requests.options(
            f"{stack.url}/pijntest",
            headers={"Origin": allowed, "Access-Control-Request-Method": "POST"},
            timeout=10,
        )
        assert preflight.status_code == 204
        assert preflight.headers["Access-Control-Allow-Origin"] == allowed
        assert "POST" in preflight.headers["Access-Control-Allow-Methods"]

        foreign = requests.get(f"{stack.url}/pijntest", headers={"Origin": "https://evil.example"}, timeout=10)
        assert foreign.status_code == 200
        assert "Access-Control-Allow-Origin" not in foreign.headers
        own = requests.get(f"{stack.url}/pijntest", headers={"Origin": allowed}, timeout=10)
        assert own.headers["Access-Control-Allow-Origin"] == allowed
        assert stack.stop() == 0


def test_the_demo_landing_page_is_served_on_its_own_origin_which_the_api_allows():
    with local_stack() as stack:
        page_origin = stack.page_url.rstrip("/")
        assert page_origin != stack.url, "a different port: every call from the page is cross-origin"
        page = requests.get(stack.page_url, timeout=10)
        assert page.status_code == 200
        assert f'data-api="{stack.url}"' in page.text
        assert requests.get(f"{page_origin}/pijntest/pijntest.js", timeout=10).status_code == 200

        preflight = requests.options(
            f"{stack.url}/pijntest",
            headers={"Origin": page_origin, "Access-Control-Request-Method": "POST"},
            timeout=10,
        )
        assert preflight.headers["Access-Control-Allow-Origin"] == page_origin
        answer = requests.get(f"{stack.url}/pijntest", headers={"Origin": page_origin}, timeout=10)
        assert answer.headers["Access-Control-Allow-Origin"] == page_origin
        assert "retry-after" in answer.headers["Access-Control-Expose-Headers"], "the form reads a 503's Retry-After"
        assert stack.stop() == 0


def test_an_intake_request_reaches_the_coach_in_the_local_outbox():
    with local_stack() as stack:
        body = {
            "request_id": str(uuid.uuid4()),
            "contact": {"name": "Dirk", "email": "dirk@example.nl", "phone": "06 24681357"},
            "preferred_contact": "phone",
            "preferred_moments": ["saturday"],
            "message": "Graag <b>zaterdag</b>.",
            "consent": {"contact": True, "version": "consent-v1"},
            "started_at": started_a_minute_ago(),
            "altcha": over_http(stack.url),
        }
        response = requests.post(f"{stack.url}/intake", json=body, timeout=10)
        assert response.status_code == 202, response.text
        assert response.json() == {"request_id": body["request_id"], "status": "requested"}
        by_recipient = {str(email["to"]): email for email in stack.emails(count=2)}
        assert set(by_recipient) == {"coach@pijnresetcoach.nl", "Dirk <dirk@example.nl>"}
        coach = by_recipient["coach@pijnresetcoach.nl"]
        assert coach["subject"] == "Nieuwe aanvraag voor een intakegesprek"
        assert "+31624681357" in str(coach["text"])
        assert "Graag &lt;b&gt;zaterdag&lt;/b&gt;." in str(coach["html"])
        assert stack.stop() == 0
    log = "".join(stack.output)
    assert "dirk@example.nl" not in log
    assert "24681357" not in log
    assert "Traceback" not in log


def test_make_dev_demonstrates_confirm_follow_up_and_unsubscribe_through_the_outbox_links(questionnaire):
    from tests.support.links import action_links

    with local_stack() as stack:
        body = {
            "submission_id": str(uuid.uuid4()),
            "answers": answers_with(questionnaire, item_value=1),
            "contact": {"name": "Eva", "email": "eva@example.nl"},
            "consent": {"health_data": True, "marketing": True, "version": "consent-v1"},
            "started_at": started_a_minute_ago(),
            "altcha": over_http(stack.url),
        }
        assert requests.post(f"{stack.url}/pijntest", json=body, timeout=10).status_code == 201
        (confirmation,) = stack.emails(lambda email: "Bevestig je aanmelding" in email["subject"])
        link = action_links(confirmation)["/confirm"]
        before = items(stack.moto_endpoint)
        page = requests.get(f"{stack.url}{link}", timeout=10)
        assert page.status_code == 200
        assert "Ja, bevestig mijn aanmelding" in page.text, "opening the link (a scanner does) shows a button"
        assert items(stack.moto_endpoint) == before, "and changes nothing"
        (action,) = re.findall(r'<form method="post" action="([^"]+)"', page.text)
        page = requests.post(f"{stack.url}{html.unescape(action)}", data="List-Unsubscribe=One-Click", timeout=10)
        assert page.status_code == 200
        assert "Je aanmelding is bevestigd" in page.text

        assert requests.post(f"{stack.url}/_dev/run-schedule?days=1.01", timeout=30).status_code == 200
        (followup,) = stack.emails(lambda email: "ademhalen" in email["subject"])
        assert dict(followup["headers"])["List-Unsubscribe"].startswith(f"<{stack.url}/unsubscribe?token=")
        unsubscribe = action_links(followup)["/unsubscribe"]
        done = requests.post(f"{stack.url}{unsubscribe}", data="List-Unsubscribe=One-Click", timeout=10)
        assert done.status_code == 200
        assert "Je bent afgemeld" in done.text

        sent = len(stack.emails())
        assert requests.post(f"{stack.url}/_dev/run-schedule?days=4.01", timeout=30).status_code == 200
        # The job the schedule made is skipped, not sent: waiting for a second email must time out empty.
        assert stack.emails(lambda email: "lat hoog" in email["subject"], timeout=3) == []
        assert len(stack.emails()) == sent
        assert stack.stop() == 0
    assert "eva@example.nl" not in "".join(stack.output)


def test_an_older_confirm_link_is_refused_over_http_once_a_newer_opt_in_was_asked_for(questionnaire):
    from tests.support.links import action_links

    def opt_in() -> None:
        body = {
            "submission_id": str(uuid.uuid4()),
            "answers": answers_with(questionnaire, item_value=1),
            "contact": {"name": "Fleur", "email": "fleur@example.nl"},
            "consent": {"health_data": True, "marketing": True, "version": "consent-v1"},
        }
        assert requests.post(f"{stack.url}/pijntest", json=for_stack(body, stack.url), timeout=10).status_code == 201

    with local_stack() as stack:
        opt_in()
        (first,) = stack.emails(lambda email: "Bevestig je aanmelding" in email["subject"])
        opt_in()
        both = stack.emails(lambda email: "Bevestig je aanmelding" in email["subject"], count=2)
        (newer,) = [email for email in both if email["id"] != first["id"]]
        before = items(stack.moto_endpoint)
        refused = requests.post(f"{stack.url}{action_links(first)['/confirm']}", timeout=10)
        assert refused.status_code == 409
        assert "Deze link is vervangen door een nieuwere" in refused.text
        assert items(stack.moto_endpoint) == before
        confirmed = requests.post(f"{stack.url}{action_links(newer)['/confirm']}", timeout=10)
        assert confirmed.status_code == 200
        assert "Je aanmelding is bevestigd" in confirmed.text
        outbox = requests.get(f"{stack.url}/_dev/outbox.html", timeout=10).text
        assert "&lt;base target=&quot;_blank&quot;&gt;" in outbox, "the outbox's links open the page with the button"
        assert stack.stop() == 0


def test_erasure_over_http_leaves_only_hashed_markers_and_a_suppressed_request_reaches_the_coach(questionnaire):
    """make dev as AWS: keys-only stream (the relay still relays), the erasure marker, SES's list emulated."""
    from tests.support.links import action_links
    from tests.support.stack_state import items

    with local_stack() as stack:
        for name, email in (("Fenna", "fenna@example.nl"), ("Gijs", "gijs@example.nl")):
            body = {
                "submission_id": str(uuid.uuid4()),
                "answers": answers_with(questionnaire, item_value=1),
                "contact": {"name": name, "email": email},
                "consent": {"health_data": True, "marketing": False, "version": "consent-v1"},
            }
            assert (
                requests.post(f"{stack.url}/pijntest", json=for_stack(body, stack.url), timeout=10).status_code == 201
            )
        assert len(stack.emails(lambda email: "uitslag" in email["subject"], count=2)) == 2

        assert (
            requests.post(
                f"{stack.url}/privacy/erase",
                json={"email": "fenna@example.nl", "altcha": over_http(stack.url)},
                timeout=10,
            ).status_code
            == 202
        )
        (request,) = stack.emails(lambda email: "verwijderen" in email["subject"])
        done = requests.post(f"{stack.url}{action_links(request)['/privacy/erase/confirm']}", timeout=10)
        assert done.status_code == 200
        assert "dagen" in done.text, "the page says how long the backups keep it"
        left = [item for item in items(stack.moto_endpoint) if "fenna" in str(item).lower()]
        assert left == [], "no address left anywhere in the table"

        complaint = {"type": "complaint", "email": "gijs@example.nl"}
        assert requests.post(f"{stack.url}/_dev/ses-event", json=complaint, timeout=10).status_code == 200
        assert (
            requests.post(
                f"{stack.url}/privacy/erase",
                json={"email": "gijs@example.nl", "altcha": over_http(stack.url)},
                timeout=10,
            ).status_code
            == 202
        )
        (notice,) = stack.emails(lambda email: "Verzoek om verwijdering" in email["subject"])
        assert "coach@" in notice["to"]
        assert "pijnreset erase --email gijs@example.nl" in notice["text"]
        assert stack.stop() == 0
    assert "gijs@example.nl" not in "".join(stack.output)
