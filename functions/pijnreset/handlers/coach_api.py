"""/coach/api: the coach's dashboard (behind CoachAuthorizer; the group checked per route in api/dashboard.py).
Routes and their documented answers only; what each does is api/dashboard.py's (docs/coach-api.md)."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

from pijnreset.api.coach_auth import CoachPrincipal
from pijnreset.api.dashboard import CoachApi
from pijnreset.api.resolver import build_resolver, json_body_responses, openapi_response, unavailable_response
from pijnreset.dal.dashboard import Dashboard
from pijnreset.dal.intakes import OpenIntakes
from pijnreset.dal.person_data import PersonData
from pijnreset.dal.ses_suppression import SesSuppressionList
from pijnreset.entry import json_api
from pijnreset.models import coach_api as m
from pijnreset.models.api import ErrorResponse, UnauthorizedResponse
from pijnreset.settings import CoachApiSettings

settings = CoachApiSettings.from_env()
dashboard = Dashboard(settings.table_name)
people = PersonData(
    settings.table_name, dashboard.client, backup_days=settings.backup_recovery_days, ses=SesSuppressionList()
)
api = CoachApi(settings, dashboard, people, OpenIntakes(settings.table_name, dashboard.client))
app = build_resolver()
LeadId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="The lead's id (SHA-256 of the address)")]
IntakeId = Annotated[str, Path(pattern=r"^[0-9a-f-]{36}$", description="The intake's request id")]


def _answers(model: Any, description: str = "OK", body: bool = False) -> dict[int, OpenAPIResponse]:
    common: dict[int, OpenAPIResponse] = {
        200: openapi_response(description, model) if model else {"description": description},
        400: openapi_response("A cursor not issued for these filters", ErrorResponse),
        401: openapi_response("No valid access token", UnauthorizedResponse),
        403: openapi_response("Not allowed for this group", ErrorResponse),
        404: openapi_response("No such lead or open intake", ErrorResponse),
        422: openapi_response("Invalid parameters, each named", ErrorResponse),
        503: unavailable_response(),
    }
    return json_body_responses(common) if body else common


def _who() -> CoachPrincipal:
    return CoachPrincipal.from_event(app.current_event.raw_event)


@app.get("/coach/api/leads", summary="Leads, newest first", responses=_answers(m.LeadPage))
def leads(filters: Annotated[m.LeadFilters, Query()]) -> Any:
    return api.leads(_who(), filters)


@app.get("/coach/api/leads/<lead_id>", summary="Everything of one person", responses=_answers(m.LeadDetail))
def lead(lead_id: LeadId) -> Any:
    return api.lead(_who(), lead_id)


_note = {**_answers(None, body=True), 201: openapi_response("The note", m.NoteOut)}
del _note[200]


@app.post("/coach/api/leads/<lead_id>/notes", summary="Add a note", responses=_note)
def add_note(lead_id: LeadId, request: Annotated[m.NoteRequest, Body()]) -> Any:
    return api.add_note(_who(), lead_id, request)


@app.post(
    "/coach/api/leads/<lead_id>/erase", summary="Erase the person", responses=_answers(m.EraseResponse, body=True)
)
def erase(lead_id: LeadId, request: Annotated[m.EraseRequest, Body()]) -> Any:
    return api.erase(_who(), lead_id)


@app.get(
    "/coach/api/leads/<lead_id>/export", summary="Everything stored, as JSON", responses=_answers(m.ExportResponse)
)
def export(lead_id: LeadId) -> Any:
    return api.export(_who(), lead_id)


@app.get("/coach/api/intakes", summary="Intakes: open ones oldest first", responses=_answers(m.IntakePage))
def intakes(filters: Annotated[m.IntakeFilters, Query()]) -> Any:
    return api.intake_list(_who(), filters)


_handled = {**_answers(m.HandledResponse, body=True), 409: openapi_response("Handled meanwhile", ErrorResponse)}


@app.post("/coach/api/intakes/<intake_id>/handled", summary="Mark an intake handled", responses=_handled)
def handled(intake_id: IntakeId, request: Annotated[m.HandledRequest, Body()]) -> Any:
    return api.handled(_who(), intake_id, request.genuine)


_csv = _answers(None, "CSV (; UTF-8 with BOM); X-Next-Cursor when more remain")


@app.get("/coach/api/export/leads.csv", summary="Leads as CSV", responses=_csv)
def leads_csv(query: Annotated[m.CsvExport, Query()]) -> Any:
    return api.leads_csv(_who(), query)


@app.get("/coach/api/export/intakes.csv", summary="Intakes as CSV", responses=_csv)
def intakes_csv(query: Annotated[m.CsvExport, Query()]) -> Any:
    return api.intakes_csv(_who(), query)


@app.get("/coach/api/audit", summary="The access log, newest first", responses=_answers(m.AuditPage))
def audit(filters: Annotated[m.AuditFilters, Query()]) -> Any:
    return api.audit(_who(), filters)


lambda_handler = json_api(app)
