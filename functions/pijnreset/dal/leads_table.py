"""The form writes: a Pijntest submission or an intake request, each ONE TransactWriteItems call that
writes the request's every item (replay record, lead, the request, its consent proof, its email jobs, the
spent proof of work, the caps' counters) or recognises a replay. Keys and item shapes: dal/table.py.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

import boto3

from pijnreset.dal.caps import CapState, counter_update, learn, with_caps
from pijnreset.dal.errors import KeptConflicting
from pijnreset.dal.funnel import LEAD_COUNTER, OPTIN_COUNTER, counter_of, overflowed, with_funnel
from pijnreset.dal.outcomes import Conflict, FormOutcome, Limited, Recorded, Replayed, Reused, SlotTaken
from pijnreset.dal.table import (
    INTAKES_MONTH,
    LEADS_MONTH,
    PROFILE,
    consent_item,
    due_keys,
    email_job_item,
    from_item,
    intake_replay_key,
    intake_sk,
    key,
    lead_pk,
    month_keys,
    open_intake_keys,
    profile_key,
    reminder_sk,
    slot_key,
    submission_replay_key,
    submission_sk,
    to_item,
    used_challenge_item,
    used_challenge_key,
)
from pijnreset.models.items import Key
from pijnreset.timestamps import iso

if TYPE_CHECKING:
    # Types only: the planned writes are the form logic's (which pulls in the request models with
    # email-validator); this module only reads their fields.
    from mypy_boto3_dynamodb import DynamoDBClient

    from pijnreset.logic.booking import Slot
    from pijnreset.logic.caps import CapPlan, Counter
    from pijnreset.logic.forms import ConsentProof
    from pijnreset.logic.funnel import FunnelCount
    from pijnreset.logic.intake import NewIntake
    from pijnreset.logic.submission import NewSubmission

    _New = TypeVar("_New", NewSubmission, NewIntake)

SLOT_KEPT = timedelta(days=7)  # a booked slot's item is kept this long past the slot's end
# Up to 3 for a conflicting or renewed write, one more for a request over a cap (dal/caps.py).
_TRANSACTION_ATTEMPTS = 4


class LeadsTable:
    def __init__(self, table_name: str, client: DynamoDBClient | None = None) -> None:
        self.table_name = table_name
        self._client: DynamoDBClient = client or boto3.client("dynamodb")

    def record_submission(
        self, new: NewSubmission, caps: CapPlan | None = None, funnel: FunnelCount | None = None
    ) -> FormOutcome:
        """Writes the whole submission in ONE TransactWriteItems call, or recognises a replay."""
        replay = submission_replay_key(new.submission_id)
        return self._write_once(self._submission_transaction, replay, new, caps, funnel)

    def record_intake(
        self, new: NewIntake, caps: CapPlan | None = None, funnel: FunnelCount | None = None
    ) -> FormOutcome:
        """Writes the intake, its consent proof, both email jobs, the lead's follow-up stop and, when it books
        one, its slot in ONE call; SlotTaken when another request booked that slot first."""
        slot = slot_key(new.slot.start) if new.slot else None
        return self._write_once(self._intake_transaction, intake_replay_key(new.request_id), new, caps, funnel, slot)

    def booking_triage(self, lead_id: str) -> tuple[str | None, bool]:
        """The lead's latest triage and whether the coach flagged it urgent (None, False: no live lead)."""
        response = self._client.get_item(
            TableName=self.table_name,
            Key=to_item(profile_key(lead_id)),
            ConsistentRead=True,
            ProjectionExpression="latest_triage, urgent_flag_at, expires_at",
        )
        lead = from_item(response["Item"]) if "Item" in response else None
        if lead is None or int(lead.get("expires_at", 0)) <= time.time():
            return None, False
        return lead.get("latest_triage"), bool(lead.get("urgent_flag_at"))

    def record_started(self, funnel: FunnelCount, client_counter: Counter | None) -> bool:
        """Counts a started Pijntest (and the client against its bound) in ONE call; False when the client is
        over its bound, counting nothing."""
        for _attempt in range(_TRANSACTION_ATTEMPTS):
            bound = client_counter
            client = [counter_update(self.table_name, bound, 1, bound.limit)] if bound is not None else []
            items, registry = with_funnel(self.table_name, client, funnel)
            try:
                self._client.transact_write_items(TransactItems=items)  # type: ignore[arg-type]
                return True
            except self._client.exceptions.TransactionCanceledException as error:
                codes = [reason.get("Code") for reason in error.response.get("CancellationReasons", [])]
                if client and codes and codes[0] == "ConditionalCheckFailed":
                    return False
                if overflowed(codes, registry):
                    funnel = funnel.overflowed()  # the day's sources are full: count under OTHER
                elif "TransactionConflict" not in codes:
                    raise
        raise KeptConflicting("the started count kept conflicting")

    def _write_once(
        self,
        transaction: Callable[[_New, bool, str | None], list[dict[str, Any]]],
        replay: Key,
        new: _New,
        caps: CapPlan | None = None,
        funnel: FunnelCount | None = None,
        exclusive: Key | None = None,
    ) -> FormOutcome:
        """Writes ``transaction(new, renew_lead, counter)``, whose first item is the replay record of the client's
        id and whose second is the lead, or recognises a replay.

        The replay record's condition makes a retried id fail the transaction; DynamoDB then returns the
        stored record in the same call, so a replay costs no extra read either. The lead's condition fails
        only when its profile is past its TTL but not yet deleted: then the profile is written anew, so that
        nothing of the expired one (its triage, flags, opt-in) comes back to life. The spent proof of work is
        one more conditional put (appended last): a replay is recognised before it, so a retry of the same
        id and payload is answered as the replay it is, whichever solution it carries.

        ``caps``: the counters the transaction also counts in; a client over its bound is refused (Limited), an
        email over its cap is left out (dal/caps.py).

        ``funnel``: what the request adds to the funnel's counts (dal/funnel.py); under OTHER once the day's
        registry of sources is full. A replay cancels the whole transaction, so it never counts twice. The
        lead stores the sort key of the counter (``counter``), for the steps counted later (dal/funnel.py).

        ``exclusive``: the key of an item of the transaction that only one request can ever create (a booked
        slot); its failed condition is SlotTaken, after the replay (a retry of the winner is its replay).
        """
        renew_lead = False
        state = CapState()
        for attempt in range(1, _TRANSACTION_ATTEMPTS + 1):
            items = transaction(new, renew_lead, counter_of(funnel) if funnel is not None else None)
            capped = with_caps(self.table_name, items, caps, state) if caps is not None else None
            sent, registry = with_funnel(self.table_name, capped.items if capped else items, funnel)
            try:
                self._client.transact_write_items(TransactItems=sent)  # type: ignore[arg-type]
                return Recorded(new.response_body, state.report)
            except self._client.exceptions.TransactionCanceledException as error:
                reasons = error.response.get("CancellationReasons", [])
                codes = [reason.get("Code") for reason in reasons]
                if codes and codes[0] == "ConditionalCheckFailed":
                    stored = reasons[0].get("Item") or self._stored_request(replay)
                    if stored is None:  # expired and deleted between the two calls: write anew
                        continue
                    return self._replay_or_conflict(from_item(dict(stored)), new.request_hash)
                used_at = _index_of(sent, used_challenge_key(new.challenge.challenge))
                if used_at < len(codes) and codes[used_at] == "ConditionalCheckFailed":
                    return Reused()
                taken_at = _index_of(sent, exclusive) if exclusive else len(codes)
                if taken_at < len(codes) and codes[taken_at] == "ConditionalCheckFailed":
                    return SlotTaken()
                verdict = learn([dict(reason) for reason in reasons], capped, caps, state) if capped and caps else None
                if verdict == "limited":
                    return Limited(caps.retry_after if caps else 1)
                if funnel is not None and overflowed(codes, registry) and attempt < _TRANSACTION_ATTEMPTS:
                    funnel = funnel.overflowed()  # the day's sources are full: count under OTHER
                    continue
                if len(codes) > 1 and codes[1] == "ConditionalCheckFailed" and attempt < _TRANSACTION_ATTEMPTS:
                    renew_lead = not renew_lead  # expired profile: replace it (or, if renewed meanwhile, update)
                    continue
                if verdict == "again" and attempt < _TRANSACTION_ATTEMPTS:
                    continue  # without the emails over a cap
                if "TransactionConflict" in codes and attempt < _TRANSACTION_ATTEMPTS:
                    continue  # a concurrent duplicate is writing the same items: look again
                raise
        raise KeptConflicting("the transaction kept conflicting")

    def _replay_or_conflict(self, stored: dict[str, Any], new_hash: str) -> Replayed | Conflict:
        if stored.get("request_hash") == new_hash:
            return Replayed(json.loads(stored["response"]))
        return Conflict()

    def _stored_request(self, replay: Key) -> dict[str, Any] | None:
        response = self._client.get_item(TableName=self.table_name, Key=to_item(replay), ConsistentRead=True)
        return response.get("Item")

    def _put(self, item: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
        return {"Put": {"TableName": self.table_name, "Item": to_item(item), **extra}}

    def _new_put(self, item: Mapping[str, Any]) -> dict[str, Any]:
        """A put that must create its item: the transaction fails rather than overwrite one."""
        return self._put(item, ConditionExpression="attribute_not_exists(pk)")

    def _replay_record(
        self, replay: Key, entity: str, ids: dict[str, str], new: NewSubmission | NewIntake, created: str
    ) -> dict[str, Any]:
        return self._put(
            {
                **replay,
                "entity": entity,
                "lead_id": new.lead_id,
                **ids,
                "request_hash": new.request_hash,
                "response": json.dumps(new.response_body, ensure_ascii=False, separators=(",", ":")),
                "created_at": created,
                "expires_at": new.replay_expires_at,
            },
            # A replay record past its TTL (not yet deleted by DynamoDB) no longer counts: overwrite it.
            ConditionExpression="attribute_not_exists(pk) OR expires_at < :now",
            ExpressionAttributeValues=to_item({":now": int(new.created_at.timestamp())}),
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )

    def _consent_put(
        self, lead_id: str, proof: ConsentProof, created: str, item_id: str, source: dict[str, Any], expires_at: int
    ) -> dict[str, Any]:
        """Proof of one consent: who agreed (the lead) to which text (version, SHA-256), when, and where."""
        return self._put(
            consent_item(
                lead_id,
                proof.purpose,
                created,
                item_id,
                source,
                expires_at,
                consent_version=proof.version,
                text_sha256=proof.text_sha256,
            )
        )

    def _email_jobs(
        self, new: NewSubmission | NewIntake, kinds: list[str], reference: str, refs: dict[str, Any]
    ) -> list[dict[str, Any]]:
        return [
            self._new_put(
                email_job_item(
                    lead_id=new.lead_id,
                    kind=kind,
                    created_at=new.created_at,
                    reference=reference,
                    expires_at=new.email_expires_at,
                    **refs,
                )
            )
            for kind in kinds
        ]

    def _submission_transaction(
        self, new: NewSubmission, renew_lead: bool, counter: str | None
    ) -> list[dict[str, Any]]:
        created = iso(new.created_at)
        stored_sk = submission_sk(created, new.submission_id)
        result = new.result.model_dump(mode="json")
        ids = {"submission_id": new.submission_id}
        submission = self._new_put(
            {
                **key(lead_pk(new.lead_id), stored_sk),
                "entity": "submission",
                "lead_id": new.lead_id,
                "submission_id": new.submission_id,
                "answers": new.answers,
                "result": result,
                "triage": new.result.triage,
                "category": new.result.category,
                "versions": result["versions"],
                # This test's own name: its result email greets by it; the lead's name changes only when an
                # action from the person's mailbox confirms it (see _lead_write).
                "name": new.name,
                "source": new.source,
                "started_at": new.started_at,
                "created_at": created,
                "expires_at": new.expires_at,
            }
        )
        source = {"channel": "pijntest", **ids, **_page(new.source)}
        consents = [
            self._consent_put(new.lead_id, proof, created, new.submission_id, source, new.consent_expires_at)
            for proof in new.consents
        ]
        lead: dict[str, Any] = {
            "latest_submission_id": new.submission_id,
            "latest_submission_at": created,
            "latest_triage": new.result.triage,
            "latest_category": new.result.category,
            # Unverified, like the test's own name: what the coach's list shows until a verified name exists.
            "latest_name": new.name,
        }
        if new.marketing_requested:
            # The one opt-in request a confirm link can confirm (its token names this submission), and the
            # name the confirmation makes the lead's verified name.
            lead |= {
                "marketing_requested_at": created,
                "marketing_request_id": new.submission_id,
                "marketing_request_name": new.name,
            }
            if counter is not None:
                lead[OPTIN_COUNTER] = counter
        if new.result.triage == "urgent":
            # Unverified: shown to the coach as such, and it pauses marketing email (logic/email/policy.py).
            # The verified urgent_flag_at is set only from a verified action (the coach's ``pijnreset verify``).
            lead["unverified_urgent_at"] = created
        return [
            self._replay_record(submission_replay_key(new.submission_id), "submission_request", ids, new, created),
            self._lead_write(
                new,
                created,
                lead,
                count="submission_count",
                renew=renew_lead,
                counter=counter,
                first=_first_touch(new.source),
            ),
            submission,
            *consents,
            *self._email_jobs(new, new.email_kinds, new.submission_id, {"submission_sk": stored_sk}),
            self._used_challenge(new),
        ]

    def _intake_transaction(self, new: NewIntake, renew_lead: bool, counter: str | None) -> list[dict[str, Any]]:
        created = iso(new.created_at)
        stored_sk = intake_sk(created, new.request_id)
        ids = {"request_id": new.request_id}
        intake = self._new_put(
            {
                **key(lead_pk(new.lead_id), stored_sk),
                "entity": "intake",
                "lead_id": new.lead_id,
                "request_id": new.request_id,
                "status": "requested",
                "name": new.name,
                "email": new.email,
                "phone": new.phone,
                "preferred_contact": new.preferred_contact,
                "preferred_moments": new.preferred_moments,
                "message": new.message,
                "submission_id": new.submission_id,
                **_booking_attributes(new),
                # The reminder item to take out of the due index when the booking is cancelled.
                "reminder_sk": reminder_sk(new.request_id) if new.slot and new.reminder_at else None,
                "created_at": created,
                "expires_at": new.expires_at,
                # Open: in the sparse index until the coach marks it handled.
                **open_intake_keys(created, new.request_id),
                **month_keys(INTAKES_MONTH, created, new.request_id),
            }
        )
        booked = [self._slot_put(new, new.slot, stored_sk, created)] if new.slot else []
        if new.slot and new.reminder_at:
            booked.append(self._reminder_put(new, new.slot, new.reminder_at, stored_sk, created))
        # The sender reads the intake and the lead's latest Pijntest, whichever it is by then.
        refs = {"intake_sk": stored_sk, "with_latest_submission": True}
        return [
            self._replay_record(intake_replay_key(new.request_id), "intake_request", ids, new, created),
            # An open intake pauses the follow-up emails until the coach marks it handled (then, if genuine,
            # they stop for good: ``intake_requested_at``), at most until the intake expires. Anyone can send
            # this form with anyone's address, so the request alone must not stop them for good.
            self._lead_write(
                new,
                created,
                {"open_intake_until": new.expires_at, "latest_name": new.name},
                count="intake_count",
                renew=renew_lead,
                counter=counter,
            ),
            intake,
            *booked,
            self._consent_put(
                new.lead_id, new.consent, created, new.request_id, {"channel": "intake", **ids}, new.consent_expires_at
            ),
            *self._email_jobs(new, list(intake_email_kinds()), new.request_id, refs),
            self._used_challenge(new),
        ]

    def _slot_put(self, new: NewIntake, slot: Slot, intake_sk: str, created: str) -> dict[str, Any]:
        """The booked slot: one item per slot start, created only if none exists (the one booking that wins).
        No PII: the lead's id (a hash) and the intake's key, to find the booking from the slot. Kept a week past
        the slot's end, the TTL-live rule makes an expired one free again."""
        return self._new_put(
            {
                **slot_key(slot.start),
                "entity": "booking_slot",
                "lead_id": new.lead_id,
                "request_id": new.request_id,
                "intake_sk": intake_sk,
                "slot_start": iso(slot.start),
                "slot_end": iso(slot.end),
                "created_at": created,
                "expires_at": int((slot.end + SLOT_KEPT).timestamp()),
            }
        )

    def _reminder_put(self, new: NewIntake, slot: Slot, due: datetime, intake_sk: str, created: str) -> dict[str, Any]:
        """The booked intake's reminder, in the due index at ``due`` (the due work turns it into its email job
        once); erased with the lead's partition, taken out of the index by a cancel."""
        pk, sk = lead_pk(new.lead_id), reminder_sk(new.request_id)
        return self._new_put(
            {
                **key(pk, sk),
                **due_keys(due, pk, sk),
                "entity": "booking_reminder",
                "lead_id": new.lead_id,
                "kind": "booking_reminder",
                "request_id": new.request_id,
                "intake_sk": intake_sk,
                "status": "scheduled",
                "due_at": iso(due),
                "created_at": created,
                "expires_at": int((slot.end + SLOT_KEPT).timestamp()),
            }
        )

    def _used_challenge(self, new: NewSubmission | NewIntake) -> dict[str, Any]:
        return self._new_put(used_challenge_item(new.challenge.challenge, new.challenge.expires_at))

    def _lead_write(
        self,
        new: NewSubmission | NewIntake,
        created: str,
        extra: dict[str, Any],
        count: str,
        renew: bool,
        counter: str | None = None,
        first: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """Creates the lead of this address, or brings a live one up to date; its TTL restarts.

        Only what a form may claim without proof: the address (it is the key), pointers to the latest
        request and pending, unverified values. The name, the urgent flag and the follow-up stop of the lead
        change only from verified actions (the confirm link, the coach's CLI), never from here.

        ``renew``: the profile is past its TTL (DynamoDB deletes such items up to days later) and is replaced
        whole, on condition that it still is: a concurrent request may have renewed it meanwhile.

        ``counter``: the funnel counter this request counts in; a new lead keeps it as ``LEAD_COUNTER`` (the relay
        counts the lead there, dal/funnel.py).

        Set only when the lead is created (or, for a lead from before them, at its next form): the month index's
        keys (gsi2, newest first on the coach's list) and ``first``, the first form's source and campaign.
        """
        now = {":now": int(new.created_at.timestamp())}
        assignments = {
            "entity": "lead",
            "lead_id": new.lead_id,
            "email": new.email,
            "updated_at": created,
            **extra,
            "expires_at": new.expires_at,
        }
        once = {**month_keys(LEADS_MONTH, created, new.lead_id), **(first or {})}
        if renew:
            profile = dict(assignments)
            item = {**key(lead_pk(new.lead_id), PROFILE), **profile, **once, "created_at": created, count: 1}
            if counter is not None:
                item[LEAD_COUNTER] = counter
            return self._put(item, ConditionExpression="expires_at <= :now", ExpressionAttributeValues=to_item(now))
        # A None clears what an earlier form set (an urgent test has no category).
        cleared = [name for name, value in assignments.items() if value is None]
        kept = {name: value for name, value in assignments.items() if value is not None}
        values = {f":{name}": value for name, value in {**kept, **once}.items()}
        sets = [f"{name} = :{name}" for name in kept]
        sets.append("created_at = if_not_exists(created_at, :updated_at)")
        sets += [f"{name} = if_not_exists({name}, :{name})" for name in once]
        if counter is not None:
            sets.append(f"{LEAD_COUNTER} = if_not_exists({LEAD_COUNTER}, :lead_counter)")
            values[":lead_counter"] = counter
        remove = f" REMOVE {', '.join(cleared)}" if cleared else ""
        return {
            "Update": {
                "TableName": self.table_name,
                "Key": to_item(key(lead_pk(new.lead_id), PROFILE)),
                "UpdateExpression": f"SET {', '.join(sets)} ADD {count} :one{remove}",
                "ConditionExpression": "attribute_not_exists(pk) OR expires_at > :now",
                "ExpressionAttributeValues": to_item({**values, ":one": 1, **now}),
            }
        }


def _booking_attributes(new: NewIntake) -> dict[str, Any]:
    """What the intake itself says of its booking (nothing when it books none)."""
    if new.slot is None:
        return {}
    return {
        "slot_start": iso(new.slot.start),
        "slot_end": iso(new.slot.end),
        "booking_status": "booked",
        "gp_acknowledged": new.gp_acknowledged,
    }


def _index_of(items: list[dict[str, Any]], wanted_key: Key) -> int:
    """The position of the put of ``key`` in a transaction (len(items) when there is none)."""
    wanted = to_item(wanted_key)
    for index, item in enumerate(items):
        put = item.get("Put", {}).get("Item", {})
        if all(put.get(name) == value for name, value in wanted.items()):
            return index
    return len(items)


def _first_touch(source: dict[str, Any]) -> dict[str, str]:
    """The form's utm_source and utm_campaign, as the lead keeps them from the first form that named them."""
    return {name: str(source[name]) for name in ("utm_source", "utm_campaign") if source.get(name)}


def _page(source: dict[str, Any]) -> dict[str, Any]:
    return {"landing_path": source["landing_path"]} if source.get("landing_path") else {}


def intake_email_kinds() -> tuple[str, ...]:
    from pijnreset.logic.intake import INTAKE_EMAIL_KINDS  # loaded already wherever intakes are written

    return INTAKE_EMAIL_KINDS
