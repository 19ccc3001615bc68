"""The outbox relay: email jobs written to the table reach the email queue, from the table's stream.

The event source mapping only passes INSERTs of email jobs, and of leads, which it only counts (see its
FilterCriteria in template.yaml). A
failed record is reported back, so Lambda retries it, and everything after it in its shard, later; nothing
is skipped, and records that keep failing end on the relay's dead-letter queue.
"""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from pijnreset.dal.email_queue import EmailQueue
from pijnreset.models.jobs import JobMessage
from pijnreset.observability import logger, metrics
from pijnreset.settings import get_settings

queue = EmailQueue(get_settings().queue_url)
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def relay(record: DynamoDBRecord) -> None:
    image = record.dynamodb.new_image if record.dynamodb else None
    if record.event_name is None or record.event_name.name != "INSERT" or not image:
        return
    if image.get("entity") == "lead":
        metrics.add_metric(name="LeadCreated", unit=MetricUnit.Count, value=1)  # the dashboard's funnel
        return
    if image.get("entity") != "email_job" or image.get("status") != "pending":
        return
    queue.enqueue(JobMessage(pk=image["pk"], sk=image["sk"]))
    metrics.add_metric(name="EmailJobRelayed", unit=MetricUnit.Count, value=1)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=relay, processor=processor, context=context)
