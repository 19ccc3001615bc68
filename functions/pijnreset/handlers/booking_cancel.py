"""/booking/cancel?token=...: the visitor cancels their booked intake. GET shows a page with a button (mail
security scanners open every link, so a GET changes nothing); only the POST of that button cancels: the slot is
free again and both the visitor and the coach get METHOD:CANCEL for their calendars."""

from datetime import UTC, datetime
from typing import Any

from pijnreset.api.pages import button_page, claims_from_query, html_page, page_resolver, page_responses
from pijnreset.content.loader import default_templates_dir, load_content
from pijnreset.content.pages import pages
from pijnreset.dal.bookings import Bookings
from pijnreset.dal.token_keys import TokenKeys
from pijnreset.entry import html_pages
from pijnreset.observability import logger
from pijnreset.settings import BookingCancelSettings

settings = BookingCancelSettings.from_env()
views = pages(
    default_templates_dir(), settings.sender_name, load_content(settings.questionnaire_version).disclaimer.text
)
keys = TokenKeys(settings.token_key_parameter_name)
bookings = Bookings(settings.table_name)
app = page_resolver(views)

button_page(
    app,
    views,
    keys.all,
    "/booking/cancel",
    purpose="booking",
    page_id="booking_cancel_form",
    summary="A page with a button that cancels the booked intake (only the POST acts)",
    name="booking_cancel_page",
)


@app.post(
    "/booking/cancel",
    summary="Cancel the booked intake the link in the confirmation was sent for",
    responses=page_responses({200: "Cancelled: the slot is free again", 409: "Not booked (any more)"}),
)
def cancel() -> Any:
    claims = claims_from_query(app, keys.all(), "booking")
    if claims.ref is None:
        logger.info("booking cancel", extra={"outcome": "no_ref"})
        return html_page(views, 409, "booking_not_cancellable")
    now = datetime.now(UTC)
    outcome = bookings.cancel(claims.lead_id, claims.ref, now, settings.retention().expires_at("email", now))
    logger.info("booking cancel", extra={"outcome": outcome})
    if outcome == "cancelled":
        return html_page(views, 200, "booking_cancelled")
    return html_page(views, 409, "booking_not_cancellable")


lambda_handler = html_pages(app)
