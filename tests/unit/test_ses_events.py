"""Parsing SES notifications: several recipients and types, unknown fields, and garbage."""

from __future__ import annotations

import json

import pytest
from pijnreset.logic.ses_events import SesEvent, parse_notification


def test_a_permanent_bounce_suppresses_every_recipient():
    message = {
        "eventType": "Bounce",
        "bounce": {
            "bounceType": "Permanent",
            "bounceSubType": "General",
            "bouncedRecipients": [
                {"emailAddress": "anna@example.nl", "status": "5.1.1"},
                {"emailAddress": "Bram <bram@example.nl>", "diagnosticCode": "smtp; 550"},
            ],
            "feedbackId": "x",
            "somethingNew": {"nested": True},
        },
        "mail": {"messageId": "m", "destination": ["anna@example.nl", "bram@example.nl"]},
    }
    assert parse_notification(json.dumps(message)) == [
        SesEvent("suppress_bounce", "anna@example.nl"),
        SesEvent("suppress_bounce", "bram@example.nl"),
    ]


@pytest.mark.parametrize("bounce_type", ["Transient", "Undetermined"])
def test_other_bounces_are_only_counted(bounce_type):
    message = {
        "notificationType": "Bounce",
        "bounce": {"bounceType": bounce_type, "bouncedRecipients": [{"emailAddress": "a@b.nl"}]},
    }
    assert parse_notification(json.dumps(message)) == [SesEvent("transient_bounce", "a@b.nl")]


def test_a_complaint_suppresses_the_complainant():
    message = {"eventType": "Complaint", "complaint": {"complainedRecipients": [{"emailAddress": "c@d.nl"}]}}
    assert parse_notification(json.dumps(message)) == [SesEvent("suppress_complaint", "c@d.nl")]


@pytest.mark.parametrize("event_type", ["Delivery", "Send", "Open", "Reject", "SomethingNew"])
def test_other_event_types_are_ignored(event_type):
    assert parse_notification(json.dumps({"eventType": event_type})) == [SesEvent("ignored")]


@pytest.mark.parametrize(
    "message",
    [
        "not json",
        "",
        "[]",
        "42",
        json.dumps({"eventType": "Bounce"}),
        json.dumps({"eventType": "Bounce", "bounce": "x"}),
        json.dumps({"eventType": "Bounce", "bounce": {"bounceType": "Permanent", "bouncedRecipients": []}}),
        json.dumps({"eventType": "Complaint", "complaint": {"complainedRecipients": [{"emailAddress": 7}]}}),
        json.dumps({"eventType": "Complaint", "complaint": {"complainedRecipients": ["x"]}}),
    ],
)
def test_malformed_notifications_never_raise(message):
    assert {event.action for event in parse_notification(message)} == {"malformed"}
