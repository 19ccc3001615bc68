"""``pijnreset``: the coach's own tool for the deployed stack, run with the coach's own AWS credentials.

    pijnreset intakes                the open intake requests, oldest first
    pijnreset intakes done ID        mark one handled (ID: the request id, or its first characters); the
                                     follow-up emails stop for good, or resume with --not-genuine
    pijnreset verify --email ADDR    the person replied from this address: it is theirs (their name, flag)
    pijnreset export --email ADDR    every stored item of that person, as JSON (a data subject's request)
    pijnreset erase --email ADDR     delete every item of that person (asks first; --yes does not)
    pijnreset access-log --email ADDR
                                     who has seen that person's data: every view, export, erasure, note and
                                     status change on the dashboard (the access log), newest first
    pijnreset reapply-erasures --from-table OLD
                                     after a restore from backup: erase again, in the restored table, everyone
                                     the erasure markers of the table OLD (the one before the restore) list

Every command finds the leads table itself: ``--table NAME``, or else the ``LeadsTableName`` output of the
CloudFormation stack ``--stack`` (default: ``stack_name`` in ./samconfig.toml, else "pijnreset").
``--profile`` and ``--region`` choose the AWS credentials and region as the AWS CLI does.

No public endpoint reads leads; this tool is the way to. A new command is one more subparser in
``build_parser`` and one function ``(args, Stack) -> exit code``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from pijnreset.dal.access_log import access_of_person
from pijnreset.dal.intakes import OpenIntakes
from pijnreset.dal.person_data import PersonData
from pijnreset.dal.ses_suppression import SesSuppressionList
from pijnreset.logic.identity import lead_id_for
from pijnreset.timestamps import for_people, iso

if TYPE_CHECKING:
    from mypy_boto3_cloudformation import CloudFormationClient
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_sesv2 import SESV2Client

DEFAULT_STACK = "pijnreset"
SAMCONFIG = Path("samconfig.toml")
TABLE_OUTPUT = "LeadsTableName"

_CONTACT = {"phone": "bellen", "email": "mailen", "video": "videogesprek"}
_MOMENTS = {
    "weekday_morning": "doordeweeks 's ochtends",
    "weekday_afternoon": "doordeweeks 's middags",
    "weekday_evening": "doordeweeks 's avonds",
    "saturday": "zaterdag",
}
_FLAGS = {"urgent": "URGENT", "see_gp": "huisarts"}
_UNVERIFIED_URGENT = "URGENT, niet bevestigd"
# What --json tells of the lead beside each intake: the verified flag, the unverified one, and the verification.
_LEAD_FLAGS = ("latest_triage", "urgent_flag_at", "unverified_urgent_at", "verified_at")
_INDENT = " " * 10  # continuation lines start under the time, past the 8-character id


class CliError(Exception):
    """Something the coach can fix: said in one line, exit code 1."""


@dataclass
class Stack:
    """The deployed stack a command works on: its AWS session and, looked up once when needed, its table."""

    session: boto3.Session
    table: str | None
    stack_name: str
    out: TextIO
    answer: Callable[[], str] = field(default=lambda: sys.stdin.readline())

    @cached_property
    def table_name(self) -> str:
        return self.table or stack_output(self.session.client("cloudformation"), self.stack_name, TABLE_OUTPUT)

    @cached_property
    def dynamodb(self) -> DynamoDBClient:
        return self.session.client("dynamodb")

    def people(self, table_name: str | None = None) -> PersonData:
        """The person data of the table (default: the stack's), erasing as the erasure link does: with an
        erasure marker kept as long as the table's backups reach back, and the address off SES's list."""
        name = table_name or self.table_name
        return PersonData(
            name, self.dynamodb, backup_days=backup_days(self.dynamodb, name), ses=SesSuppressionList(self.sesv2)
        )

    @cached_property
    def sesv2(self) -> SESV2Client:
        return self.session.client("sesv2")


Command = Callable[[argparse.Namespace, Stack], int]


def build_parser() -> argparse.ArgumentParser:
    # The options sit on every subcommand, so they may come anywhere after "pijnreset"; SUPPRESS keeps a
    # subcommand's unset option from overwriting one given earlier on the line.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--table", default=argparse.SUPPRESS, help="de naam van de tabel (dan is --stack niet nodig)")
    common.add_argument(
        "--stack",
        default=argparse.SUPPRESS,
        help="de stack met de output LeadsTableName (standaard: samconfig.toml, anders pijnreset)",
    )
    common.add_argument("--profile", default=argparse.SUPPRESS, help="het AWS-profiel")
    common.add_argument("--region", default=argparse.SUPPRESS, help="de AWS-regio van de stack")

    parser = argparse.ArgumentParser(
        prog="pijnreset",
        description="Werk met de gegevens van je eigen pijnreset-stack, met je eigen AWS-gegevens.",
        parents=[common],
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    intakes = commands.add_parser(
        "intakes", parents=[common], help="open aanvragen voor een intakegesprek, oudste eerst"
    )
    intakes.add_argument("--json", action="store_true", help="alles, als JSON (voor scripts)")
    intakes.set_defaults(run=list_intakes)
    intake_commands = intakes.add_subparsers(dest="intake_command", metavar="ACTION")
    done = intake_commands.add_parser("done", parents=[common], help="markeer een aanvraag als afgehandeld")
    done.add_argument("id", help="het id van de aanvraag, of de eerste tekens ervan (zoals in de lijst)")
    done.add_argument(
        "--not-genuine",
        action="store_true",
        help="de persoon heeft dit niet zelf aangevraagd: de opvolgmails gaan dan gewoon door",
    )
    done.set_defaults(run=mark_intake_done)

    verify = commands.add_parser(
        "verify",
        parents=[common],
        help="de persoon heeft vanaf dit adres gereageerd: neem de naam (en een urgente rode vlag) over",
    )
    verify.add_argument("--email", required=True, help="het e-mailadres waarvandaan de persoon reageerde")
    verify.add_argument("--name", help="de naam zoals de persoon die noemde (anders die van de laatste aanvraag)")
    verify.add_argument("--yes", action="store_true", help="niet om bevestiging vragen")
    verify.set_defaults(run=verify_person)

    export = commands.add_parser("export", parents=[common], help="alle opgeslagen gegevens van één persoon, als JSON")
    export.add_argument("--email", required=True, help="het e-mailadres van de persoon")
    export.set_defaults(run=export_person)
    erase = commands.add_parser("erase", parents=[common], help="verwijder alle gegevens van één persoon")
    erase.add_argument("--email", required=True, help="het e-mailadres van de persoon")
    erase.add_argument("--yes", action="store_true", help="niet om bevestiging vragen")
    erase.set_defaults(run=erase_person)
    access = commands.add_parser(
        "access-log", parents=[common], help="wie de gegevens van één persoon heeft ingezien of bewerkt"
    )
    access.add_argument("--email", required=True, help="het e-mailadres van de persoon")
    access.add_argument("--json", action="store_true", help="alles, als JSON (voor scripts)")
    access.set_defaults(run=show_access_log)
    reapply = commands.add_parser(
        "reapply-erasures",
        parents=[common],
        help="na het terugzetten van een back-up: verwijder opnieuw wie al verwijderd was",
    )
    reapply.add_argument(
        "--from-table",
        required=True,
        help="de tabel van vóór het terugzetten (daar staan de verwijdermarkeringen); --table/--stack: de teruggezette",
    )
    reapply.set_defaults(run=reapply_erasures)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    args = build_parser().parse_args(argv)
    config = samconfig()
    session = boto3.Session(
        profile_name=getattr(args, "profile", None), region_name=getattr(args, "region", None) or config.get("region")
    )
    stack = Stack(
        session=session,
        table=getattr(args, "table", None),
        stack_name=getattr(args, "stack", None) or config.get("stack_name") or DEFAULT_STACK,
        out=out or sys.stdout,
    )
    run: Command = args.run
    try:
        return run(args, stack)
    except CliError as error:
        print(f"pijnreset: {error}", file=sys.stderr)
    except (ClientError, BotoCoreError) as error:
        print(f"pijnreset: AWS: {error}", file=sys.stderr)
    return 1


def samconfig(path: Path = SAMCONFIG) -> dict[str, Any]:
    """The deploy parameters of ``sam deploy --guided``'s samconfig.toml (default environment), if there is one."""
    if not path.is_file():
        return {}
    default = tomllib.loads(path.read_text(encoding="utf-8")).get("default", {})
    return {**default.get("global", {}).get("parameters", {}), **default.get("deploy", {}).get("parameters", {})}


def stack_output(cloudformation: CloudFormationClient, stack_name: str, output: str) -> str:
    try:
        (description,) = cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
    except ClientError as error:
        raise CliError(f"stack {stack_name!r} niet gevonden ({error}); geef --stack of --table") from error
    for item in description.get("Outputs", []):
        if item["OutputKey"] == output:
            return str(item["OutputValue"])
    raise CliError(f"stack {stack_name!r} heeft geen output {output}; geef --table")


# --- intakes ----------------------------------------------------------------------------------------------
def list_intakes(args: argparse.Namespace, stack: Stack) -> int:
    store = OpenIntakes(stack.table_name, stack.dynamodb)
    intakes = store.list()
    leads = store.leads(intake["lead_id"] for intake in intakes)
    if args.json:
        rows = [
            {**_public(intake), **{flag: leads.get(intake["lead_id"], {}).get(flag) for flag in _LEAD_FLAGS}}
            for intake in intakes
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2), file=stack.out)
        return 0
    if not intakes:
        print("Geen open aanvragen.", file=stack.out)
        return 0
    print(f"{len(intakes)} open aanvra{'ag' if len(intakes) == 1 else 'gen'}, oudste eerst:", file=stack.out)
    for intake in intakes:
        lead = leads.get(intake["lead_id"], {})
        # An urgent red flag at any test outranks what the latest test said; one typed into the form by whoever
        # knew the address (never confirmed from it) is marked so.
        if lead.get("urgent_flag_at"):
            flag = _FLAGS["urgent"]
        elif lead.get("unverified_urgent_at"):
            flag = _UNVERIFIED_URGENT
        else:
            flag = _FLAGS.get(lead.get("latest_triage", ""), "")
        print(file=stack.out)
        print(
            _line(
                intake["request_id"][:8],
                for_people(intake["created_at"]),
                f"[{flag}]" if flag else "",
                intake["name"],
                _CONTACT.get(intake["preferred_contact"], intake["preferred_contact"]),
            ),
            file=stack.out,
        )
        moments = ", ".join(_MOMENTS.get(moment, moment) for moment in intake.get("preferred_moments", []))
        print(_INDENT + _line(intake.get("phone", "geen telefoon"), intake["email"]), file=stack.out)
        print(_INDENT + _line("momenten:", moments or "geen voorkeur"), file=stack.out)
        if intake.get("message"):
            print(_INDENT + _line("bericht:", _shortened(intake["message"], 200)), file=stack.out)
    print(file=stack.out)
    print("Afgehandeld? pijnreset intakes done ID", file=stack.out)
    return 0


def mark_intake_done(args: argparse.Namespace, stack: Stack) -> int:
    wanted = args.id.strip().lower()
    if not wanted:
        raise CliError("geef het id van de aanvraag")
    store = OpenIntakes(stack.table_name, stack.dynamodb)
    open_intakes = store.list()
    matches = [intake for intake in open_intakes if intake["request_id"].startswith(wanted)]
    if not matches:
        raise CliError(f"geen open aanvraag met id {args.id!r} (al afgehandeld?)")
    if len(matches) > 1:
        ids = ", ".join(intake["request_id"] for intake in matches)
        raise CliError(f"meer dan één open aanvraag begint met {args.id!r}: {ids}")
    (intake,) = matches
    now = datetime.now(UTC)
    # Another open intake of the same person keeps the follow-ups paused until it is handled too.
    others = [
        int(other["expires_at"])
        for other in open_intakes
        if other["lead_id"] == intake["lead_id"] and other["request_id"] != intake["request_id"]
    ]
    genuine = not args.not_genuine
    if not store.mark_handled(intake, iso(now), genuine=genuine, still_open_until=max(others, default=None)):
        raise CliError(f"aanvraag {intake['request_id']} was al afgehandeld")
    after = "de opvolgmails stoppen" if genuine else "niet zelf aangevraagd, de opvolgmails gaan door"
    print(f"Afgehandeld: {intake['request_id']} ({_printable(intake['name'])}); {after}.", file=stack.out)
    return 0


# --- verifying an address (a reply the coach received from it) ----------------------------------------------
def verify_person(args: argparse.Namespace, stack: Stack) -> int:
    """The coach's verified action: the person replied from this address. Until then (or until they confirm
    the opt-in link) a form's name and urgent flag stay on that submission or intake (docs/front-door.md).

    The name: ``--name``, else that of the latest submission or intake. The urgent flag: the latest
    Pijntest's, when it raised one. Both are shown before anything changes."""
    from pijnreset.models.requests import plain_name  # email-validator only for this command

    lead_id = lead_id_for(args.email)
    items = PersonData(stack.table_name, stack.dynamodb).items(lead_id, datetime.now(UTC))
    lead = next((item for item in items if item.get("entity") == "lead"), None)
    if lead is None:
        raise CliError("van dit e-mailadres is niets opgeslagen")
    requests = sorted(
        (item for item in items if item.get("entity") in {"submission", "intake"} and item.get("name")),
        key=lambda item: str(item["created_at"]),
    )
    try:
        name = plain_name(args.name.strip()) if args.name else (requests[-1]["name"] if requests else None)
    except ValueError as error:
        raise CliError("dat is geen naam: alleen letters, spaties en ' - .") from error
    tests = sorted((i for i in items if i.get("entity") == "submission"), key=lambda i: str(i["created_at"]))
    urgent = tests[-1]["created_at"] if tests and tests[-1].get("triage") == "urgent" else None
    adopted = [f"naam: {_printable(name)}" if name else "geen naam"]
    if urgent:
        adopted.append(f"urgente rode vlag van {for_people(urgent)} (geen opvolgmails meer)")
    if not args.yes:
        print(f"Bevestigd wordt: {'; '.join(adopted)}. Typ 'ja' om door te gaan: ", end="", file=stack.out)
        stack.out.flush()
        if stack.answer().strip().lower() != "ja":
            raise CliError("niets veranderd")
    if not OpenIntakes(stack.table_name, stack.dynamodb).verify_lead(lead_id, iso(datetime.now(UTC)), name, urgent):
        raise CliError("van dit e-mailadres is niets opgeslagen")
    print(f"Bevestigd: {'; '.join(adopted)}.", file=stack.out)
    return 0


# --- a person's data (AVG: access and erasure) ---------------------------------------------------------------
def export_person(args: argparse.Namespace, stack: Stack) -> int:
    items = PersonData(stack.table_name, stack.dynamodb).items(lead_id_for(args.email), datetime.now(UTC))
    if not items:
        raise CliError("van dit e-mailadres is niets opgeslagen")
    print(
        json.dumps(sorted(items, key=lambda item: (item["pk"], item["sk"])), ensure_ascii=False, indent=2),
        file=stack.out,
    )
    return 0


def erase_person(args: argparse.Namespace, stack: Stack) -> int:
    people = stack.people()
    lead_id = lead_id_for(args.email)
    found = people.items(lead_id)
    if not [item for item in found if item.get("entity") != "suppression"]:
        raise CliError("van dit e-mailadres is niets opgeslagen (of het is al verwijderd)")
    if not args.yes:
        print(
            f"{len(found)} items van deze persoon worden verwijderd. Typ 'verwijder' om door te gaan: ",
            end="",
            file=stack.out,
        )
        stack.out.flush()
        if stack.answer().strip().lower() != "verwijder":
            raise CliError("niets verwijderd")
    erasure = people.erase(lead_id, datetime.now(UTC))
    kept = {
        "all": " (een blokkade voor alle e-mail blijft: alleen een hash van het adres)",
        "marketing": " (een afmelding blijft: alleen een hash van het adres)",
    }
    print(f"Verwijderd: {erasure.deleted} items{kept.get(erasure.kept_marker or '', '')}.", file=stack.out)
    return 0


_ACTIONS = {
    "view": "bekeek de gegevens",
    "lookup": "zocht op e-mailadres",
    "pdf": "maakte een pdf",
    "note": "schreef een notitie",
    "handled": "markeerde een intake als afgehandeld",
    "export_person": "exporteerde alle gegevens",
    "erase": "verwijderde alle gegevens",
}


def show_access_log(args: argparse.Namespace, stack: Stack) -> int:
    """ "Who has seen my data": the dashboard's access log about this address's hash (it outlives an erasure)."""
    entries = access_of_person(stack.dynamodb, stack.table_name, lead_id_for(args.email))
    if args.json:
        public = [{k: v for k, v in entry.items() if k not in {"pk", "sk", "gsi2pk", "gsi2sk"}} for entry in entries]
        print(json.dumps(public, ensure_ascii=False, indent=2), file=stack.out)
        return 0
    if not entries:
        print("Niemand heeft de gegevens van dit e-mailadres op het dashboard ingezien.", file=stack.out)
        return 0
    print(f"{len(entries)} keer ingezien of bewerkt, nieuwste eerst:", file=stack.out)
    for entry in entries:
        detail = ", ".join(f"{name} {value}" for name, value in sorted(entry.get("detail", {}).items()))
        what = _ACTIONS.get(entry["action"], entry["action"])
        groups = "/".join(entry.get("groups") or [])
        line = _line(for_people(entry["at"]), f"{entry['username']} ({groups})", what, f"[{detail}]" if detail else "")
        print(line, file=stack.out)
    print("CSV-exports van alle leads staan in het dashboard onder Toegangslog.", file=stack.out)
    return 0


def reapply_erasures(args: argparse.Namespace, stack: Stack) -> int:
    markers = PersonData(args.from_table, stack.dynamodb).erasures()
    done = stack.people().reapply_erasures(markers)
    print(
        f"{done.markers} verwijdermarkeringen gelezen; {done.erased} personen opnieuw verwijderd"
        f" ({done.deleted} items) in {stack.table_name}.",
        file=stack.out,
    )
    return 0


def backup_days(dynamodb: DynamoDBClient, table_name: str) -> int:
    """How far the table's point-in-time backups reach back (35 days, the most, if it does not say)."""
    description = dynamodb.describe_continuous_backups(TableName=table_name)["ContinuousBackupsDescription"]
    recovery: Any = description.get("PointInTimeRecoveryDescription", {})
    return int(recovery.get("RecoveryPeriodInDays") or 35)


def _public(intake: dict[str, Any]) -> dict[str, Any]:
    """An intake as the coach reads it: no table keys."""
    return {key: value for key, value in intake.items() if key not in {"pk", "sk", "gsi1pk", "gsi1sk", "expires_at"}}


def _line(*parts: str) -> str:
    return "  ".join(_printable(part) for part in parts if part).rstrip()


def _shortened(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _printable(text: str) -> str:
    """Visitor text for a terminal: no control or format characters that could move the cursor or hide text."""
    return "".join(" " if unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"} else char for char in str(text))


if __name__ == "__main__":
    sys.exit(main())
