"""Developer pages of the local stack: the email outbox as JSON and as a page that renders each email."""

from __future__ import annotations

import html
import json

from infra.local.apigw import HttpResponse
from infra.local.http import ExtraRoute
from infra.local.outbox import sent_emails


def outbox_json(method: str, query: str, body: bytes) -> HttpResponse:
    emails = [
        {key: email[key] for key in ("id", "to", "from", "subject", "text", "html", "headers")}
        for email in sent_emails()
    ]
    return HttpResponse(200, [("Content-Type", "application/json; charset=utf-8")], json.dumps(emails).encode())


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
    <iframe title="HTML part" sandbox="" srcdoc="{html.escape(email["html"], quote=True)}"></iframe>
    <pre>{html.escape(email["text"])}</pre>
  </div>
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


DEV_ROUTES: dict[str, ExtraRoute] = {"/_dev/outbox": outbox_json, "/_dev/outbox.html": outbox_page}
