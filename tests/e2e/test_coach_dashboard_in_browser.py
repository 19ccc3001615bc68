"""The coach's work in the dashboard, in Debian's Chromium against the local stack: a visitor takes the Pijntest
and asks for an intake on the demo page; the coach finds that lead, reads its result and answers, handles the
intake, adds a note, exports it (JSON and CSV), erases the person, and finds every one of those actions in the
access log. The assistant sees neither answers nor export nor erasure. axe on every page, screenshots of every
page on a desktop and a phone (test-artifacts/coach-*.png)."""

from __future__ import annotations

import re
import uuid
from typing import Any

import requests
from playwright.sync_api import Browser, Page, expect

from tests.support.answers import answers_with
from tests.support.browser import PijntestPage, artifact
from tests.support.coach_browser import ASSISTANT, COACH, Dashboard, dashboard
from tests.support.local_stack import RunningStack

MIXED = {"stress": 7, "tension": 6, "pain_pattern": 9, "worries": 4, "perfectionism": 5}


def a_visitor_takes_the_test(
    visitor: PijntestPage, demo: RunningStack, questionnaire: Any, name: str, *, urgent: tuple[str, ...] = ()
) -> tuple[str, str, dict[str, Any], dict[str, Any]]:
    """(address, campaign, the answers, the API's answer) of a test taken on the demo page; with an intake
    request unless a red flag is ``urgent`` (then the result offers none)."""
    tag = uuid.uuid4().hex[:8]
    address = f"{name.split()[0].lower()}.{tag}@voorbeeld.nl"
    campaign = f"voorjaar-{tag}"
    visitor.open(f"{demo.page_url}?utm_source=nieuwsbrief&utm_medium=email&utm_campaign={campaign}")
    answers = answers_with(questionnaire, domain_scores=MIXED, safety_yes=urgent)
    visitor.answer_all(answers)
    visitor.fill_contact(name=name, email=address, marketing=True)
    body = visitor.submit().json()
    if urgent:
        assert body["result"]["triage"] == "urgent"
        return address, campaign, answers, body
    intake = visitor.intake_form(body["result"]["call_to_action"]["title"])
    intake.fill(moments=("Op zaterdag",), message="Bel me graag na het werk.")
    assert intake.send().status == 202
    return address, campaign, answers, body


def lead_of(app: Dashboard, campaign: str, name: str) -> Any:
    """The leads list filtered by the test's own campaign: the row of the test just taken."""
    app.go("Leads", "Leads")
    filters = app.page.get_by_role("form", name="Filters")
    filters.get_by_label("Campagne (utm_campaign)").fill(campaign)
    filters.get_by_role("button", name="Filteren").click()
    row = app.page.get_by_role("row").filter(has=app.page.get_by_role("link", name=name, exact=True))
    expect(row).to_have_count(1)
    return row


def open_person(app: Dashboard, row: Any, name: str) -> str:
    row.get_by_role("link", name=name, exact=True).click()
    expect(app.heading(name)).to_be_focused()
    match = re.search(r"#/leads/([0-9a-f]{32,64})$", app.page.url)
    assert match, app.page.url
    return match.group(1)


def section(page: Page, title: str) -> Any:
    return page.get_by_role("region", name=title, exact=True)


def test_the_coach_finds_the_test_just_taken_acts_on_it_and_finds_each_action_in_the_access_log(
    visitor: PijntestPage, browser: Browser, demo: RunningStack, questionnaire: Any, served: dict[str, Any]
) -> None:
    name = "Carla Smit"
    address, campaign, answers, body = a_visitor_takes_the_test(visitor, demo, questionnaire, name)
    result = body["result"]
    with dashboard(browser, demo.url) as app:
        page = app.open().page
        app.sign_in(COACH)
        app.signed_in_as(COACH)
        expect(app.heading("Leads")).to_be_visible()  # the first page after signing in

        row = lead_of(app, campaign, name)
        expect(row).to_contain_text(address)
        expect(row).to_contain_text("nieuwsbrief / " + campaign)
        expect(row).to_contain_text("open")  # the intake waits
        app.both_sizes("leads")

        search = page.get_by_role("form", name="Zoek één persoon")
        search.get_by_label("E-mailadres (precies)").fill(address.upper())
        search.get_by_role("button", name="Zoeken").click()
        expect(page.get_by_role("row")).to_have_count(2)  # the header and the one person
        lead_id = open_person(app, page.get_by_role("row").nth(1), name)

        # The result: every theme bar with what drove it, and the answers (this is the coach).
        results = section(page, "Uitslagen")
        for domain in result["domains"]:
            expect(results.get_by_text(domain["label"], exact=True)).to_be_visible()
        expect(results.locator(".themes svg")).to_have_count(len(result["domains"]))
        expect(results.get_by_text("Wat de score bepaalde").first).to_be_visible()
        expect(results.get_by_role("heading", name="Antwoorden")).to_be_visible()
        first = served["questions"][0]
        label = next(o["label"] for o in first["options"] if o["value"] == answers[first["id"]])
        expect(results.get_by_role("listitem").filter(has_text=first["text"])).to_contain_text(label)
        expect(section(page, "Toestemmingen met bewijs")).to_contain_text("gezondheidsgegevens")
        expect(section(page, "E-mails")).to_contain_text("uitslag")
        app.both_sizes("person")

        # The intake waits among the open ones, oldest first; the coach marks it handled there.
        expect(section(page, "Intakes")).to_contain_text("open")
        app.go("Intakes", "Intakes")
        waiting = page.get_by_role("row").filter(has=page.get_by_role("link", name=name, exact=True))
        expect(waiting).to_contain_text("zaterdag")
        expect(waiting).to_contain_text("Bel me graag na het werk.")
        app.both_sizes("intakes")
        waiting.get_by_role("button", name="Markeer als afgehandeld").click()
        expect(page.get_by_role("status")).to_contain_text(f"De intake van {name} is afgehandeld.")
        expect(page.get_by_role("row").filter(has=page.get_by_role("link", name=name, exact=True))).to_have_count(0)

        # Back on the person: the intake is handled; add a note.
        open_person(app, lead_of(app, campaign, name), name)
        expect(section(page, "Intakes")).to_contain_text("afgehandeld op")
        note = page.get_by_label("Nieuwe notitie")
        note.fill("Teruggebeld \u202e")  # a character that turns text around: the API refuses it, in Dutch
        page.get_by_role("button", name="Notitie toevoegen").click()
        expect(note).to_have_attribute("aria-invalid", "true")
        expect(section(page, "Acties")).to_contain_text("Gebruik alleen gewone letters, cijfers en leestekens.")
        expect(app.alert()).to_have_text("Niet alles is goed ingevuld. Kijk de gemarkeerde velden na.")
        note.fill("Teruggebeld, intake gepland.")
        page.get_by_role("button", name="Notitie toevoegen").click()
        expect(section(page, "Notities")).to_contain_text("Teruggebeld, intake gepland.")
        expect(section(page, "Notities")).to_contain_text(COACH.username)

        with page.expect_download() as exported:
            page.get_by_role("button", name="Exporteer alles als JSON").click()
        person_file = artifact("coach-export-person.json")
        exported.value.save_as(person_file)
        assert address in person_file.read_text(encoding="utf-8")

        app.go("Export", "Export")
        form = page.get_by_role("form", name="Export")
        form.get_by_label("Met de antwoorden van de laatste Pijntest (alleen leads)").check()
        app.both_sizes("export")
        with page.expect_download() as csv_download:
            form.get_by_role("button", name="Download leads (CSV)").click()
        csv_file = artifact("coach-export-leads.csv")
        csv_download.value.save_as(csv_file)
        raw = csv_file.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), "a UTF-8 BOM, for Dutch Excel"
        text = raw.decode("utf-8-sig")
        header, *rows = text.splitlines()
        assert header.startswith("lead_id;created_at;name;email;")
        assert f"answer:{first['id']}" in header.split(";")
        assert any(address in line for line in rows)
        expect(page.get_by_role("status")).to_contain_text(csv_download.value.suggested_filename)

        # Erase the person: the confirmation names what goes.
        page.goto(f"{app.url}#/leads/{lead_id}")
        expect(app.heading(name)).to_be_visible()
        erase = page.get_by_role("button", name="Wis deze persoon")
        erase.click()
        dialog = page.get_by_role("dialog", name=f"{name} definitief wissen?")
        expect(dialog).to_be_visible()
        page.keyboard.press("Escape")  # cancels, back where it was
        expect(dialog).to_have_count(0)
        expect(erase).to_be_focused()
        page.keyboard.press("Enter")
        expect(dialog).to_be_visible()
        expect(dialog).to_contain_text("1 uitslag(en) van de Pijntest met alle antwoorden")
        expect(dialog).to_contain_text("1 intake-aanvraag/-aanvragen")
        expect(dialog).to_contain_text("1 notitie(s)")
        expect(dialog.get_by_role("button", name="Annuleren")).to_be_focused()
        app.both_sizes("erase-confirmation")
        dialog.get_by_role("button", name="Ja, wis definitief").click()
        expect(app.heading("Leads")).to_be_visible()
        expect(page.get_by_role("status")).to_contain_text(f"{name} is gewist")
        search = page.get_by_role("form", name="Zoek één persoon")
        search.get_by_label("E-mailadres (precies)").fill(address)
        search.get_by_role("button", name="Zoeken").click()
        expect(page.get_by_text("Niemand met dit e-mailadres.")).to_be_visible()

        # The access log: every action on the person, under its hash only; and the CSV export.
        page.goto(f"{app.url}#/toegangslog/{lead_id}")
        expect(app.heading("Toegangslog van één persoon")).to_be_visible()
        log = page.get_by_role("table")
        for action in (
            "persoon bekeken",
            "gezocht op e-mailadres",
            "intake afgehandeld",
            "notitie toegevoegd",
            "persoon geëxporteerd (JSON)",
            "persoon gewist",
        ):
            expect(log.get_by_role("row").filter(has_text=action).first).to_contain_text(COACH.username)
        expect(log).not_to_contain_text(address)
        expect(log).not_to_contain_text(name)
        app.both_sizes("access-log-person")
        app.go("Toegangslog", "Toegangslog")
        expect(page.get_by_role("row").filter(has_text="leads geëxporteerd (CSV)").first).to_be_visible()
        app.both_sizes("access-log")
        assert app.origins_contacted() == {demo.url}
        assert app.console == []


def test_the_assistant_sees_red_flags_first_but_no_answers_and_cannot_export_or_erase(
    visitor: PijntestPage, browser: Browser, demo: RunningStack, questionnaire: Any
) -> None:
    name = "Daan Visser"
    _, campaign, _, _ = a_visitor_takes_the_test(visitor, demo, questionnaire, name, urgent=("red_fever_ill",))
    with dashboard(browser, demo.url) as app:
        page = app.open().page
        app.sign_in(ASSISTANT)
        app.signed_in_as(ASSISTANT)
        expect(app.menu().get_by_role("link")).to_have_text(["Leads", "Intakes"])
        row = lead_of(app, campaign, name)
        expect(row).to_have_class("flagged")
        expect(row.locator(".flag")).to_have_text("Urgent")
        open_person(app, row, name)
        flags = section(page, "Rode vlaggen")
        expect(flags).to_be_visible()
        expect(page.get_by_role("region").first).to_have_accessible_name("Rode vlaggen")  # before everything
        results = section(page, "Uitslagen")
        expect(results.get_by_text("Antwoorden zijn alleen voor de coach zichtbaar.")).to_be_visible()
        expect(results.get_by_role("heading", name="Antwoorden")).to_have_count(0)
        expect(results.get_by_text(" — antwoord: ")).to_have_count(0)
        expect(page.get_by_role("button", name="Exporteer alles als JSON")).to_have_count(0)
        expect(page.get_by_role("button", name="Wis deze persoon")).to_have_count(0)
        expect(page.get_by_role("button", name="Notitie toevoegen")).to_be_visible()  # the assistant may add notes
        app.both_sizes("person-assistant")
        page.goto(f"{app.url}#/export")
        expect(app.heading("Deze pagina bestaat niet")).to_be_visible()

    # The API refuses it anyway, whatever a page would show.
    token = requests.post(f"{demo.url}/_dev/coach-session", json={"group": "assistant"}, timeout=10).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    for path in ("/coach/api/export/leads.csv", "/coach/api/audit"):
        refused = requests.get(f"{demo.url}{path}", headers=headers, timeout=10)
        assert (refused.status_code, refused.json()["error"]) == (403, "forbidden"), path
