"""The coach's ``pijnreset`` CLI against moto: open intakes from the sparse index, marking them handled, and
finding the table from --table, a CloudFormation stack's output, or samconfig.toml."""

from __future__ import annotations

import io
import json
import os

import boto3
import pytest
from pijnreset.dal.table import to_item

from infra.template import REGION
from tests.support.aws import beside_spent_challenges
from tests.support.payloads import changed, intake_request, submission


@pytest.fixture
def table():
    return os.environ["TABLE_NAME"]


@pytest.fixture
def in_empty_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _stack_with_table_output(name: str, table_name: str) -> None:
    template = {
        "Resources": {"Placeholder": {"Type": "AWS::SQS::Queue"}},
        "Outputs": {"LeadsTableName": {"Value": table_name}, "ApiUrl": {"Value": "https://api.example"}},
    }
    boto3.client("cloudformation", region_name=REGION).create_stack(StackName=name, TemplateBody=json.dumps(template))


def test_no_open_intakes(cli, table):
    assert cli("intakes", "--table", table) == (0, "Geen open aanvragen.\n")


def test_the_list_shows_open_intakes_oldest_first_with_red_flags(api, cli, table, questionnaire, aws_calls):
    api.post("/pijntest", json_body=submission(questionnaire, safety_yes=("red_fever_ill",)))
    first = intake_request()
    second = changed(intake_request(email="bram@example.nl", name="Bram"), "preferred_moments", [])
    api.post("/intake", json_body=first)
    api.post("/intake", json_body=changed(second, "message", "Liefst\nna het weekend"))
    aws_calls.clear()

    code, printed = cli("--table", table, "intakes")
    assert code == 0
    lines = printed.splitlines()
    assert lines[0] == "2 open aanvragen, oudste eerst:"
    anna, bram = printed.index(first["request_id"][:8]), printed.index(second["request_id"][:8])
    assert anna < bram
    assert "[URGENT, niet bevestigd]  Anna de Vries  bellen" in printed, "only typed into the form, never confirmed"
    assert "+31612345678  anna.de.vries@example.nl" in printed
    assert "momenten:  doordeweeks 's avonds, zaterdag" in printed
    assert "momenten:  geen voorkeur" in printed
    assert "bericht:  Liefst na het weekend" in printed
    assert aws_calls.of("dynamodb") == ["Query", "BatchGetItem"], "the sparse index and the leads; never a Scan"
    (query,) = aws_calls.params_of("dynamodb", "Query")
    assert query["IndexName"] == "gsi1"


def test_an_earlier_urgent_flag_is_shown_though_the_latest_test_says_see_gp(api, cli, table, questionnaire):
    api.post("/pijntest", json_body=submission(questionnaire, safety_yes=("red_fever_ill",)))
    api.post("/pijntest", json_body=submission(questionnaire, safety_yes=("gp_weight_loss",)))
    api.post("/intake", json_body=intake_request())
    code, printed = cli("--table", table, "intakes")
    assert code == 0
    assert "[URGENT, niet bevestigd]  Anna de Vries" in printed
    code, printed = cli("--table", table, "intakes", "--json")
    (row,) = json.loads(printed)
    assert (row["latest_triage"], row["urgent_flag_at"], bool(row["unverified_urgent_at"])) == ("see_gp", None, True)
    assert cli("--table", table, "verify", "--email", "anna.de.vries@example.nl", "--yes")[0] == 0
    assert "[URGENT, niet bevestigd]" in cli("--table", table, "intakes")[1], "the latest test was not urgent"


def test_done_takes_an_intake_out_of_the_index_and_the_list(api, cli, table, table_items):
    body = intake_request()
    api.post("/intake", json_body=body)
    code, printed = cli("intakes", "done", body["request_id"][:8], "--table", table)
    assert (code, printed) == (0, f"Afgehandeld: {body['request_id']} (Anna de Vries); de opvolgmails stoppen.\n")
    (intake,) = [item for item in table_items() if item["entity"] == "intake"]
    assert intake["status"] == "handled"
    assert "handled_at" in intake
    assert "gsi1pk" not in intake
    assert "gsi1sk" not in intake
    assert cli("intakes", "--table", table) == (0, "Geen open aanvragen.\n")


def test_done_twice_or_with_an_unknown_id_says_so(api, cli, table, capsys):
    body = intake_request()
    api.post("/intake", json_body=body)
    assert cli("intakes", "done", body["request_id"], "--table", table)[0] == 0
    assert cli("intakes", "done", body["request_id"], "--table", table)[0] == 1
    assert "geen open aanvraag met id" in capsys.readouterr().err


def test_done_refuses_an_id_that_fits_more_than_one_intake(api, cli, table, capsys):
    api.post("/intake", json_body=changed(intake_request(), "request_id", "aaaa0000-0000-4000-8000-000000000001"))
    api.post("/intake", json_body=changed(intake_request(), "request_id", "aaaa0000-0000-4000-8000-000000000002"))
    assert cli("intakes", "done", "aaaa", "--table", table)[0] == 1
    assert "meer dan één open aanvraag" in capsys.readouterr().err
    assert len(json.loads(cli("intakes", "--json", "--table", table)[1])) == 2


def test_json_output_has_everything_but_the_table_keys(api, cli, table):
    body = intake_request()
    api.post("/intake", json_body=body)
    code, printed = cli("intakes", "--json", "--table", table)
    (row,) = json.loads(printed)
    assert code == 0
    assert row["request_id"] == body["request_id"]
    assert row["message"] == body["message"]
    assert row["phone"] == "+31612345678"
    assert row["latest_triage"] is None
    assert not {"pk", "sk", "gsi1pk", "gsi1sk"} & set(row)


def test_the_table_is_found_from_the_stack_output(api, cli, table, in_empty_folder):
    _stack_with_table_output("praktijk-anna", table)
    api.post("/intake", json_body=intake_request())
    code, printed = cli("intakes", "--stack", "praktijk-anna")
    assert code == 0
    assert printed.startswith("1 open aanvraag")


def test_the_stack_name_comes_from_samconfig_or_defaults_to_pijnreset(cli, table, in_empty_folder, capsys):
    _stack_with_table_output("pijnreset", table)
    assert cli("intakes") == (0, "Geen open aanvragen.\n")

    (in_empty_folder / "samconfig.toml").write_text(
        'version = 0.1\n[default.deploy.parameters]\nstack_name = "praktijk-anna"\nregion = "eu-west-1"\n'
    )
    assert cli("intakes")[0] == 1
    assert "stack 'praktijk-anna' niet gevonden" in capsys.readouterr().err
    _stack_with_table_output("praktijk-anna", table)
    assert cli("intakes") == (0, "Geen open aanvragen.\n")


def test_a_stack_without_the_output_is_a_clear_error(cli, in_empty_folder, capsys):
    template = {"Resources": {"Placeholder": {"Type": "AWS::SQS::Queue"}}}
    boto3.client("cloudformation", region_name=REGION).create_stack(
        StackName="pijnreset", TemplateBody=json.dumps(template)
    )
    assert cli("intakes")[0] == 1
    assert "heeft geen output LeadsTableName" in capsys.readouterr().err


def test_stored_text_cannot_steer_the_terminal(api, cli, table, table_items):
    """The API refuses control characters; the CLI does not count on it for what is already stored."""
    api.post("/intake", json_body=intake_request())
    (intake,) = [item for item in table_items() if item["entity"] == "intake"]
    forged = {**intake, "name": "Anna\x1b[2J\u202e", "message": "Hallo\x1b]0;titel\x07"}
    boto3.client("dynamodb", region_name=REGION).put_item(TableName=table, Item=to_item(forged))
    printed = cli("intakes", "--table", table)[1]
    assert "Anna [2J" in printed
    assert not {"\x1b", "\x07", "\u202e"} & set(printed)


def test_export_prints_every_stored_item_of_the_person_as_json(api, cli, table, questionnaire):
    body = changed(submission(questionnaire), "consent.marketing", True)
    api.post("/pijntest", json_body=body)
    code, out = cli("export", "--email", "  Anna.de.Vries@EXAMPLE.nl ", "--table", table)
    assert code == 0
    items = json.loads(out)
    assert {item["entity"] for item in items} == {"lead", "submission", "consent", "email_job", "submission_request"}
    assert next(item for item in items if item["entity"] == "submission")["answers"] == body["answers"]


def test_export_of_an_unknown_address_says_so(cli, table, capsys):
    code, _ = cli("export", "--email", "nobody@example.nl", "--table", table)
    assert code == 1
    assert "niets opgeslagen" in capsys.readouterr().err


def test_erase_asks_first_and_deletes_every_item_of_the_person(
    api, cli, table, table_items, questionnaire, monkeypatch
):
    api.post("/pijntest", json_body=submission(questionnaire))
    api.post("/pijntest", json_body=submission(questionnaire, item_value=1))
    before = table_items()
    monkeypatch.setattr("sys.stdin", io.StringIO("nee\n"))
    code, _ = cli("erase", "--email", "anna.de.vries@example.nl", "--table", table)
    assert code == 1
    assert table_items() == before, "no 'verwijder', nothing deleted"
    monkeypatch.setattr("sys.stdin", io.StringIO("verwijder\n"))
    code, out = cli("erase", "--email", "anna.de.vries@example.nl", "--table", table)
    assert code == 0
    assert "Verwijderd:" in out
    (marker,) = beside_spent_challenges(table_items())
    assert marker["entity"] == "erasure", "only the erasure marker (a hash and a time) stays"


def test_erase_with_yes_needs_no_answer_and_a_second_time_finds_nothing(
    api, cli, table, table_items, questionnaire, capsys
):
    api.post("/pijntest", json_body=submission(questionnaire))
    assert cli("erase", "--email", "anna.de.vries@example.nl", "--yes", "--table", table)[0] == 0
    assert [item["entity"] for item in beside_spent_challenges(table_items())] == ["erasure"]
    assert cli("erase", "--email", "anna.de.vries@example.nl", "--yes", "--table", table)[0] == 1
    assert "al verwijderd" in capsys.readouterr().err


def test_an_intake_past_its_ttl_is_not_listed(api, cli, table):
    api.post("/intake", json_body=intake_request())
    client = boto3.client("dynamodb", region_name=REGION)
    (open_intake,) = [item for item in _scan(client, table) if item.get("entity", {}).get("S") == "intake"]
    client.update_item(
        TableName=table,
        Key={"pk": open_intake["pk"], "sk": open_intake["sk"]},
        UpdateExpression="SET expires_at = :past",
        ExpressionAttributeValues={":past": {"N": "1"}},
    )
    code, out = cli("intakes", "--table", table)
    assert code == 0
    assert "Geen open aanvragen." in out


def _scan(client, table):
    return client.scan(TableName=table)["Items"]


def test_access_log_says_who_has_seen_the_person_s_data_even_after_erasure(cli, table, stack):
    from pijnreset.logic.identity import lead_id_for

    from tests.support.coach import CoachApi

    api = CoachApi(stack)
    code, out = cli("access-log", "--email", "anna@example.nl", "--table", table)
    assert (code, out.strip()) == (0, "Niemand heeft de gegevens van dit e-mailadres op het dashboard ingezien.")
    assert api.post("/intake", json_body=intake_request(email="anna@example.nl")).status == 202
    lead = lead_id_for("anna@example.nl")
    assert api.as_user("assistent", "GET", f"/coach/api/leads/{lead}").status == 200
    assert api.as_user("coach", "POST", f"/coach/api/leads/{lead}/erase", json_body={"confirm": True}).status == 200
    code, out = cli("access-log", "--email", "ANNA@example.nl", "--table", table)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "2 keer ingezien of bewerkt, nieuwste eerst:"
    assert "coach (coach)  verwijderde alle gegevens" in lines[1]
    assert "assistent (assistant)  bekeek de gegevens" in lines[2]
    code, out = cli("access-log", "--email", "anna@example.nl", "--table", table, "--json")
    assert [entry["action"] for entry in json.loads(out)] == ["erase", "view"]
