"""Marketing consent on the lead: double opt-in confirmation and one-click withdrawal.

Both are one transaction: the change on the lead, with its proof (time, channel) as its own consent item,
and for a confirmation the follow-up schedule. A condition on the lead decides whether anything changes,
so both are idempotent: confirming twice schedules once, unsubscribing twice records the first time.

A confirmation is the one action from the person's own mailbox: it confirms the opt-in request its link was
issued for (``marketing_request_id``, the submission named in the token) and no other, and it verifies the
address: ``verified_at``, and the name given with that request becomes the lead's ``verified_name``.

Both count in the funnel (``optin_confirmed``, ``unsubscribed``; dal/funnel.py) in the same transaction, under
the source of the request that brought the opt-in (or the lead), read from the lead first: a change that does
not happen counts nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

import boto3

from pijnreset.dal.funnel import LEAD_COUNTER, OPTIN_COUNTER, counted_later, overflowed, with_funnel
from pijnreset.dal.table import LIVE, consent_item, from_item, live, live_values, profile_key, to_item
from pijnreset.logic.email.policy import marketing_allowed
from pijnreset.timestamps import iso

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from pijnreset.logic.funnel import FunnelCount, Step
    from pijnreset.models.items import FollowupItem

ConfirmOutcome = Literal["confirmed", "already_confirmed", "superseded", "not_possible"]
UnsubscribeOutcome = Literal["unsubscribed", "already_unsubscribed"]


class MarketingConsents:
    def __init__(self, table_name: str, client: DynamoDBClient | None = None) -> None:
        self.table_name = table_name
        self._client: DynamoDBClient = client or boto3.client("dynamodb")

    def confirm(
        self, lead_id: str, request_id: str, now: datetime, followups: list[FollowupItem], proof_expires_at: int
    ) -> ConfirmOutcome:
        """``request_id``: the submission whose opt-in the link confirms; "superseded" when the lead's open
        request is another (a newer one: its own email has the link that confirms it)."""
        moment = iso(now)
        transaction: list[dict[str, Any]] = [
            {
                "Update": {
                    "TableName": self.table_name,
                    "Key": to_item(profile_key(lead_id)),
                    "UpdateExpression": "SET marketing_confirmed_at = :now, verified_at = :now,"
                    " verified_name = marketing_request_name",
                    # Only the request this link was issued for, still open, not withdrawn since, for someone
                    # without an urgent flag.
                    "ConditionExpression": f"{LIVE} AND attribute_exists(marketing_requested_at)"
                    " AND marketing_request_id = :request"
                    " AND attribute_not_exists(urgent_flag_at)"
                    " AND (attribute_not_exists(marketing_confirmed_at)"
                    " OR marketing_confirmed_at < marketing_requested_at)"
                    " AND (attribute_not_exists(unsubscribed_at) OR unsubscribed_at < marketing_requested_at)",
                    "ExpressionAttributeValues": to_item({":now": moment, ":request": request_id, **live_values(now)}),
                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                }
            },
            self._proof(lead_id, "marketing_confirmation", now, proof_expires_at, submission_id=request_id),
            *(
                {
                    "Put": {
                        "TableName": self.table_name,
                        "Item": to_item(item),
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                }
                for item in followups
            ),
        ]
        old = self._transact(transaction, self._counted(lead_id, now, "optin_confirmed", OPTIN_COUNTER))
        if old is _DONE:
            return "confirmed"
        if old is not None and live(old, now) and old.get("marketing_request_id") != request_id:
            return "superseded"
        if old is not None and live(old, now) and marketing_allowed(old):
            return "already_confirmed"
        return "not_possible"

    def unsubscribe(self, lead_id: str, now: datetime, proof_expires_at: int) -> UnsubscribeOutcome:
        transaction: list[dict[str, Any]] = [
            {
                "Update": {
                    "TableName": self.table_name,
                    "Key": to_item(profile_key(lead_id)),
                    "UpdateExpression": "SET unsubscribed_at = :now",
                    # Not already unsubscribed since the latest opt-in request or confirmation.
                    "ConditionExpression": f"{LIVE} AND (attribute_not_exists(unsubscribed_at)"
                    " OR unsubscribed_at < marketing_confirmed_at OR unsubscribed_at < marketing_requested_at)",
                    "ExpressionAttributeValues": to_item({":now": iso(now), **live_values(now)}),
                }
            },
            self._proof(lead_id, "marketing_withdrawal", now, proof_expires_at),
        ]
        count = self._counted(lead_id, now, "unsubscribed", OPTIN_COUNTER, LEAD_COUNTER)
        return "unsubscribed" if self._transact(transaction, count) is _DONE else "already_unsubscribed"

    def _counted(self, lead_id: str, now: datetime, step: Step, *counters: str) -> FunnelCount | None:
        """``step`` under the first of the lead's stored ``counters`` it has (None: no lead, nothing to count)."""
        names = {f"#c{index}": name for index, name in enumerate(counters)}
        stored = self._client.get_item(
            TableName=self.table_name,
            Key=to_item(profile_key(lead_id)),
            ConsistentRead=True,
            ProjectionExpression=", ".join(names),
            ExpressionAttributeNames=names,
        ).get("Item")
        lead = from_item(dict(stored)) if stored else {}
        return counted_later(next((lead[name] for name in counters if lead.get(name)), None), now, step)

    def _proof(self, lead_id: str, purpose: str, now: datetime, expires_at: int, **request: str) -> dict[str, Any]:
        """``request``: which request it answers (the confirmation: the opt-in's submission_id), also the
        proof's reference in its key."""
        source = {"channel": "email_link", **request}
        reference = request.get("submission_id", "email_link")
        granted = purpose != "marketing_withdrawal"
        item = consent_item(lead_id, purpose, iso(now), reference, source, expires_at, granted=granted)
        return {"Put": {"TableName": self.table_name, "Item": to_item(item)}}

    def _transact(self, transaction: list[dict[str, Any]], count: FunnelCount | None) -> Any:
        """_DONE when the transaction (with ``count``) went through; else the lead as it was (None when there is
        none). A full registry of the day's sources: written again counting under OTHER."""
        for _attempt in range(2):
            sent, registry = with_funnel(self.table_name, transaction, count)
            try:
                self._client.transact_write_items(TransactItems=sent)  # type: ignore[arg-type]
            except self._client.exceptions.TransactionCanceledException as error:
                reasons = error.response.get("CancellationReasons", [])
                codes = [reason.get("Code") for reason in reasons]
                if count is not None and codes and codes[0] != "ConditionalCheckFailed" and overflowed(codes, registry):
                    count = count.overflowed()
                    continue
                if not reasons or codes[0] != "ConditionalCheckFailed":
                    raise
                old = reasons[0].get("Item")
                return from_item(dict(old)) if old else None
            return _DONE
        raise RuntimeError("the day's source registry refused OTHER")  # never: OTHER has no registry update


_DONE = object()
