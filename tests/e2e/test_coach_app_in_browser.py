"""The coach's dashboard at /coach/ in Debian's Chromium against the local stack: served by the stack itself with
a strict policy, signing in (and every challenge of a first sign-in), staying signed in across a reload through
the HttpOnly cookie only, by keyboard, axe-clean on a desktop and a phone. Screenshots land in test-artifacts/."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests
from playwright.sync_api import Browser, expect

from infra.aws import moto_client
from tests.support.coach_browser import ASSISTANT, COACH, dashboard
from tests.support.local_stack import RunningStack


def shell(stack: RunningStack) -> requests.Response:
    response = requests.get(f"{stack.url}/coach/", timeout=10)
    assert response.status_code == 200, response.text
    return response


def test_the_stack_serves_the_app_with_a_strict_policy_and_hashed_files(demo: RunningStack) -> None:
    response = shell(demo)
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["X-Frame-Options"] == "DENY"
    html = response.text
    assert '<html lang="nl">' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "no inline script"
    assert " style=" not in html
    assert "<style" not in html
    assets = re.findall(r'(?:src|href)="(/coach/assets/coach\.[0-9a-f]{16}\.(?:js|css))"', html)
    assert len(assets) == 2, html
    for path in assets:
        asset = requests.get(f"{demo.url}{path}", timeout=10)
        assert asset.status_code == 200
        assert asset.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert asset.headers["Content-Type"].startswith("text/javascript" if path.endswith(".js") else "text/css")
    assert requests.get(f"{demo.url}/coach", timeout=10).text == html, "with or without the slash"
    old = requests.get(f"{demo.url}/coach/assets/coach.0000000000000000.js", timeout=10)
    assert (old.status_code, old.json()["error"]) == (404, "not_found")


def test_the_coach_signs_in_stays_signed_in_on_reload_and_signs_out(browser: Browser, demo: RunningStack) -> None:
    with dashboard(browser, demo.url) as app:
        app.open()
        expect(app.heading("Inloggen")).to_be_focused()
        app.both_sizes("sign-in")

        app.sign_in(COACH, password="Niet-Het-Wachtwoord-1!")
        expect(app.alert()).to_have_text("Gebruikersnaam of wachtwoord klopt niet.")
        expect(app.page.get_by_label("Wachtwoord", exact=True)).to_have_value("")
        app.both_sizes("sign-in-refused")

        app.sign_in(COACH)
        app.signed_in_as(COACH)
        assert app.storage() == {"local": [], "session": [], "cookies": ""}, "the tokens stay out of reach of scripts"

        app.page.reload()
        app.signed_in_as(COACH)  # the refresh cookie, which only /coach/session/* receives, signed in again
        assert app.storage() == {"local": [], "session": [], "cookies": ""}

        app.sign_out()
        expect(app.alert()).to_have_text("Je bent uitgelogd.")
        app.page.reload()
        expect(app.heading("Inloggen")).to_be_visible()  # the cookie was revoked and cleared
        assert app.origins_contacted() == {demo.url}
        assert app.console == [], "no error, no policy violation"


def test_the_assistant_signs_in_with_the_same_form(browser: Browser, demo: RunningStack) -> None:
    with dashboard(browser, demo.url, mobile=True) as app:
        app.open()
        app.sign_in(ASSISTANT)
        app.signed_in_as(ASSISTANT)
        expect(app.page.get_by_text("(assistent)")).to_be_visible()


def test_signing_in_by_keyboard_alone(browser: Browser, demo: RunningStack) -> None:
    with dashboard(browser, demo.url) as app:
        page = app.open().page
        expect(app.heading("Inloggen")).to_be_focused()
        page.keyboard.press("Tab")
        expect(page.get_by_label("Gebruikersnaam")).to_be_focused()
        page.keyboard.press("Enter")  # nothing filled in: each field says so
        expect(page.get_by_label("Gebruikersnaam")).to_be_focused()
        expect(page.get_by_label("Gebruikersnaam")).to_have_attribute("aria-invalid", "true")
        expect(page.get_by_text("Dit is verplicht.")).to_have_count(2)
        page.keyboard.type(COACH.username)
        page.keyboard.press("Tab")
        expect(page.get_by_label("Wachtwoord", exact=True)).to_be_focused()
        page.keyboard.type(COACH.password)
        page.keyboard.press("Enter")
        app.signed_in_as(COACH)
        expect(app.heading("Leads")).to_be_focused()
        page.keyboard.press("Shift+Tab")  # from the page's heading back into the menu, its last link first
        expect(app.menu().get_by_role("link", name="Toegangslog")).to_be_focused()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Shift+Tab")
        expect(app.menu().get_by_role("link", name="Intakes")).to_be_focused()
        page.keyboard.press("Enter")
        expect(app.heading("Intakes")).to_be_focused()
        expect(app.menu().get_by_role("link", name="Intakes")).to_have_attribute("aria-current", "page")


@contextmanager
def totp_demanded(stack: RunningStack) -> Iterator[tuple[Any, str]]:
    """The local pool as in production (TOTP demanded) for one test; moto takes any 6 digits as the code."""
    cognito = moto_client("cognito-idp", stack.moto_endpoint)
    (pool,) = [p["Id"] for p in cognito.list_user_pools(MaxResults=60)["UserPools"] if "another" not in p["Name"]]
    cognito.set_user_pool_mfa_config(
        UserPoolId=pool, SoftwareTokenMfaConfiguration={"Enabled": True}, MfaConfiguration="ON"
    )
    try:
        yield cognito, pool
    finally:
        cognito.set_user_pool_mfa_config(
            UserPoolId=pool, SoftwareTokenMfaConfiguration={"Enabled": True}, MfaConfiguration="OPTIONAL"
        )


def test_a_first_sign_in_sets_a_password_and_the_authenticator_then_asks_its_code(
    browser: Browser, demo: RunningStack
) -> None:
    username = f"nieuw-{uuid.uuid4().hex[:6]}"
    new_password = "Mijn-Eigen-Wachtwoord-2026!"
    with totp_demanded(demo) as (cognito, pool), dashboard(browser, demo.url) as app:
        cognito.admin_create_user(
            UserPoolId=pool, Username=username, TemporaryPassword="Tijdelijk-Wachtwoord-2026!", MessageAction="SUPPRESS"
        )
        cognito.admin_add_user_to_group(UserPoolId=pool, Username=username, GroupName="assistant")
        page = app.open().page
        expect(app.heading("Inloggen")).to_be_visible()
        page.get_by_label("Gebruikersnaam").fill(username)
        page.get_by_label("Wachtwoord", exact=True).fill("Tijdelijk-Wachtwoord-2026!")
        page.get_by_role("button", name="Inloggen").click()

        expect(app.heading("Kies een nieuw wachtwoord")).to_be_focused()
        new = page.get_by_label("Nieuw wachtwoord", exact=True)
        new.fill("kort")
        page.get_by_label("Herhaal het nieuwe wachtwoord").fill("kort")
        page.get_by_role("button", name="Wachtwoord opslaan").click()
        expect(page.get_by_text("Kies een wachtwoord van minstens 12 tekens.")).to_be_visible()
        new.fill("alleenkleineletters")  # long enough, but the pool's policy refuses it
        page.get_by_label("Herhaal het nieuwe wachtwoord").fill("alleenkleineletters")
        page.get_by_role("button", name="Wachtwoord opslaan").click()
        expect(app.alert()).to_have_text("Niet alles is goed ingevuld. Kijk de gemarkeerde velden na.")
        expect(new).to_have_attribute("aria-invalid", "true")
        expect(new).to_be_focused()
        expect(page.get_by_text("Kies een wachtwoord van minstens 12 tekens met een hoofdletter")).to_be_visible()
        new.fill(new_password)
        page.get_by_label("Herhaal het nieuwe wachtwoord").fill(new_password + "x")
        page.get_by_role("button", name="Wachtwoord opslaan").click()
        expect(page.get_by_text("De twee wachtwoorden zijn niet gelijk.")).to_be_visible()
        page.get_by_label("Herhaal het nieuwe wachtwoord").fill(new_password)
        app.both_sizes("sign-in-new-password")
        page.get_by_role("button", name="Wachtwoord opslaan").click()

        expect(app.heading("Stel je authenticator-app in")).to_be_focused()
        uri = page.locator("dd code").first
        expect(uri).to_have_text(re.compile(r"^otpauth://totp/Pijn%20Reset%3A" + username + r"\?secret=[A-Za-z2-7]+"))
        secret = page.locator("dd code").nth(1).inner_text()
        assert secret
        assert f"secret={secret}" in uri.inner_text()
        app.both_sizes("sign-in-mfa-setup")
        page.get_by_label("Code van 6 cijfers").fill("12345")
        page.get_by_role("button", name="Bevestigen").click()
        expect(page.get_by_text("Vul de 6 cijfers uit je authenticator-app in.")).to_be_visible()
        page.get_by_label("Code van 6 cijfers").fill("123456")
        page.get_by_role("button", name="Bevestigen").click()
        expect(page.get_by_text(re.compile(rf"^Ingelogd als {username} "))).to_be_visible()

        # Cognito asks every later sign-in for the code; moto needs the preference set to do the same.
        cognito.admin_set_user_mfa_preference(
            UserPoolId=pool, Username=username, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
        )
        app.sign_out()
        page.get_by_label("Gebruikersnaam").fill(username)
        page.get_by_label("Wachtwoord", exact=True).fill(new_password)
        page.get_by_role("button", name="Inloggen").click()
        expect(app.heading("Vul je code in")).to_be_focused()
        app.both_sizes("sign-in-mfa-code")
        page.get_by_label("Code van 6 cijfers").fill("654321")
        page.get_by_role("button", name="Bevestigen").click()
        expect(page.get_by_text(re.compile(rf"^Ingelogd als {username} "))).to_be_visible()
        assert app.console == []
