"""What every form goes through alike (logic/forms.py): its own problems and its opening time, then its proof
of work, then the bot screen; and the part of its record every form shares."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pijnreset.logic.answers import FieldProblem
from pijnreset.logic.forms import Admitted, Refused, Spam, admit, new_form
from pijnreset.logic.retention import Retention
from pydantic import BaseModel

from infra.challenge import made
from infra.in_process import TOKEN_KEY as TEST_TOKEN_KEY

KEYS = [TEST_TOKEN_KEY.encode()]
MIN_FILL = 3


@dataclass(frozen=True)
class Form:
    started_at: int
    altcha: str
    website: str | None = None


def _opened(now: datetime, seconds_ago: float) -> int:
    return int((now - timedelta(seconds=seconds_ago)).timestamp() * 1000)


def test_a_person_s_form_is_admitted_with_its_solved_challenge():
    now = datetime.now(UTC)
    outcome = admit(Form(_opened(now, 60), made(now)), [], KEYS, now, MIN_FILL)
    assert isinstance(outcome, Admitted)
    assert outcome.bot is None
    assert len(outcome.challenge.challenge) == 64


def test_its_own_problems_and_a_far_off_opening_time_are_refused_before_the_proof_of_work():
    now = datetime.now(UTC)
    own = [FieldProblem("answers.q1", "missing")]
    outcome = admit(Form(_opened(now, 8 * 24 * 3600), "not a solution"), own, KEYS, now, MIN_FILL)
    assert outcome == Refused("validation_failed", [*own, FieldProblem("started_at", "out_of_range")])


def test_a_proof_of_work_that_does_not_hold_is_refused_as_such():
    now = datetime.now(UTC)
    outcome = admit(Form(_opened(now, 60), "not a solution"), [], KEYS, now, MIN_FILL)
    assert outcome == Refused("challenge_failed", [FieldProblem("altcha", "altcha_invalid")])
    other_key = made(now, key="another-key-" + "x" * 40)
    assert admit(Form(_opened(now, 60), other_key), [], KEYS, now, MIN_FILL) == outcome


def test_a_bot_is_admitted_as_one_so_that_its_answer_tells_it_nothing():
    now = datetime.now(UTC)
    honeypot = admit(Form(_opened(now, 60), made(now), website="https://spam.example"), [], KEYS, now, MIN_FILL)
    too_fast = admit(Form(_opened(now, 1), made(now)), [], KEYS, now, MIN_FILL)
    assert isinstance(honeypot, Admitted)
    assert honeypot.bot == Spam("honeypot")
    assert isinstance(too_fast, Admitted)
    assert too_fast.bot == Spam("too_fast")


class _Contact(BaseModel):
    email: str
    name: str


class _Request(BaseModel):
    contact: _Contact
    altcha: str


class _Response(BaseModel):
    status: str


def test_every_form_record_keeps_its_own_item_for_its_purpose_and_ignores_the_proof_of_work_in_its_hash():
    now = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
    retention = Retention({"pijntest": 365, "consent": 730, "email": 90, "replay": 7, "intake": 180})
    first = _Request(contact=_Contact(email="Anna@Example.nl", name="Anna"), altcha="one")
    retry = first.model_copy(update={"altcha": "another"})
    record = new_form(first, first.contact, _Response(status="ok"), "intake", now, retention, challenge=None)
    again = new_form(retry, retry.contact, _Response(status="ok"), "intake", now, retention, challenge=None)
    assert record["request_hash"] == again["request_hash"]
    assert record["email"] == "anna@example.nl"
    assert record["response_body"] == {"status": "ok"}
    assert record["expires_at"] == int((now + timedelta(days=180)).timestamp())
    assert record["consent_expires_at"] == int((now + timedelta(days=730)).timestamp())
    assert record["replay_expires_at"] == int((now + timedelta(days=7)).timestamp())
