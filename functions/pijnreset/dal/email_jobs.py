"""Email jobs in the leads table: claimed, marked sent, failed or released with conditional writes.

A job moves pending -> sending -> sent | failed | skipped, and back to pending when SES asks us to wait.
Only the sender holding the claim may move it on; a claim older than the stale limit may be taken over
(the sender that held it crashed).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import boto3

from pijnreset.dal.table import (
    LIVE,
    PROFILE,
    batch_get,
    from_item,
    key,
    key_of,
    latest_submission_sk,
    live,
    suppression_key,
    to_item,
)
from pijnreset.models.email import JobData
from pijnreset.models.items import Key
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
                Key=to_item(key(pk, sk)),
                UpdateExpression="SET #status = :sending, claim_id = :claim, claimed_at = :now ADD attempts :one",
                ConditionExpression=(
                    f"{LIVE} AND (#status = :pending OR (#status = :sending AND claimed_at < :stale))"
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
        items = self._get_all([key(pk, sk) for sk in [PROFILE, *named.values()]] + [marker], now)
        lead = items.get((pk, PROFILE))
        if "submission" not in named and job.get("with_latest_submission") and lead is not None:
            latest = latest_submission_sk(lead)
            if latest is not None:
                named["submission"] = latest
                items |= self._get_all([key(pk, latest)], now)
        return JobData(
            job=job,
            lead=lead,
            submission=items.get((pk, named.get("submission", ""))),
            intake=items.get((pk, named.get("intake", ""))),
            suppression=items.get((marker["pk"], marker["sk"])),
        )

    def _get_all(self, keys: list[Key], now: datetime) -> dict[tuple[str, str], dict[str, Any]]:
        """The live items among ``keys``, by (pk, sk), read consistently."""
        found = batch_get(self._client, self.table_name, keys)
        return {(item["pk"], item["sk"]): item for item in found if live(item, now)}

    def statuses(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], str | None]:
        """The status of each job of ``keys`` (None: no such job), read consistently and nothing else of them:
        the outbox relay, whose stream carries keys only, reads no more than it needs."""
        found: dict[tuple[str, str], str | None] = dict.fromkeys(keys)
        read = batch_get(
            self._client, self.table_name, [key(pk, sk) for pk, sk in keys], projection=["pk", "sk", "status"]
        )
        for item in read:
            found[(item["pk"], item["sk"])] = item.get("status")
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
            Key=to_item(key_of(job)),
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
            Key=to_item(key_of(job)),
            # Leaving the due index: a finished job is no work for the outbox sweep.
            UpdateExpression=f"SET #status = :status, {assignments} REMOVE claim_id, claimed_at, gsi1pk, gsi1sk",
            ConditionExpression="claim_id = :claim",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=to_item(
                {":status": status, ":claim": job["claim_id"], **{f":{name}": value for name, value in values.items()}}
            ),
        )
