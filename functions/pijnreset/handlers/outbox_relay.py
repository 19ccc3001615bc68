"""The outbox relay: email jobs written to the table reach the email queue, from the table's stream.

The stream carries keys only (``KEYS_ONLY``): no answers, names or addresses sit in it for its 24 hours,
even of items erased since. The event source mapping passes only INSERTs whose sort key is an email job's
(``EMAIL#``) or a lead profile's, which it counts as a new lead in the funnel, once (dal/funnel.py; see its
FilterCriteria in template.yaml). The jobs
of a batch are read in one consistent BatchGetItem, of their status alone: a job erased or already handled
by then is not queued. A failed record is reported back, so Lambda retries it, and everything after it in
its shard, later; nothing is skipped, and records that keep failing end on the relay's dead-letter queue.
"""

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from pijnreset.dal.email_jobs import EmailJobs
from pijnreset.dal.email_queue import EmailQueue
from pijnreset.dal.funnel import FunnelCounters
from pijnreset.dal.table import PROFILE
from pijnreset.entry import FIRST_STREAM_RECORD, event_entry
from pijnreset.models.jobs import JobMessage
from pijnreset.observability import logger
from pijnreset.settings import OutboxRelaySettings

settings = OutboxRelaySettings.from_env()
queue = EmailQueue(settings.email_queue_url)
jobs = EmailJobs(settings.table_name)
funnel = FunnelCounters(settings.table_name)
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
# The statuses of this batch's jobs, read once per invocation before its records are handled.
_statuses: dict[tuple[str, str], str | None] = {}


def _keys(record: dict[str, Any]) -> tuple[str, str] | None:
    keys = (record.get("dynamodb") or {}).get("Keys") or {}
    pk, sk = (keys.get("pk") or {}).get("S"), (keys.get("sk") or {}).get("S")
    return (pk, sk) if isinstance(pk, str) and isinstance(sk, str) else None


def relay(record: DynamoDBRecord) -> None:
    keys = _keys(record.raw_event)
    if record.event_name is None or record.event_name.name != "INSERT" or keys is None:
        return
    pk, sk = keys
    if pk.startswith("LEAD#") and sk == PROFILE:
        funnel.count_new_lead(pk, datetime.now(UTC))  # the funnel counts in the table, no CloudWatch metric
        return
    if not sk.startswith("EMAIL#"):
        return
    if keys not in _statuses:  # not in this invocation's read (it failed part-way): read it now
        _statuses.update(jobs.statuses([keys]))
    if _statuses.get(keys) != "pending":
        logger.info("email job not relayed", extra={"status": _statuses.get(keys)})  # erased or handled
        return
    queue.enqueue(JobMessage(pk=pk, sk=sk))


@event_entry(FIRST_STREAM_RECORD)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    _statuses.clear()
    records = event.get("Records") or []
    wanted = [keys for keys in map(_keys, records) if keys is not None and keys[1].startswith("EMAIL#")]
    if wanted:
        _statuses.update(jobs.statuses(wanted))
    return process_partial_response(event=event, record_handler=relay, processor=processor, context=context)
