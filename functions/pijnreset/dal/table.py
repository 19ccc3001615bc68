"""The leads table's kernel: its key schema, every key format, the TTL-live rule, the codec and the item
builders that more than one repository (or handler) needs. The repositories (one per access pattern:
leads_table, consents, email_jobs, due_work, person_data, suppressions, intakes, caps, challenges) build
their requests on this and never spell a key themselves.

One DynamoDB table holds every item of every lead (see template.yaml for the table itself):
  pk = LEAD#<lead_id>         sk = PROFILE                                the lead
                              sk = SUBMISSION#<created_at>#<id>           one Pijntest
                              sk = INTAKE#<created_at>#<id>               one intake request
                              sk = CONSENT#<purpose>#<given_at>#<ref>     proof of one consent (or withdrawal)
                              sk = EMAIL#<kind>#<created_at>#<ref>        an email job (the outbox)
                              sk = EMAIL#<kind>#<once_per>                an email job sent at most once per value
                              sk = FOLLOWUP#<sequence>#<step>#<time>      a scheduled follow-up email
                              sk = REMINDER#<request_id>                  the reminder of a booked intake
  pk = SUBMISSION#<id>        sk = REQUEST                                the replay record of a submission_id
  pk = INTAKE#<id>            sk = REQUEST                                the replay record of a request_id
  pk = SUPPRESSION#<lead_id>  sk = MARKER                                 no (marketing) email to this address
  pk = ALTCHA#<challenge>     sk = USED                                   a proof of work already spent (no PII)
  pk = ERASURE#<lead_id>      sk = MARKER                                 this address's data was erased then
  pk = CAP#...                                                            the caps' counters (logic/caps.py)
  pk = BOOKING#<UTC yyyy-mm>  sk = SLOT#<UTC start>                       a booked intake slot (one per start)
  pk = LEAD#<lead_id>         sk = NOTE#<created_at>#<note_id>            a note of the coach (erased with the lead)
  pk = ACCESS#<lead_id>       sk = <at>#<event_id>                        the access log: who did what with whom
  pk = ACCESS#EXPORTS         sk = <at>#<event_id>                        the access log of a CSV export of many
Everything of one person shares one partition, so export and erasure are one Query; a replay record
sits under the client's id so that a retry is recognised whatever address it carries.

The sparse index gsi1 (gsi1pk, gsi1sk) holds only items that set gsi1pk: work that is due at a time
(gsi1pk = DUE#<UTC hour>, gsi1sk = <due time>#<pk>#<sk>; finding what is due is a handful of small queries,
one per hour bucket of the look-back window), open intakes (gsi1pk = INTAKE#open, gsi1sk =
<created_at>#<request_id>; marking one handled removes both) and erasure markers (gsi1pk = ERASURES, gsi1sk =
<erased_at>#<lead_id>), which `pijnreset reapply-erasures` reads after a restore.

The sparse month index gsi2 (gsi2pk = <KIND>#<yyyy-mm>, gsi2sk = <created_at>#<id>; the UTC month of the
creation) lists what the coach's dashboard pages through by date, newest first: leads (LEADS, set only when a
lead is created), intakes (INTAKES) and access-log items (ACCESS). A page is one Query per month searched.

Imports of logic that remain in the data layer, each a domain decision or a DTO the layer is given:
  dal/leads_table.py   NewSubmission, NewIntake, ConsentProof (the planned writes; types only) and
                       INTAKE_EMAIL_KINDS (which emails an intake sends)
  dal/caps.py          CapPlan, Counter: which counters a request counts in and their limits (their keys too:
                       the unit tests of the caps read them off the plan)
  dal/person_data.py   the erasure rules (whether a link may still act, whether a restored table needs an
                       erasure again, how long a marker is kept) and CapPlan
  dal/consents.py      marketing_allowed: whether a lead's state counts as confirmed consent
  dal/challenges.py    SolvedChallenge (the verified proof of work)
  dal/email_jobs.py    JobData, the mail pipeline's DTO (the pipeline's own package owns it)
  dal/mailer.py        the SES timeout and SendError (the mail pipeline's)
  dal/bookings.py      Slot (an interval of logic/booking.py; the type only)
  dal/dashboard.py     Position, a page cursor's DTO (where a page starts; logic/cursors.py checks it)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from pijnreset.models.items import EmailJobItem, FollowupItem, Key
from pijnreset.timestamps import iso

if TYPE_CHECKING:  # the due work and the sender build follow-up keys without loading any content
    from mypy_boto3_dynamodb import DynamoDBClient

    from pijnreset.content.followups import FollowupSequence

INDEX = "gsi1"
MONTH_INDEX = "gsi2"
LEADS_MONTH = "LEADS"
INTAKES_MONTH = "INTAKES"
ACCESS_MONTH = "ACCESS"
ACCESS_PREFIX = "ACCESS#"
ACCESS_EXPORTS = "EXPORTS"
NOTE_PREFIX = "NOTE#"
PROFILE = "PROFILE"
REQUEST = "REQUEST"
MARKER = "MARKER"
OPEN_INTAKES = "INTAKE#open"
ERASURES = "ERASURES"
DUE_PREFIX = "DUE#"
FOLLOWUP = "FOLLOWUP"
BATCH_GET_LIMIT = 100  # keys per BatchGetItem call
BATCH_WRITE_LIMIT = 25  # requests per BatchWriteItem call

# The TTL-live rule as a condition: the item exists and its TTL, if any, has not passed. DynamoDB deletes an
# item some time (up to days) after its TTL; until then every read and every write treats it as gone.
# Its value: ``live_values(now)``.
LIVE = "attribute_exists(pk) AND (attribute_not_exists(expires_at) OR expires_at > :epoch)"

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def live(item: Mapping[str, Any] | None, now: datetime) -> bool:
    """The TTL-live rule in Python, for a read item: it exists and its TTL, if any, has not passed."""
    if item is None:
        return False
    expires_at = item.get("expires_at")
    return expires_at is None or int(expires_at) > now.timestamp()


def live_values(now: datetime) -> dict[str, int]:
    """The values ``LIVE`` refers to."""
    return {":epoch": int(now.timestamp())}


# Keys


def key(pk: str, sk: str) -> Key:
    return {"pk": pk, "sk": sk}


def key_of(item: Mapping[str, Any]) -> Key:
    """The key of a read item."""
    return {"pk": str(item["pk"]), "sk": str(item["sk"])}


def lead_pk(lead_id: str) -> str:
    return f"LEAD#{lead_id}"


def profile_key(lead_id: str) -> Key:
    return key(lead_pk(lead_id), PROFILE)


SUBMISSION_PREFIX = "SUBMISSION#"


def submission_sk(created_at: str, submission_id: str) -> str:
    return f"{SUBMISSION_PREFIX}{created_at}#{submission_id}"


def latest_submission_sk(lead: Mapping[str, Any]) -> str | None:
    """The sort key of the lead's latest Pijntest, from the two attributes every submission sets on its lead."""
    if not lead.get("latest_submission_at") or not lead.get("latest_submission_id"):
        return None
    return submission_sk(str(lead["latest_submission_at"]), str(lead["latest_submission_id"]))


def intake_sk(created_at: str, request_id: str) -> str:
    return f"INTAKE#{created_at}#{request_id}"


def open_intake_keys(created_at: str, request_id: str) -> dict[str, str]:
    """The gsi1 attributes that list an intake as open."""
    return {"gsi1pk": OPEN_INTAKES, "gsi1sk": f"{created_at}#{request_id}"}


def note_sk(created_at: str, note_id: str) -> str:
    return f"{NOTE_PREFIX}{created_at}#{note_id}"


def access_pk(lead_id: str | None) -> str:
    """The access log's partition of a person (by their hash), or of the CSV exports of many."""
    return ACCESS_PREFIX + (lead_id or ACCESS_EXPORTS)


def access_key(lead_id: str | None, at: str, event_id: str) -> Key:
    return key(access_pk(lead_id), f"{at}#{event_id}")


# The month index


def month_of(at: str) -> str:
    """The month bucket of a stored ISO time: 2026-12-02T17:05:00.000Z -> 2026-12."""
    return at[:7]


def month_keys(kind: str, created_at: str, item_id: str) -> dict[str, str]:
    """The gsi2 attributes that list an item in its creation month."""
    return {"gsi2pk": f"{kind}#{month_of(created_at)}", "gsi2sk": f"{created_at}#{item_id}"}


def consent_sk(purpose: str, given_at: str, reference: str) -> str:
    """``reference``: what the consent answers (the form request's id, the confirmed submission's id, ...)."""
    return f"CONSENT#{purpose}#{given_at}#{reference}"


def submission_replay_key(submission_id: str) -> Key:
    return key(f"SUBMISSION#{submission_id}", REQUEST)


def intake_replay_key(request_id: str) -> Key:
    return key(f"INTAKE#{request_id}", REQUEST)


def replay_key_of(item: Mapping[str, Any]) -> Key | None:
    """The replay record that belongs to a stored submission or intake."""
    if item.get("entity") == "submission" and item.get("submission_id"):
        return submission_replay_key(str(item["submission_id"]))
    if item.get("entity") == "intake" and item.get("request_id"):
        return intake_replay_key(str(item["request_id"]))
    return None


def suppression_key(lead_id: str) -> Key:
    """The marker that suppresses email to an address: keyed by the address's hash, no PII in it."""
    return key(f"SUPPRESSION#{lead_id}", MARKER)


def erasure_key(lead_id: str) -> Key:
    """The marker that an address's data was erased (and when): its hash and a time, nothing else."""
    return key(f"ERASURE#{lead_id}", MARKER)


def used_challenge_key(challenge: str) -> Key:
    """The record of a spent ALTCHA solution, keyed by its challenge (a hash of a random salt and number)."""
    return key(f"ALTCHA#{challenge}", "USED")


def email_job_sk(kind: str, created_at: str, reference: str, once_per: str | None = None) -> str:
    """``once_per``: jobs with the same kind and value share one key, so a conditional put writes only one."""
    return f"EMAIL#{kind}#{once_per}" if once_per else f"EMAIL#{kind}#{created_at}#{reference}"


def followup_sk(sequence: str, step: str, confirmed_at: str) -> str:
    """Read back by logic/followups.confirmation_of (the email rules, which do not import this layer)."""
    return f"{FOLLOWUP}#{sequence}#{step}#{confirmed_at}"


def booking_pk(moment: datetime) -> str:
    """The partition of the booked slots starting in ``moment``'s UTC month: the slots of a few weeks are a
    Query or two."""
    return f"BOOKING#{moment.astimezone(UTC):%Y-%m}"


def slot_sk(start: datetime) -> str:
    return f"SLOT#{iso(start.astimezone(UTC))}"


def slot_key(start: datetime) -> Key:
    """One key per slot start: the conditional put of a booking makes exactly one booking of a slot win."""
    return key(booking_pk(start), slot_sk(start))


def reminder_sk(request_id: str) -> str:
    return f"REMINDER#{request_id}"


def booking_pks(start: datetime, end: datetime) -> list[str]:
    """The partitions of every slot starting from ``start`` to ``end``, oldest first."""
    month = start.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    pks = []
    while month <= end:
        pks.append(booking_pk(month))
        month = (month + timedelta(days=32)).replace(day=1)
    return pks


# The due index


def due_bucket(moment: datetime) -> str:
    return DUE_PREFIX + iso(moment)[:13]  # 2026-11-27T10


def due_keys(moment: datetime, pk: str, sk: str) -> dict[str, str]:
    """The gsi1 attributes that put an item in the due index at ``moment``."""
    return {"gsi1pk": due_bucket(moment), "gsi1sk": f"{iso(moment)}#{pk}#{sk}"}


def due_buckets(now: datetime, look_back: timedelta) -> Iterator[str]:
    """Every hour bucket from ``now - look_back`` to ``now``, oldest first."""
    hour = (now - look_back).replace(minute=0, second=0, microsecond=0)
    while hour <= now:
        yield due_bucket(hour)
        hour += timedelta(hours=1)


# Items


def used_challenge_item(challenge: str, expires_at: int) -> dict[str, Any]:
    """Kept until the challenge expires: after that the solution is refused as expired anyway."""
    return {**used_challenge_key(challenge), "entity": "used_challenge", "expires_at": expires_at}


def suppression_item(lead_id: str, scope: str, at: str, reason: str | None = None) -> dict[str, Any]:
    """``scope``: "all" (a hard bounce or complaint: no email at all) or "marketing" (unsubscribed)."""
    item = {**suppression_key(lead_id), "entity": "suppression", "scope": scope, "at": at}
    return item | ({"reason": reason} if reason else {})


def erasure_marker_item(lead_id: str, erased_at: datetime, expires_at: int) -> dict[str, Any]:
    """What an erasure leaves so that a restore from backup cannot quietly undo it: the address's hash and the
    time, no PII; listed in the index's ERASURES partition."""
    at = iso(erased_at)
    return {
        **erasure_key(lead_id),
        "entity": "erasure",
        "lead_id": lead_id,
        "erased_at": at,
        "gsi1pk": ERASURES,
        "gsi1sk": f"{at}#{lead_id}",
        "expires_at": expires_at,
    }


def consent_item(
    lead_id: str,
    purpose: str,
    given_at: str,
    reference: str,
    source: dict[str, Any],
    expires_at: int,
    *,
    granted: bool = True,
    **proof: str,
) -> dict[str, Any]:
    """Proof of one consent (or its withdrawal): who (the lead), which purpose, when, where (``source``) and,
    for a form's consent, to which text (``proof``: consent_version, text_sha256)."""
    return {
        **key(lead_pk(lead_id), consent_sk(purpose, given_at, reference)),
        "entity": "consent",
        "lead_id": lead_id,
        "purpose": purpose,
        "granted": granted,
        "given_at": given_at,
        **proof,
        "source": source,
        "expires_at": expires_at,
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
) -> EmailJobItem:
    """A pending email job, the outbox entry its stream relay picks up.

    It sits in the due index from the start: if the relay ever loses it, the outbox sweep finds it there.
    ``extra``: what the sender is to read with it (submission_sk, intake_sk, with_latest_submission,
    followup_sk).
    """
    pk = lead_pk(lead_id)
    created = iso(created_at)
    sk = email_job_sk(kind, created, reference, once_per)
    item: dict[str, Any] = {
        **key(pk, sk),
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
    return item  # type: ignore[return-value]  # ``extra`` holds only the job's optional references


def followup_items(
    sequence: FollowupSequence, lead_id: str, confirmed_at: datetime, keep_days: int
) -> list[FollowupItem]:
    """The follow-ups of a confirmed opt-in: one per step of the sequence, each in the due index at its send
    time (``delay_days`` after the confirmation), kept ``keep_days`` after that."""
    pk = lead_pk(lead_id)
    items: list[FollowupItem] = []
    for step in sequence.steps:
        due_at = confirmed_at + timedelta(days=step.delay_days)
        sk = followup_sk(sequence.version, step.id, iso(confirmed_at))
        due = due_keys(due_at, pk, sk)
        items.append(
            {
                "pk": pk,
                "sk": sk,
                "gsi1pk": due["gsi1pk"],
                "gsi1sk": due["gsi1sk"],
                "entity": "followup",
                "lead_id": lead_id,
                "kind": step.kind,
                "sequence": sequence.version,
                "step": step.id,
                "status": "scheduled",
                "due_at": iso(due_at),
                "created_at": iso(confirmed_at),
                "expires_at": int((due_at + timedelta(days=keep_days)).timestamp()),
            }
        )
    return items


# The codec


def to_item(values: Mapping[str, Any]) -> dict[str, Any]:
    """Plain Python as a DynamoDB item; None values are left out (absent, not NULL)."""
    return {name: _serializer.serialize(value) for name, value in values.items() if value is not None}


def from_item(item: Mapping[str, Any]) -> dict[str, Any]:
    """An item as plain Python: DynamoDB's numbers come back as int (or float), not Decimal."""
    return {name: _plain(_deserializer.deserialize(value)) for name, value in item.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {name: _plain(item) for name, item in value.items()}
    if isinstance(value, list | set):
        return [_plain(item) for item in value]
    return value


# Reads


def batch_get(
    client: DynamoDBClient,
    table_name: str,
    keys: list[Key],
    *,
    consistent: bool = True,
    projection: list[str] | None = None,
) -> list[dict[str, Any]]:
    """The items of ``keys`` that exist (in no particular order), as plain Python: BatchGetItem in pages of
    100 keys, each page asked again for the keys DynamoDB left unprocessed. ``projection``: only these
    attributes."""
    unique = list({(k["pk"], k["sk"]): k for k in keys}.values())
    found: list[dict[str, Any]] = []
    for start in range(0, len(unique), BATCH_GET_LIMIT):
        page: dict[str, Any] = {
            "Keys": [to_item(k) for k in unique[start : start + BATCH_GET_LIMIT]],
            "ConsistentRead": consistent,
        }
        if projection:
            page["ProjectionExpression"] = ", ".join(f"#p{index}" for index in range(len(projection)))
            page["ExpressionAttributeNames"] = {f"#p{index}": name for index, name in enumerate(projection)}
        request: Any = {table_name: page}
        while request:
            response = client.batch_get_item(RequestItems=request)
            found += [from_item(dict(item)) for item in response["Responses"].get(table_name, [])]
            request = response.get("UnprocessedKeys") or None
    return found
