"""Developer pages of the local stack: the email outbox as JSON and as a page that renders each email."""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

from infra.lambda_events import ses_notification, sns_event
from infra.local.apigw import HttpResponse
from infra.local.http import ExtraRoute
from infra.local.outbox import sent_count, sent_emails
from infra.local.pollers import Pollers
from infra.local.stack import LocalStack


def outbox_json(method: str, query: str, body: bytes) -> HttpResponse:
    emails = [
        {key: email[key] for key in ("id", "to", "from", "subject", "text", "html", "headers", "attachments")}
        for email in sent_emails()
    ]
    return HttpResponse(200, [("Content-Type", "application/json; charset=utf-8")], json.dumps(emails).encode())


def _attachments(attachments: list[dict[str, str]]) -> str:
    return "".join(
        f"<details><summary>{html.escape(a['filename'] or '')} ({html.escape(a['content_type'])})</summary>"
        f"<pre>{html.escape(a['content'])}</pre></details>"
        for a in attachments
    )


def outbox_page(method: str, query: str, body: bytes) -> HttpResponse:
    sections = []
    for email in sent_emails():
        headers = "".join(
            f"<tr><th>{html.escape(name)}</th><td>{html.escape(value)}</td></tr>" for name, value in email["headers"]
        )
        sections.append(
            f"""<section>
  <h2>{html.escape(email["subject"])}</h2>
  <table class="headers">{headers}</table>
  <div class="parts">
    <iframe title="HTML part" sandbox="allow-popups allow-popups-to-escape-sandbox"
            srcdoc="{html.escape(_links_open_a_tab(email["html"]), quote=True)}"></iframe>
    <pre>{html.escape(email["text"])}</pre>
  </div>
  {_attachments(email["attachments"])}
</section>"""
        )
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Local outbox ({len(sections)})</title>
<meta http-equiv="refresh" content="10">
<style>
 body {{ font-family: system-ui, sans-serif; margin: 24px; background: #fafafa; color: #222; }}
 section {{ background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 16px; margin-bottom: 24px; }}
 h2 {{ margin-top: 0; font-size: 18px; }}
 .headers th {{ text-align: left; padding-right: 12px; color: #555; font-weight: 600; vertical-align: top; }}
 .headers {{ font-size: 13px; margin-bottom: 12px; }}
 .parts {{ display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }}
 iframe {{ width: 100%; height: 900px; border: 1px solid #ddd; background: #fff; }}
 pre {{ white-space: pre-wrap; font-size: 13px; border: 1px solid #ddd; padding: 12px; margin: 0;
        overflow: auto; max-height: 900px; }}
</style></head>
<body><h1>Local outbox: {len(sections)} email(s), newest first</h1>
{"".join(sections) or "<p>No email sent yet. Take the Pijntest, then reload.</p>"}
</body></html>"""
    return HttpResponse(200, [("Content-Type", "text/html; charset=utf-8")], page.encode())


def _links_open_a_tab(email_html: str) -> str:
    """The email's HTML with its links opening in a tab of their own: a page behind a link (confirm,
    unsubscribe, erase) has a button that posts a form, which a sandboxed frame could not send. No scripts
    run in the frame still."""
    return '<base target="_blank">' + email_html


def dev_routes(stack: LocalStack, pollers: Pollers) -> dict[str, ExtraRoute]:
    """The outbox, plus levers for trying the funnel: SES feedback, time (the scheduled work) and the weekly
    digest."""

    def ses_event(method: str, query: str, body: bytes) -> HttpResponse:
        if method != "POST":
            return _json(405, {"message": 'POST {"type": "bounce|transient|complaint", "email": ...}'})
        request = json.loads(body or b"{}")
        kind, email = str(request.get("type")), str(request.get("email"))
        topic = stack.resolver.attributes[("SesEventsTopic", "TopicArn")]
        function = next(f for f in stack.functions if f.logical_id == "SesEventsFunction")
        if kind in ("bounce", "complaint"):  # SES puts the address on the account's suppression list too
            stack.client("sesv2").put_suppressed_destination(EmailAddress=email, Reason=kind.upper())
        result = function.invoke(sns_event(topic, ses_notification(kind, email)))
        return _json(200, result)

    def run_schedule(method: str, query: str, body: bytes) -> HttpResponse:
        days = float(parse_qs(query).get("days", ["0"])[0])
        results = pollers.run_schedules(datetime.now(UTC) + timedelta(days=days))
        return _json(200, results)

    def weekly_digest(method: str, query: str, body: bytes) -> HttpResponse:
        if method != "POST":
            return _json(405, {"message": "POST /_dev/weekly-digest?days=N (the digest of the week before then)"})
        days = float(parse_qs(query).get("days", ["0"])[0])
        return _json(200, pollers.run_cron("WeeklyDigestFunction", datetime.now(UTC) + timedelta(days=days)))

    return {
        "/_dev/weekly-digest": weekly_digest,
        "/_dev/outbox": outbox_json,
        "/_dev/outbox.html": outbox_page,
        "/_dev/outbox/count": lambda method, query, body: _json(200, {"sent": sent_count()}),
        "/_dev/ses-event": ses_event,
        "/_dev/run-schedule": run_schedule,
    }


def _json(status: int, body: Any) -> HttpResponse:
    return HttpResponse(status, [("Content-Type", "application/json")], json.dumps(body).encode())
