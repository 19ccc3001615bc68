"""Runs the template on moto: creates its resources, then invokes its real handlers in-process.

boto3 inside the handlers reaches moto through AWS_ENDPOINT_URL; nothing under functions/ knows.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from contextlib import ExitStack
from typing import Any

from moto.server import ThreadedMotoServer

from infra.aws import moto_client
from infra.functions import LocalFunction, local_functions, shared_environment
from infra.local import cognito_revoke, moto_speed, ses_suppression
from infra.resources import create_resources, seed_token_key
from infra.template import REGION, Resolver, load_template

LOCAL_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_SESSION_TOKEN": "local",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
}


class LocalStack:
    """moto on loopback, the template's resources on it, and its functions ready to invoke."""

    def __init__(self, parameters: Mapping[str, str] | None = None) -> None:
        self.parameters = dict(parameters or {})
        # Not the production deployment: the coach's sign-in offers TOTP but does not demand it (template.yaml).
        self.parameters.setdefault("Stage", "local")
        self._moto: ThreadedMotoServer | None = None
        self.endpoint = ""
        self.resolver = Resolver(load_template(), parameters=self.parameters)
        self.functions: list[LocalFunction] = []
        self._emulations = ExitStack()

    def start(self) -> None:
        # werkzeug logs every request moto serves; that floods the terminal.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        moto_speed.apply()
        # What moto lacks and the handlers call: SES's account suppression list (erasure takes addresses off it).
        self.ses_suppression_list = self._emulations.enter_context(ses_suppression.emulated())
        # And Cognito's RevokeToken (the coach's sign-out revokes the refresh token).
        self._emulations.enter_context(cognito_revoke.emulated())
        self._moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._moto.start()
        host, port = self._moto.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"
        os.environ.update(LOCAL_CREDENTIALS)
        os.environ["AWS_ENDPOINT_URL"] = self.endpoint

        create_resources(self.client, self.resolver)
        self.functions = local_functions(self.resolver)
        environment = shared_environment(self.resolver)
        seed_token_key(self.client("ssm"), environment)
        os.environ.update(environment)

    def stop(self) -> None:
        self._emulations.close()
        if self._moto is not None:
            self._moto.stop()
            self._moto = None

    def client(self, service: str) -> Any:
        return moto_client(service, self.endpoint)

    def function(self, logical_id: str) -> LocalFunction:
        return next(function for function in self.functions if function.logical_id == logical_id)
