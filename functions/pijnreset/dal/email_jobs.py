"""Email jobs in the leads table: claimed, marked sent, failed or released with conditional writes.

A job moves pending -> sending -> sent | failed | skipped, and back to pending when SES asks us to wait.
Only the sender holding the claim may move it on; a claim older than the stale limit may be taken over
(the sender that held it crashed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import boto3

from pijnreset.dal.leads_table import PROFILE, from_item, latest_submission_sk, to_item
from pijnreset.logic.email_contexts import JobItems
from pijnreset.models.jobs import Claimed, NotClaimable

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class EmailJobs:
    def __init__(self, table_name: str, client: DynamoDBClient | None = None) -> None:
        self.table_name = table_name
        self._client: DynamoDBClient = client or boto3.client("dynamodb")

    def claim(self, pk: str, sk: str, claim_id: str, now: str, stale_before: str) -> Claimed | NotClaimable:
        try:
            response = self._client.update_item(
                TableName=self.table_name,
                Key=to_item({"pk": pk, "sk": sk}),
                UpdateExpression="SET #status = :sending, claim_id = :claim, claimed_at = :now ADD attempts :one",
                ConditionExpression=(
                    "attribute_exists(pk) AND (#status = :pending OR (#status = :sending AND claimed_at < :stale))"
                ),
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues=to_item(
                    {
                        ":sending": "sending",
                        ":pending": "pending",
                        ":claim": claim_id,
                        ":now": now,
                        ":stale": stale_before,
                        ":one": 1,
                    }
                ),
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except self._client.exceptions.ConditionalCheckFailedException as error:
            old: Any = error.response.get("Item")
            return NotClaimable(from_item(dict(old)).get("status") if old else None)
        return Claimed(from_item(dict(response["Attributes"])))

    def load(self, job: dict[str, Any]) -> JobItems:
        """The job's lead and the items it names (a submission, an intake): one BatchGetItem.

        A job that asks for the lead's latest Pijntest gets it with a second read, since only the lead knows
        which one that is by the time the email is sent.
        """
        pk = job["pk"]
        named = {role: job[f"{role}_sk"] for role in ("submission", "intake") if job.get(f"{role}_sk")}
        items = self._get_all(pk, [PROFILE, *named.values()])
        lead = items.get(PROFILE)
        if "submission" not in named and job.get("with_latest_submission") and lead is not None:
            latest = latest_submission_sk(lead)
            if latest is not None:
                named["submission"] = latest
                items |= self._get_all(pk, [latest])
        return JobItems(
            lead=lead,
            submission=items.get(named.get("submission", "")),
            intake=items.get(named.get("intake", "")),
        )

    def _get_all(self, pk: str, sort_keys: list[str]) -> dict[str, dict[str, Any]]:
        """The items of ``pk`` with these sort keys that exist, by sort key, read consistently."""
        response = self._client.batch_get_item(
            RequestItems={
                self.table_name: {"Keys": [to_item({"pk": pk, "sk": sk}) for sk in sort_keys], "ConsistentRead": True}
            }
        )
        if response.get("UnprocessedKeys"):
            raise RuntimeError("DynamoDB left keys unprocessed; the message will be retried")
        return {item["sk"]["S"]: from_item(dict(item)) for item in response["Responses"].get(self.table_name, [])}

    def mark_sent(self, job: dict[str, Any], now: str, message_id: str, template_version: str) -> None:
        self._finish(job, "sent", {"sent_at": now, "ses_message_id": message_id, "template_version": template_version})

    def mark_failed(self, job: dict[str, Any], now: str, reason: str) -> None:
        self._finish(job, "failed", {"failed_at": now, "failure": reason})

    def mark_skipped(self, job: dict[str, Any], now: str, reason: str) -> None:
        self._finish(job, "skipped", {"skipped_at": now, "skip_reason": reason})

    def release(self, job: dict[str, Any], reason: str) -> None:
        """Back to pending, so that the next delivery of its message may claim it."""
        self._client.update_item(
            TableName=self.table_name,
            Key=to_item({"pk": job["pk"], "sk": job["sk"]}),
            UpdateExpression="SET #status = :pending, last_error = :reason REMOVE claim_id, claimed_at",
            ConditionExpression="claim_id = :claim",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues=to_item({":pending": "pending", ":reason": reason, ":claim": job["claim_id"]}),
        )

    def _finish(self, job: dict[str, Any], status: str, values: dict[str, Any]) -> None:
        names = {"#status": "status", **{f"#{name}": name for name in values}}
        assignments = ", ".join(f"#{name} = :{name}" for name in values)
        self._client.update_item(
            TableName=self.table_name,
            Key=to_item({"pk": job["pk"], "sk": job["sk"]}),
            UpdateExpression=f"SET #status = :status, {assignments} REMOVE claim_id, claimed_at",
            ConditionExpression="claim_id = :claim",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=to_item(
                {":status": status, ":claim": job["claim_id"], **{f":{name}": value for name, value in values.items()}}
            ),
        )
