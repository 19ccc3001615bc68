"""What each /coach/api route does, between the handler (routes, OpenAPI) and the data layer: the group rules,
the access log, cursors in and out, and the answers that leave only for the coach group.

The order in every route that shows or changes a person's data: read, write the access-log item (in the same
transaction as the change where there is one), then answer. When the log cannot be written the caller gets a
503 and no data (no log, no data).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from aws_lambda_powertools.event_handler import Response

from pijnreset.api.coach_auth import CoachGroup, CoachPrincipal, require
from pijnreset.api.errors import ApiError
from pijnreset.api.resolver import json_response
from pijnreset.dal.access_log import access_item, access_of_person, access_put, record_access
from pijnreset.dal.dashboard import MONTH_KEY, OPEN_KEY, TABLE_KEY, Dashboard, Filter, Page, lead_filter, month_within
from pijnreset.dal.intakes import OpenIntakes
from pijnreset.dal.person_data import PersonData
from pijnreset.dal.table import (
    ACCESS_MONTH,
    ACCESS_PREFIX,
    INTAKES_MONTH,
    LEADS_MONTH,
    OPEN_INTAKES,
    access_pk,
    note_sk,
)
from pijnreset.logic import coach_views, csv_export
from pijnreset.logic.answers import FieldProblem
from pijnreset.logic.cursors import BadCursor, Position, decode, encode
from pijnreset.logic.identity import lead_id_for
from pijnreset.models.coach_api import (
    AuditFilters,
    CsvExport,
    IntakeFilters,
    LeadFilters,
    NoteRequest,
)
from pijnreset.models.items import AccessAction, NoteItem
from pijnreset.settings import CoachApiSettings
from pijnreset.timestamps import iso

EXPORT_ROWS_PER_PART = 5000
EXPORT_SECONDS = 20  # of the function's 29: what is left answers with the part so far and X-Next-Cursor
NEXT_CURSOR_HEADER = "X-Next-Cursor"


def _bad_cursor(error: BadCursor) -> ApiError:
    return ApiError(400, "invalid_cursor", [FieldProblem("cursor", "invalid_cursor")])


def _start(
    cursor: str | None,
    fingerprint: Mapping[str, Any],
    key_names: tuple[str, ...],
    within: Callable[[Mapping[str, str], str | None], bool],
) -> Position | None:
    """Where a one-partition query's page starts: the cursor checked (a 400 naming ``cursor``), or the start."""
    if cursor is None:
        return None
    try:
        return decode(cursor, fingerprint, key_names, within)
    except BadCursor as error:
        raise _bad_cursor(error) from error


def _window(first: date | None, last: date | None, now: datetime) -> coach_views.Window:
    try:
        return coach_views.window(first, last, now)
    except coach_views.BadRange as error:
        raise ApiError(422, "validation_failed", [FieldProblem(error.field, error.problem)]) from error


@dataclass
class CoachApi:
    settings: CoachApiSettings
    dashboard: Dashboard
    people: PersonData
    intakes: OpenIntakes

    # --- access log ----------------------------------------------------------------------------------------

    def _log(
        self, who: CoachPrincipal, action: AccessAction, now: datetime, lead_id: str | None, **detail: str | int
    ) -> None:
        record_access(
            self.dashboard.client,
            self.settings.table_name,
            who,
            action,
            now,
            keep_days=self.settings.access_log_retention_days,
            lead_id=lead_id,
            detail=detail,
        )

    def _log_item(
        self, who: CoachPrincipal, action: AccessAction, now: datetime, lead_id: str, **detail: str | int
    ) -> dict[str, Any]:
        item = access_item(who, action, now, self.settings.access_log_retention_days, lead_id, detail)
        return access_put(self.settings.table_name, item)

    # --- leads ---------------------------------------------------------------------------------------------

    def leads(self, who: CoachPrincipal, filters: LeadFilters) -> Response[Any]:
        require(who)
        now = datetime.now(UTC)
        if filters.email is not None:
            lead = self.dashboard.lead(lead_id_for(filters.email), now)
            if lead is not None:
                self._log(who, "lookup", now, str(lead["lead_id"]))
            rows = [coach_views.lead_row(lead, now).model_dump(mode="json")] if lead else []
            return json_response(200, {"items": rows, "cursor": None})
        page, cursor = self._lead_page(filters, filters.cursor, filters.limit, now)
        rows = [coach_views.lead_row(lead, now).model_dump(mode="json") for lead in page.items]
        return json_response(200, {"items": rows, "cursor": cursor})

    def _lead_page(
        self, filters: LeadFilters | CsvExport, cursor: str | None, limit: int, now: datetime
    ) -> tuple[Page, str | None]:
        window = _window(filters.from_, filters.to, now)
        fingerprint = filters.model_dump(mode="json", exclude={"cursor", "limit"})
        where = lead_filter(filters) if isinstance(filters, LeadFilters) else Filter()
        return self._month_page(LEADS_MONTH, "LEAD#", window, fingerprint, cursor, limit, now, where)

    def _month_page(
        self,
        kind: str,
        pk_prefix: str,
        window: coach_views.Window,
        fingerprint: Mapping[str, Any],
        cursor: str | None,
        limit: int,
        now: datetime,
        where: Filter | None = None,
    ) -> tuple[Page, str | None]:
        bounds = (window.start, window.end)
        start = None
        if cursor is not None:
            within = month_within(kind, bounds, pk_prefix)
            try:
                start = decode(cursor, fingerprint, MONTH_KEY, within, months=window.months)
            except BadCursor as error:
                raise _bad_cursor(error) from error
        page = self.dashboard.month_page(kind, window.months, bounds, start, limit, now, where)
        return page, encode(page.next, fingerprint) if page.next else None

    def lead(self, who: CoachPrincipal, lead_id: str) -> Response[Any]:
        require(who)
        now = datetime.now(UTC)
        with_answers = who.is_in(CoachGroup.COACH)
        detail = coach_views.lead_detail(self.people.items(lead_id, now), with_answers, now)
        if detail is None:
            raise ApiError(404, "not_found")
        self._log(who, "view", now, lead_id, results=len(detail.results), answers=int(with_answers))
        return json_response(200, detail.model_dump(mode="json"))

    def add_note(self, who: CoachPrincipal, lead_id: str, request: NoteRequest) -> Response[Any]:
        require(who)
        now = datetime.now(UTC)
        created, note_id = iso(now), uuid.uuid4().hex
        note: NoteItem = {
            "pk": f"LEAD#{lead_id}",
            "sk": note_sk(created, note_id),
            "entity": "note",
            "lead_id": lead_id,
            "note_id": note_id,
            "text": request.text,
            "author": who.username,
            "author_sub": who.sub,
            "created_at": created,
            "expires_at": int((now + timedelta(days=self.settings.note_retention_days)).timestamp()),
        }
        log = access_item(who, "note", now, self.settings.access_log_retention_days, lead_id, {"note_id": note_id})
        if not self.dashboard.add_note(note, log, now):
            raise ApiError(404, "not_found")
        return json_response(201, coach_views.note_out(note).model_dump(mode="json"))

    def erase(self, who: CoachPrincipal, lead_id: str) -> Response[Any]:
        require(who, CoachGroup.COACH)
        now = datetime.now(UTC)
        if self.dashboard.lead(lead_id, now) is None:
            raise ApiError(404, "not_found")
        erasure = self.people.erase(lead_id, now, also=[self._log_item(who, "erase", now, lead_id)])
        body = {"erased": True, "deleted": erasure.deleted, "kept_marker": erasure.kept_marker}
        return json_response(200, body)

    def export(self, who: CoachPrincipal, lead_id: str) -> Response[Any]:
        require(who, CoachGroup.COACH)
        now = datetime.now(UTC)
        items = self.people.items(lead_id, now)
        if not any(item.get("entity") == "lead" for item in items):
            raise ApiError(404, "not_found")
        self._log(who, "export_person", now, lead_id, items=len(items))
        log = [coach_views.access_entry(item).model_dump(mode="json") for item in self._access(lead_id)]
        items.sort(key=lambda item: (item["pk"], item["sk"]))
        body = {"lead_id": lead_id, "exported_at": iso(now), "items": items, "access_log": log}
        response = json_response(200, body)
        response.headers["Content-Disposition"] = f'attachment; filename="pijnreset-{lead_id[:12]}.json"'
        return response

    def _access(self, lead_id: str) -> list[dict[str, Any]]:
        return access_of_person(self.dashboard.client, self.settings.table_name, lead_id)

    # --- intakes -------------------------------------------------------------------------------------------

    def intake_list(self, who: CoachPrincipal, filters: IntakeFilters) -> Response[Any]:
        require(who)
        now = datetime.now(UTC)
        fingerprint = filters.model_dump(mode="json", exclude={"cursor", "limit"})
        if filters.state == "open":
            start = _start(filters.cursor, fingerprint, OPEN_KEY, lambda key, _: key["gsi1pk"] == OPEN_INTAKES)
            page = self.dashboard.open_intakes(start, filters.limit, now)
            cursor = encode(page.next, fingerprint) if page.next else None
        else:
            window = _window(filters.from_, filters.to, now)
            handled = Filter("#status = :handled", {"#status": "status"}, {":handled": "handled"})
            page, cursor = self._month_page(
                INTAKES_MONTH, "LEAD#", window, fingerprint, filters.cursor, filters.limit, now, handled
            )
        leads = self.dashboard.leads((intake["lead_id"] for intake in page.items), now)
        rows = [coach_views.intake_out(intake, leads.get(intake["lead_id"])) for intake in page.items]
        return json_response(200, {"items": [row.model_dump(mode="json") for row in rows], "cursor": cursor})

    def handled(self, who: CoachPrincipal, intake_id: str, genuine: bool) -> Response[Any]:
        require(who)
        now = datetime.now(UTC)
        intake, others = self.dashboard.open_intake(intake_id, now)
        if intake is None:
            raise ApiError(404, "not_found")
        lead_id = str(intake["lead_id"])
        still_open = [int(other["expires_at"]) for other in others if other["lead_id"] == lead_id]
        log = self._log_item(who, "handled", now, lead_id, intake_id=intake_id, genuine=int(genuine))
        if not self.intakes.mark_handled(intake, iso(now), genuine, max(still_open, default=None), also=[log]):
            raise ApiError(409, "already_handled")
        return json_response(200, {"request_id": intake_id, "status": "handled", "handled_at": iso(now)})

    # --- CSV -----------------------------------------------------------------------------------------------

    def leads_csv(self, who: CoachPrincipal, query: CsvExport) -> Response[Any]:
        require(who, CoachGroup.COACH)
        now, deadline = datetime.now(UTC), time.monotonic() + EXPORT_SECONDS
        with_answers = query.answers == "1"
        rows: list[dict[str, Any]] = []
        answer_sets: list[dict[str, Any]] = []
        cursor = query.cursor
        while len(rows) < EXPORT_ROWS_PER_PART:
            page, cursor = self._lead_page(query, cursor, min(100, EXPORT_ROWS_PER_PART - len(rows)), now)
            answers = self.dashboard.latest_answers(page.items) if with_answers and page.items else {}
            for lead in page.items:
                lead_answers = answers.get(str(lead["lead_id"]), {}) if with_answers else None
                rows.append(csv_export.lead_cells(lead, now, lead_answers))
                answer_sets.append(lead_answers or {})
            if cursor is None or time.monotonic() > deadline:
                break
        columns = [*csv_export.LEAD_COLUMNS, *csv_export.answer_columns(answer_sets)]
        self._log(who, "export_leads_csv", now, None, **self._range(query), rows=len(rows), answers=int(with_answers))
        return self._csv("leads", query, csv_export.document(columns, rows), cursor)

    def intakes_csv(self, who: CoachPrincipal, query: CsvExport) -> Response[Any]:
        require(who, CoachGroup.COACH)
        if query.answers == "1":
            raise ApiError(422, "validation_failed", [FieldProblem("answers", "not_for_intakes")])
        now, deadline = datetime.now(UTC), time.monotonic() + EXPORT_SECONDS
        window = _window(query.from_, query.to, now)
        fingerprint = query.model_dump(mode="json", exclude={"cursor"})
        rows: list[dict[str, Any]] = []
        cursor = query.cursor
        while len(rows) < EXPORT_ROWS_PER_PART:
            limit = min(100, EXPORT_ROWS_PER_PART - len(rows))
            page, cursor = self._month_page(INTAKES_MONTH, "LEAD#", window, fingerprint, cursor, limit, now)
            leads = self.dashboard.leads((intake["lead_id"] for intake in page.items), now)
            rows += [csv_export.intake_cells(intake, leads.get(intake["lead_id"])) for intake in page.items]
            if cursor is None or time.monotonic() > deadline:
                break
        self._log(who, "export_intakes_csv", now, None, **self._range(query), rows=len(rows))
        return self._csv("intakes", query, csv_export.document(csv_export.INTAKE_COLUMNS, rows), cursor)

    @staticmethod
    def _range(query: CsvExport) -> dict[str, str]:
        return {name: str(value) for name, value in (("from", query.from_), ("to", query.to)) if value is not None}

    @staticmethod
    def _csv(kind: str, query: CsvExport, text: str, cursor: str | None) -> Response[Any]:
        name = "-".join(["pijnreset", kind, *(str(day) for day in (query.from_, query.to) if day)])
        headers = {"Content-Disposition": f'attachment; filename="{name}.csv"', "Cache-Control": "no-store"}
        if cursor is not None:
            headers[NEXT_CURSOR_HEADER] = cursor
        return Response(200, "text/csv; charset=utf-8", text, headers)

    # --- the access log ------------------------------------------------------------------------------------

    def audit(self, who: CoachPrincipal, filters: AuditFilters) -> Response[Any]:
        require(who, CoachGroup.COACH)
        now = datetime.now(UTC)
        fingerprint = filters.model_dump(mode="json", exclude={"cursor", "limit"})
        if filters.lead_id is not None:
            partition = access_pk(filters.lead_id)
            start = _start(filters.cursor, fingerprint, TABLE_KEY, lambda key, _: key["pk"] == partition)
            page = self.dashboard.access_of(filters.lead_id, start, filters.limit, now)
            cursor = encode(page.next, fingerprint) if page.next else None
        else:
            window = _window(filters.from_, filters.to, now)
            page, cursor = self._month_page(
                ACCESS_MONTH, ACCESS_PREFIX, window, fingerprint, filters.cursor, filters.limit, now
            )
        items = [coach_views.access_entry(item).model_dump(mode="json") for item in page.items]
        return json_response(200, {"items": items, "cursor": cursor})
