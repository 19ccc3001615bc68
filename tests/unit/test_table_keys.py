"""The table kernel's key formats and its TTL-live rule (dal/table.py), without AWS."""

from datetime import UTC, datetime, timedelta

from pijnreset.content.followups import FollowupSequence
from pijnreset.dal.table import (
    consent_item,
    due_buckets,
    email_job_item,
    followup_items,
    live,
    replay_key_of,
    submission_replay_key,
)
from pijnreset.logic.followups import confirmation_of

NOW = datetime(2026, 11, 27, 10, 30, tzinfo=UTC)
LEAD = "0" * 32


def test_a_followups_key_reads_back_as_the_confirmation_it_was_planned_for():
    sequence = FollowupSequence.model_validate(
        {
            "version": "sequence-v1",
            "steps": [
                {"id": "breathing", "kind": "followup_breathing", "delay_days": 2},
                {"id": "walk", "kind": "followup_walk", "delay_days": 5},
            ],
        }
    )
    items = followup_items(sequence, LEAD, NOW, keep_days=30)
    assert [item["due_at"] for item in items] == ["2026-11-29T10:30:00.000Z", "2026-12-02T10:30:00.000Z"]
    assert {confirmation_of(item["sk"]) for item in items} == {"2026-11-27T10:30:00.000Z"}
    assert items[0]["gsi1pk"] == "DUE#2026-11-29T10"
    assert items[0]["gsi1sk"] == f"2026-11-29T10:30:00.000Z#LEAD#{LEAD}#{items[0]['sk']}"
    assert items[0]["expires_at"] == int((NOW + timedelta(days=32)).timestamp())


def test_every_consent_proof_has_the_one_key_shape():
    form = consent_item(LEAD, "result_email", "2026-11-27T10:30:00.000Z", "sub-1", {"channel": "pijntest"}, 1)
    link = consent_item(LEAD, "marketing_withdrawal", "2026-11-27T10:31:00Z", "email_link", {}, 1, granted=False)
    assert form["sk"] == "CONSENT#result_email#2026-11-27T10:30:00.000Z#sub-1"
    assert link["sk"].split("#") == ["CONSENT", "marketing_withdrawal", "2026-11-27T10:31:00Z", "email_link"]
    assert (form["granted"], link["granted"]) == (True, False)


def test_an_email_job_is_in_the_due_index_from_the_start_and_once_per_shares_a_key():
    job = email_job_item(lead_id=LEAD, kind="result", created_at=NOW, reference="sub-1", expires_at=1)
    assert (job["sk"], job["gsi1pk"], job["status"]) == (
        "EMAIL#result#2026-11-27T10:30:00.000Z#sub-1",
        "DUE#2026-11-27T10",
        "pending",
    )
    hourly = [
        email_job_item(
            lead_id=LEAD,
            kind="erase_confirm",
            created_at=NOW + timedelta(minutes=m),
            reference="erase",
            expires_at=1,
            once_per="2026-11-27T10",
        )
        for m in (0, 20)
    ]
    assert hourly[0]["sk"] == hourly[1]["sk"] == "EMAIL#erase_confirm#2026-11-27T10"


def test_the_due_buckets_cover_the_look_back_window_hour_by_hour():
    assert list(due_buckets(NOW, timedelta(hours=2))) == ["DUE#2026-11-27T08", "DUE#2026-11-27T09", "DUE#2026-11-27T10"]


def test_a_submission_leads_to_its_replay_record():
    assert replay_key_of({"entity": "submission", "submission_id": "s1"}) == submission_replay_key("s1")
    assert replay_key_of({"entity": "intake", "request_id": "r1"}) == {"pk": "INTAKE#r1", "sk": "REQUEST"}
    assert replay_key_of({"entity": "lead"}) is None


def test_an_item_past_its_ttl_no_longer_counts():
    epoch = int(NOW.timestamp())
    assert live({"expires_at": epoch + 1}, NOW)
    assert not live({"expires_at": epoch}, NOW)
    assert live({}, NOW), "no TTL: kept"
    assert not live(None, NOW)
