"""Whether an email may still go out, decided at send time from the lead as it is now.

A suppression marker with scope "all" (a hard bounce or a complaint) stops every email. Marketing email
needs a confirmed opt-in that was not withdrawn since (an unsubscribe, or a "marketing" marker kept after
erasure). It stops for good on verified state only: an urgent red flag confirmed from the person's mailbox or
by the coach (``urgent_flag_at``), an intake the coach marked genuine (``intake_requested_at``). What anyone
can type into a form only pauses it: an unverified urgent flag newer than the opt-in confirmation
(``unverified_urgent_at``; safety first, until a new confirmation from the person's own mailbox), and an intake
request while it is open (``open_intake_until``: until the coach marks it handled, at most until it expires).
A follow-up belongs to the confirmation that scheduled it: after an unsubscribe and a new confirmation, the
old schedule's steps are skipped (the new one has its own). The opt-in confirmation itself is not sent to
someone with a verified urgent flag, nor twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any


def marketing_allowed(lead: Mapping[str, Any], suppression: Mapping[str, Any] | None = None) -> bool:
    confirmed = str(lead.get("marketing_confirmed_at") or "")
    withdrawn = [str(lead.get("unsubscribed_at") or "")]
    if suppression is not None:
        withdrawn.append(str(suppression.get("at") or "~"))  # a marker without a time withdraws everything
    return bool(confirmed) and all(confirmed > moment for moment in withdrawn if moment)


# Emails to the coach about a lead: the lead's own suppression or opt-out has no say over them.
TO_THE_COACH = frozenset({"intake_coach", "erase_request_coach", "booking_cancelled_coach"})
# An erasure request whose link cannot reach the address (suppressed) goes to the coach as this instead.
ERASE_REQUEST_TO_COACH = "erase_request_coach"


def skip_reason(
    kind: str,
    category: str,
    lead: Mapping[str, Any],
    suppression: Mapping[str, Any] | None,
    scheduled_by: str | None = None,
    now: datetime | None = None,
) -> str | None:
    """Why this email must not be sent now, or None when it may. ``scheduled_by``: for a follow-up, the time
    of the opt-in confirmation whose schedule it belongs to; ``now``: for the pause of an open intake."""
    if kind in TO_THE_COACH:
        return None
    if suppression is not None and suppression.get("scope") != "marketing":
        return "suppressed"
    if kind == "optin_confirm":
        if lead.get("urgent_flag_at"):
            return "urgent_flag"
        if marketing_allowed(lead, suppression):
            return "already_confirmed"
    if category != "marketing":
        return None
    if lead.get("urgent_flag_at"):
        return "urgent_flag"
    if str(lead.get("unverified_urgent_at") or "") > str(lead.get("marketing_confirmed_at") or ""):
        return "urgent_flag_unverified"
    if lead.get("intake_requested_at"):
        return "intake_requested"
    if now is not None and int(lead.get("open_intake_until") or 0) > now.timestamp():
        return "intake_open"
    if marketing_allowed(lead, suppression):
        if scheduled_by is not None and scheduled_by != lead.get("marketing_confirmed_at"):
            return "superseded"
        return None
    return "unsubscribed" if lead.get("unsubscribed_at") or suppression is not None else "not_confirmed"
