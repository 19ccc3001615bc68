"""The leads table: one DynamoDB table holding every item of every lead.

Keys (see template.yaml for the table itself):
  pk = LEAD#<lead_id>         sk = PROFILE                                the lead
                              sk = SUBMISSION#<created_at>#<id>           one Pijntest
                              sk = CONSENT#<purpose>#<created_at>#<id>    proof of one consent
                              sk = EMAIL#<kind>#<created_at>#<id>         an email job (the outbox)
  pk = SUBMISSION#<id>        sk = REQUEST                                the replay record of a submission_id
  pk = SUPPRESSION#<lead_id>  sk = MARKER                                 no email at all to this address
Everything of one person shares one partition, so export and erasure are one Query; the replay record
sits under the client's submission_id so that a retry is recognised whatever address it carries.

The sparse index gsi1 (gsi1pk, gsi1sk) holds only items that set gsi1pk: work that is due at a time
(gsi1pk = DUE#<hour bucket>, gsi1sk = <due time>#<pk>) and open intakes (gsi1pk = INTAKE#open).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import boto3
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from pijnreset.logic.due import due_keys
from pijnreset.logic.submission import NewSubmission
from pijnreset.timestamps import iso

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

PROFILE = "PROFILE"
_TRANSACTION_ATTEMPTS = 3
_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def lead_pk(lead_id: str) -> str:
    return f"LEAD#{lead_id}"


def suppression_key(lead_id: str) -> dict[str, str]:
    """The marker that suppresses every email to an address: keyed by the address's hash, no PII in it."""
    return {"pk": f"SUPPRESSION#{lead_id}", "sk": "MARKER"}


def request_pk(submission_id: str) -> str:
    return f"SUBMISSION#{submission_id}"


@dataclass(frozen=True)
class Recorded:
    body: dict[str, Any]


@dataclass(frozen=True)
class Replayed:
    body: dict[str, Any]


@dataclass(frozen=True)
class Conflict:
    pass


def to_item(values: dict[str, Any]) -> dict[str, Any]:
    return {name: _serializer.serialize(value) for name, value in values.items() if value is not None}


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    """An item as plain Python: DynamoDB's numbers come back as int (or float), not Decimal."""
    return {name: _plain(_deserializer.deserialize(value)) for name, value in item.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | set):
        return [_plain(item) for item in value]
    return value


class LeadsTable:
    def __init__(self, table_name: str, client: DynamoDBClient | None = None) -> None:
        self.table_name = table_name
        self._client: DynamoDBClient = client or boto3.client("dynamodb")

    def record_submission(self, new: NewSubmission) -> Recorded | Replayed | Conflict:
        """Writes the whole submission in ONE TransactWriteItems call, or recognises a replay.

        The replay record's condition makes a retried submission_id fail the transaction; DynamoDB then
        returns the stored record in the same call, so a replay costs no extra read either.
        """
        transaction = self._submission_transaction(new)
        for attempt in range(1, _TRANSACTION_ATTEMPTS + 1):
            try:
                self._client.transact_write_items(TransactItems=transaction)  # type: ignore[arg-type]
                return Recorded(new.response_body)
            except self._client.exceptions.TransactionCanceledException as error:
                reasons = error.response.get("CancellationReasons", [])
                codes = [reason.get("Code") for reason in reasons]
                if codes and codes[0] == "ConditionalCheckFailed":
                    stored = reasons[0].get("Item") or self._stored_request(new.submission_id)
                    if stored is None:  # expired and deleted between the two calls: write anew
                        continue
                    return self._replay_or_conflict(from_item(dict(stored)), new)
                if "TransactionConflict" in codes and attempt < _TRANSACTION_ATTEMPTS:
                    continue  # a concurrent duplicate is writing the same items: look again
                raise
        raise RuntimeError("the submission transaction kept conflicting")

    def _replay_or_conflict(self, stored: dict[str, Any], new: NewSubmission) -> Replayed | Conflict:
        if stored.get("request_hash") == new.request_hash:
            return Replayed(json.loads(stored["response"]))
        return Conflict()

    def _stored_request(self, submission_id: str) -> dict[str, Any] | None:
        response = self._client.get_item(
            TableName=self.table_name, Key=to_item(_key(request_pk(submission_id), "REQUEST")), ConsistentRead=True
        )
        return response.get("Item")

    def _submission_transaction(self, new: NewSubmission) -> list[dict[str, Any]]:
        created = iso(new.created_at)
        pk = lead_pk(new.lead_id)
        submission_sk = f"SUBMISSION#{created}#{new.submission_id}"
        result = new.result.model_dump(mode="json")
        versions = result["versions"]

        def put(item: dict[str, Any], **extra: Any) -> dict[str, Any]:
            return {"Put": {"TableName": self.table_name, "Item": to_item(item), **extra}}

        replay_record = put(
            {
                **_key(request_pk(new.submission_id), "REQUEST"),
                "entity": "submission_request",
                "lead_id": new.lead_id,
                "submission_id": new.submission_id,
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
        submission = put(
            {
                **_key(pk, submission_sk),
                "entity": "submission",
                "lead_id": new.lead_id,
                "submission_id": new.submission_id,
                "answers": new.answers,
                "result": result,
                "triage": new.result.triage,
                "category": new.result.category,
                "versions": versions,
                "source": new.source,
                "started_at": new.started_at,
                "created_at": created,
                "expires_at": new.expires_at,
            },
            ConditionExpression="attribute_not_exists(pk)",
        )
        consents = [
            put(
                {
                    **_key(pk, f"CONSENT#{proof.purpose}#{created}#{new.submission_id}"),
                    "entity": "consent",
                    "lead_id": new.lead_id,
                    "purpose": proof.purpose,
                    "granted": True,
                    "given_at": created,
                    "consent_version": proof.version,
                    "text_sha256": proof.text_sha256,
                    "source": {"channel": "pijntest", "submission_id": new.submission_id, **_page(new.source)},
                    "expires_at": new.consent_expires_at,
                }
            )
            for proof in new.consents
        ]
        jobs = [
            put(
                email_job_item(
                    lead_id=new.lead_id,
                    kind=kind,
                    created_at=new.created_at,
                    reference=new.submission_id,
                    expires_at=new.email_expires_at,
                    submission_sk=submission_sk,
                ),
                ConditionExpression="attribute_not_exists(pk)",
            )
            for kind in new.email_kinds
        ]
        return [replay_record, self._lead_update(new, created), submission, *consents, *jobs]

    def _lead_update(self, new: NewSubmission, created: str) -> dict[str, Any]:
        assignments = {
            "entity": "lead",
            "lead_id": new.lead_id,
            "email": new.email,
            "#name": new.name,
            "updated_at": created,
            "latest_submission_id": new.submission_id,
            "latest_submission_at": created,
            "latest_triage": new.result.triage,
            "expires_at": new.expires_at,
        }
        if new.marketing_requested:
            assignments["marketing_requested_at"] = created
        if new.result.triage == "urgent":
            assignments["urgent_flag_at"] = created
        values = {f":{name.lstrip('#')}": value for name, value in assignments.items()}
        sets = [f"{name} = :{name.lstrip('#')}" for name in assignments]
        sets.append("created_at = if_not_exists(created_at, :updated_at)")
        return {
            "Update": {
                "TableName": self.table_name,
                "Key": to_item(_key(lead_pk(new.lead_id), PROFILE)),
                "UpdateExpression": f"SET {', '.join(sets)} ADD submission_count :one",
                "ExpressionAttributeNames": {"#name": "name"},
                "ExpressionAttributeValues": to_item({**values, ":one": 1}),
            }
        }


def email_job_item(
    *,
    lead_id: str,
    kind: str,
    created_at: datetime,
    reference: str,
    expires_at: int,
    once_per: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A pending email job, the outbox entry its stream relay picks up.

    It sits in the due index from the start: if the relay ever loses it, the outbox sweep finds it there.
    ``once_per``: jobs with the same kind and value share one key, so a conditional put writes only one.
    """
    pk = lead_pk(lead_id)
    created = iso(created_at)
    sk = f"EMAIL#{kind}#{once_per}" if once_per else f"EMAIL#{kind}#{created}#{reference}"
    return {
        **_key(pk, sk),
        **due_keys(created_at, pk, sk),
        "entity": "email_job",
        "lead_id": lead_id,
        "job_id": f"{kind}#{created}#{reference}",
        "kind": kind,
        "status": "pending",
        "created_at": created,
        "expires_at": expires_at,
        **extra,
    }


def _key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": pk, "sk": sk}


def _page(source: dict[str, Any]) -> dict[str, Any]:
    return {"landing_path": source["landing_path"]} if source.get("landing_path") else {}
