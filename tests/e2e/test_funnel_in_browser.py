"""The started beacon in Chromium against the local stack: the first answer sends it once, with the UTM fields and
the questionnaire version and nothing else, and the stack counts it under its source."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from tests.support.stack_state import items


def _started_counts(demo, campaign: str) -> int:
    return sum(
        int(item.get("started", 0))
        for item in items(demo.moto_endpoint)
        if item.get("entity") == "funnel_count" and item.get("campaign") == campaign
    )


def test_the_first_answer_sends_one_beacon_that_counts_under_its_source(visitor, demo, questionnaire):
    campaign = f"voorjaar-{int(time.time() * 1000)}"
    visitor.open(f"{demo.page_url}?utm_source=Nieuwsbrief&utm_medium=email&utm_campaign={campaign}")
    first, second = visitor.questions_of(visitor.blocks()[0])[:2]
    with visitor.page.expect_response(lambda response: urlsplit(response.url).path == "/pijntest/started") as beacon:
        visitor.choose(first, first["options"][0]["value"])
    assert beacon.value.status == 204
    visitor.choose(second, second["options"][0]["value"])
    visitor.choose(first, first["options"][-1]["value"])
    sent = [r for r in visitor.requests if urlsplit(r.url).path == "/pijntest/started" and r.method == "POST"]
    assert len(sent) == 1, "once per page, however many answers follow"
    body = sent[0].post_data_json
    assert set(body) == {"questionnaire_version", "source", "website", "started_at"}
    assert body["source"] == {"utm_source": "Nieuwsbrief", "utm_medium": "email", "utm_campaign": campaign}
    assert body["questionnaire_version"] == questionnaire.version
    assert "cookie" not in {name.lower() for name in sent[0].headers}
    assert _started_counts(demo, campaign) == 1
