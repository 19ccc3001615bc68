"""GET /pijntest: the current questionnaire, consent texts and disclaimer, for the form to render."""

from typing import Any

from pijnreset.api.resolver import build_resolver, json_response, openapi_response
from pijnreset.content.loader import load_content
from pijnreset.entry import json_api
from pijnreset.logic.questionnaire_view import questionnaire_view
from pijnreset.models.api import QuestionnaireResponse
from pijnreset.settings import QuestionnaireSettings

app = build_resolver(validate=False)  # nothing to validate: no parameters, no body
settings = QuestionnaireSettings.from_env()
_view = questionnaire_view(load_content(settings.questionnaire_version), settings.min_fill_seconds).model_dump(
    mode="json"
)


@app.get(
    "/pijntest",
    summary="The current Pijntest",
    responses={200: openapi_response("The questionnaire", QuestionnaireResponse)},
)
def get_questionnaire() -> Any:
    response = json_response(200, _view)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


lambda_handler = json_api(app)
