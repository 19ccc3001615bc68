"""The template's Lambda functions as the local stack runs them: handler, environment and HTTP routes."""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from infra.template import ROOT, Resolver, resources_of_type


@dataclass(frozen=True)
class HttpRoute:
    method: str  # GET, POST, ... or ANY
    path: str  # /pijntest, /items/{id}, /{proxy+} or $default
    authorizer: str | None = None  # the HttpApi authorizer the route names (Auth: Authorizer), if any


@dataclass
class LocalFunction:
    logical_id: str
    handler: str
    code_uri: str
    environment: dict[str, str]
    timeout: int
    memory_size: int
    routes: list[HttpRoute]
    _entry: Callable[[dict[str, Any], Any], Any] | None = field(default=None, repr=False)
    # One invocation at a time, like one Lambda execution environment: Powertools keeps per-invocation state.
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def invoke(self, event: dict[str, Any]) -> Any:
        """Calls the real handler with a Lambda context, one invocation at a time."""
        from infra.lambda_events import LocalLambdaContext

        with self.lock:
            context = LocalLambdaContext(self.logical_id, self.memory_size, self.timeout)
            return self.entry()(event, context)

    def entry(self) -> Callable[[dict[str, Any], Any], Any]:
        if self._entry is None:
            code_dir = str((ROOT / self.code_uri).resolve())
            if code_dir not in sys.path:
                sys.path.insert(0, code_dir)
            module_name, function_name = self.handler.rsplit(".", 1)
            self._entry = getattr(importlib.import_module(module_name), function_name)
        return self._entry


def shared_environment(resolver: Resolver) -> dict[str, str]:
    """The variables of every function, merged: the local stack runs them all in one process."""
    merged: dict[str, str] = {}
    for function in local_functions(resolver):
        for name, value in function.environment.items():
            if merged.get(name, value) != value:
                raise ValueError(f"{name} differs between functions; the local stack cannot run them together")
            merged[name] = value
    return merged


def local_functions(resolver: Resolver) -> list[LocalFunction]:
    template = resolver.template
    defaults = template.get("Globals", {}).get("Function", {})
    functions = []
    for logical_id, resource in resources_of_type(template, "AWS::Serverless::Function"):
        properties = {**defaults, **resource.get("Properties", {})}
        variables = {
            **defaults.get("Environment", {}).get("Variables", {}),
            **resource.get("Properties", {}).get("Environment", {}).get("Variables", {}),
        }
        routes = [
            HttpRoute(
                method=str(event["Properties"].get("Method", "ANY")).upper(),
                path=event["Properties"].get("Path", "$default"),
                authorizer=(event["Properties"].get("Auth") or {}).get("Authorizer"),
            )
            for event in resource.get("Properties", {}).get("Events", {}).values()
            if event.get("Type") == "HttpApi"
        ]
        functions.append(
            LocalFunction(
                logical_id=logical_id,
                handler=properties["Handler"],
                code_uri=properties.get("CodeUri", "."),
                environment={name: str(resolver.resolve(value)) for name, value in variables.items()},
                timeout=int(resolver.resolve(properties.get("Timeout", 3))),
                memory_size=int(resolver.resolve(properties.get("MemorySize", 128))),
                routes=routes,
            )
        )
    return functions
