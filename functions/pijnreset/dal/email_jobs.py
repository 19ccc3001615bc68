"""Email jobs in the leads table: claimed, marked sent, failed or released with conditional writes.

A job moves pending -> sending -> sent | failed | skipped, and back to pending when SES asks us to wait.
Only the sender holding the claim may move it on; a claim older than the stale limit may be taken over
(the sender that held it crashed).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import boto3

from pijnreset.dal.leads_table import PROFILE, from_item, latest_submission_sk, suppression_key, to_item
from pijnreset.logic.retention import live
from pijnreset.models.email import JobData
from pijnreset.models.jobs import Claimed, NotClaimable

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class EmailJobs:
    def __init__(self, table_name: str, client: DynamoDBClient | None = None) -> None:
        self.table_name = table_name
        self._client: DynamoDBClient = client or boto3.client("dynamodb")

    def claim(self, pk: str, sk: str, claim_id: str, now: str, stale_before: str) -> Claimed | NotClaimable:
        epoch = int(datetime.fromisoformat(now.replace("Z", "+00:00")).timestamp())
        try:
            response = self._client.update_item(
                TableName=self.table_name,
                Key=to_item({"pk": pk, "sk": sk}),
                UpdateExpression="SET #status = :sending, claim_id = :claim, claimed_at = :now ADD attempts :one",
                ConditionExpression=(
                    "attribute_exists(pk) AND (attribute_not_exists(expires_at) OR expires_at > :epoch)"
                    " AND (#status = :pending OR (#status = :sending AND claimed_at < :stale))"
                ),
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues=to_item(
                    {
                        ":sending": "sending",
                        ":pending": "pending",
                        ":claim": claim_id,
                        ":now": now,
                        ":stale": stale_before,
                        ":epoch": epoch,
                        ":one": 1,
                    }
                ),
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except self._client.exceptions.ConditionalCheckFailedException as error:
            old: Any = error.response.get("Item")
            if not old or not live(from_item(dict(old)), datetime.fromtimestamp(epoch, UTC)):
                return NotClaimable(None)  # gone, or past its TTL and not yet deleted
            return NotClaimable(from_item(dict(old)).get("status"))
        return Claimed(from_item(dict(response["Attributes"])))

    def load(self, job: dict[str, Any], now: datetime) -> JobData:
        """The job's lead, the items it names (a submission, an intake) and any suppression marker of the
        address: one BatchGetItem. Items past their TTL read as absent.

        A job that asks for the lead's latest Pijntest gets it with a second read, since only the lead knows
        which one that is by the time the email is sent.
        """
        pk = job["pk"]
        marker = suppression_key(job["lead_id"])
        named = {role: job[f"{role}_sk"] for role in ("submission", "intake") if job.get(f"{role}_sk")}
        items = self._get_all([{"pk": pk, "sk": sk} for sk in [PROFILE, *named.values()]] + [marker], now)
        lead = items.get((pk, PROFILE))
        if "submission" not in named and job.get("with_latest_submission") and lead is not None:
            latest = latest_submission_sk(lead)
            if latest is not None:
                named["submission"] = latest
                items |= self._get_all([{"pk": pk, "sk": latest}], now)
        return JobData(
            job=job,
            lead=lead,
            submission=items.get((pk, named.get("submission", ""))),
            intake=items.get((pk, named.get("intake", ""))),
            suppression=items.get((marker["pk"], marker["sk"])),
        )

    def _get_all(self, keys: list[dict[str, str]], now: datetime) -> dict[tuple[str, str], dict[str, Any]]:
        """The live items among ``keys``, by (pk, sk), read consistently."""
        response = self._client.batch_get_item(
            RequestItems={self.table_name: {"Keys": [to_item(key) for key in keys], "ConsistentRead": True}}
        )
        if response.get("UnprocessedKeys"):
            raise RuntimeError("DynamoDB left keys unprocessed; the message will be retried")
        found = [from_item(dict(item)) for item in response["Responses"].get(self.table_name, [])]
        return {(item["pk"], item["sk"]): item for item in found if live(item, now)}

    def statuses(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], str | None]:
        """The status of each job of ``keys`` (None: no such job), read consistently and nothing else of them:
        the outbox relay, whose stream carries keys only, reads no more than it needs."""
        found: dict[tuple[str, str], str | None] = dict.fromkeys(keys)
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), 100):
            request: Any = {
                self.table_name: {
                    "Keys": [to_item({"pk": pk, "sk": sk}) for pk, sk in unique[start : start + 100]],
                    "ConsistentRead": True,
                    "ProjectionExpression": "pk, sk, #status",
                    "ExpressionAttributeNames": {"#status": "status"},
                }
            }
            while request:
                response = self._client.batch_get_item(RequestItems=request)
                for raw in response["Responses"].get(self.table_name, []):
                    item = from_item(dict(raw))
                    found[(item["pk"], item["sk"])] = item.get("status")
                request = response.get("UnprocessedKeys") or None
        return found

    def mark_sent(self, job: dict[str, Any], now: str, message_id: str, template_version: str) -> None:
        self._finish(job, "sent", {"sent_at": now, "ses_message_id": message_id, "template_version": template_version})

    def mark_failed(self, job: dict[str, Any], now: str, reason: str) -> None:
        self._finish(job, "failed", {"failed_at": now, "failure": reason})

    def mark_skipped(self, job: dict[str, Any], now: str, reason: str) -> None:
        self._finish(job, "skipped", {"skipped_at": now, "skip_reason": reason})

    def release(self, job: dict[str, Any], reason: str, deferred_until: str | None = None) -> None:
        """Back to pending, so that the next delivery of its message may claim it.

        ``deferred_until``: its message waits on the queue until then, so the outbox sweep leaves it alone."""
        self._client.update_item(
            TableName=self.table_name,
            Key=to_item({"pk": job["pk"], "sk": job["sk"]}),
            UpdateExpression="SET #status = :pending, last_error = :reason, deferred_until = :until"
            " REMOVE claim_id, claimed_at",
            ConditionExpression="claim_id = :claim",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues=to_item(
                {":pending": "pending", ":reason": reason, ":claim": job["claim_id"], ":until": deferred_until or ""}
            ),
        )

    def _finish(self, job: dict[str, Any], status: str, values: dict[str, Any]) -> None:
        names = {"#status": "status", **{f"#{name}": name for name in values}}
        assignments = ", ".join(f"#{name} = :{name}" for name in values)
        self._client.update_item(
            TableName=self.table_name,
            Key=to_item({"pk": job["pk"], "sk": job["sk"]}),
            # Leaving the due index: a finished job is no work for the outbox sweep.
            UpdateExpression=f"SET #status = :status, {assignments} REMOVE claim_id, claimed_at, gsi1pk, gsi1sk",
            ConditionExpression="claim_id = :claim",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=to_item(
                {":status": status, ":claim": job["claim_id"], **{f":{name}": value for name, value in values.items()}}
            ),
        )
