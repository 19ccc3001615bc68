"""Open intake requests, as the coach reads and closes them: the sparse index gsi1, never a Scan."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pijnreset.dal.table import INDEX, OPEN_INTAKES, batch_get, from_item, key_of, live, profile_key, to_item

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class OpenIntakes:
    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        self.table_name = table_name
        self._client = client

    def list(self) -> list[dict[str, Any]]:
        """Every open intake, oldest first: one Query of the index partition INTAKE#open (paged).

        An intake past its TTL (not yet deleted by DynamoDB) is no longer listed."""
        intakes: list[dict[str, Any]] = []
        for page in self._client.get_paginator("query").paginate(
            TableName=self.table_name,
            IndexName=INDEX,
            KeyConditionExpression="gsi1pk = :open",
            ExpressionAttributeValues=to_item({":open": OPEN_INTAKES}),
            ScanIndexForward=True,
        ):
            intakes += [from_item(dict(item)) for item in page["Items"]]
        now = datetime.now(UTC)
        return [intake for intake in intakes if live(intake, now)]

    def leads(self, lead_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The leads of these ids that still exist, by id (BatchGetItem, 100 keys a call)."""
        keys = [profile_key(lead_id) for lead_id in sorted(set(lead_ids))]
        now = datetime.now(UTC)
        found = batch_get(self._client, self.table_name, keys, consistent=False)
        return {lead["lead_id"]: lead for lead in found if live(lead, now)}

    def mark_handled(
        self,
        intake: dict[str, Any],
        now: str,
        genuine: bool = True,
        still_open_until: int | None = None,
        also: Sequence[dict[str, Any]] = (),
    ) -> bool:
        """Takes the intake out of the index, status "handled", and ends its pause of the follow-ups, in one
        transaction; False when it was no longer open.

        ``genuine``: the coach spoke with the person, who asked for it: the follow-ups stop for good
        (``intake_requested_at``). Not genuine (the person never asked): they resume. ``still_open_until``:
        the expiry of another open intake of the same lead, which keeps pausing them. ``also``: more items of
        the same transaction (the access log's item of the change, dal/access_log.py).
        """
        sets = ["open_intake_until = :until"] if still_open_until else []
        values: dict[str, Any] = {":until": still_open_until} if still_open_until else {}
        if genuine:
            sets.append("intake_requested_at = :requested")
            values[":requested"] = intake["created_at"]
        update = (f"SET {', '.join(sets)}" if sets else "") + ("" if still_open_until else " REMOVE open_intake_until")
        lead_update: Any = {
            "TableName": self.table_name,
            "Key": to_item(profile_key(intake["lead_id"])),
            "UpdateExpression": update.strip(),
            "ConditionExpression": "attribute_exists(pk)",
        }
        if values:
            lead_update["ExpressionAttributeValues"] = to_item(values)
        try:
            self._client.transact_write_items(
                TransactItems=[
                    {
                        "Update": {
                            "TableName": self.table_name,
                            "Key": to_item(key_of(intake)),
                            "UpdateExpression": "SET #status = :handled, handled_at = :now, genuine = :genuine"
                            " REMOVE gsi1pk, gsi1sk",
                            "ConditionExpression": "gsi1pk = :open",
                            "ExpressionAttributeNames": {"#status": "status"},
                            "ExpressionAttributeValues": to_item(
                                {":handled": "handled", ":now": now, ":open": OPEN_INTAKES, ":genuine": genuine}
                            ),
                        }
                    },
                    {"Update": lead_update},
                    *also,  # type: ignore[list-item]  # TransactWriteItems entries, built as plain dicts
                ]
            )
        except self._client.exceptions.TransactionCanceledException as error:
            codes = [reason.get("Code") for reason in error.response.get("CancellationReasons", [])]
            if codes[:1] == ["ConditionalCheckFailed"]:
                return False
            raise
        return True

    def verify_lead(self, lead_id: str, now: str, name: str | None, urgent_flag_at: str | None) -> bool:
        """The coach's mark that the address is the person's (they replied from it): ``verified_at``, and the
        name and urgent flag the coach confirmed become the lead's. False when there is no such lead."""
        values: dict[str, Any] = {":now": now}
        sets = ["verified_at = :now"]
        if name:
            sets.append("verified_name = :name")
            values[":name"] = name
        if urgent_flag_at:
            sets.append("urgent_flag_at = :urgent")
            values[":urgent"] = urgent_flag_at
        try:
            self._client.update_item(
                TableName=self.table_name,
                Key=to_item(profile_key(lead_id)),
                UpdateExpression=f"SET {', '.join(sets)}",
                ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeValues=to_item(values),
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            return False
        return True
