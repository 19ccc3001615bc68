"""The weekly digest's weeks and changes (logic/digest.py), and its email rendered in both parts from the
templates with numbers only."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from pijnreset.content.emails import email_templates
from pijnreset.content.loader import default_templates_dir
from pijnreset.logic.digest import change, digest_weeks

from tests.unit.test_email_render import sample_digest


def test_on_monday_morning_the_digest_is_of_the_whole_week_before_in_amsterdam():
    weeks = digest_weeks(datetime(2026, 11, 30, 6, 0, tzinfo=UTC))  # Monday 07:00 in Amsterdam
    assert (weeks.last_from, weeks.last_to) == (date(2026, 11, 23), date(2026, 11, 29))
    assert (weeks.before_from, weeks.before_to) == (date(2026, 11, 16), date(2026, 11, 22))
    assert weeks.label == "2026-W48"
    # Sunday 23:30 UTC is already Monday in Amsterdam: that Monday's week is "this week".
    assert digest_weeks(datetime(2026, 11, 29, 23, 30, tzinfo=UTC)).label == "2026-W48"
    assert digest_weeks(datetime(2026, 11, 29, 22, 30, tzinfo=UTC)).label == "2026-W47"


@pytest.mark.parametrize(
    ("now", "before", "shown"), [(30, 20, "+10 (+50%)"), (10, 20, "-10 (-50%)"), (5, 0, "+5"), (0, 0, "0"), (7, 7, "0")]
)
def test_a_change_is_signed_with_its_share_when_there_was_a_week_before(now, before, shown):
    assert change(now, before) == shown


def test_the_digest_renders_both_parts_with_its_numbers_and_nothing_personal():
    templates = email_templates(default_templates_dir())
    digest = sample_digest()
    from pijnreset.content.loader import load_content

    disclaimer = load_content("pijntest-v1").disclaimer.model_dump()
    email = templates.render(
        "weekly_digest", "default", {"brand": "Pijn Reset Methode", "digest": digest, "disclaimer": disclaimer}
    )
    assert email.subject == "Je week in cijfers: de Pijntest van vorige week"
    for part in (email.text, re.sub(r"<[^>]+>", " ", email.html)):
        flat = " ".join(part.split())
        assert "Test begonnen" in flat
        assert "40" in flat
        assert "+20 (+100%)" in flat
        assert "-2 (-14%)" in flat, "fewer leads than the week before"
        assert "huisarts: 2" in flat
        assert "E-mails die niet verstuurd konden worden" in flat
        assert "@" not in flat, "no address at all"
    assert email.category == "transactional"
