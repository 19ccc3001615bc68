"""The HTTP API's OpenAPI spec, generated from the code: each HTTP handler's own Powertools resolver.

Every function in template.yaml with HttpApi events has its own resolver (``app`` in its module). Each
resolver makes the spec of its routes (``get_openapi_schema``); this merges them into one document,
checks that the routes documented are exactly the template's, and keeps only the component schemas
that something refers to (Powertools always adds its HTTPValidationError, which our API never returns).

    python -m infra.openapi            # writes openapi.json at the repository root
    python -m infra.openapi --check    # exits 1 when openapi.json differs from what the code makes
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import tomllib
from typing import Any

from infra.functions import local_functions, shared_environment
from infra.resources import name_locally
from infra.template import ROOT, Resolver, load_template

SPEC_PATH = ROOT / "openapi.json"
TITLE = "pijnreset API"
DESCRIPTION = (
    "The backend of the Pijn Reset Methode landing page: the Pijntest, intake requests, and the pages behind "
    "the links in its emails. Every error with a JSON body is an ErrorResponse. Generated from the handlers "
    "by `make openapi`; do not edit by hand."
)


def generate() -> dict[str, Any]:
    resolver = name_locally(Resolver(load_template()))
    # The handlers read their settings when imported; the template's own (local) values make them importable.
    for name, value in shared_environment(resolver).items():
        os.environ.setdefault(name, value)
    os.environ.setdefault("AWS_DEFAULT_REGION", "eu-west-1")
    functions_dir = str(ROOT / "functions")
    if functions_dir not in sys.path:
        sys.path.insert(0, functions_dir)

    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    paths: dict[str, dict[str, Any]] = {}
    schemas: dict[str, Any] = {}
    for function in local_functions(resolver):
        if not function.routes:
            continue
        module = importlib.import_module(function.handler.rsplit(".", 1)[0])
        document = module.app.get_openapi_schema(title=TITLE, version=version).model_dump(
            mode="json", by_alias=True, exclude_none=True
        )
        documented = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
        declared = {(route.method, route.path) for route in function.routes}
        if documented != declared:
            raise ValueError(
                f"{function.logical_id}: the template routes {sorted(declared)} but its resolver documents "
                f"{sorted(documented)}"
            )
        for path, item in document["paths"].items():
            for method, operation in item.items():
                if method in paths.get(path, {}):
                    raise ValueError(f"{method.upper()} {path} is documented by two functions")
                operation.setdefault("tags", [function.logical_id])
                paths.setdefault(path, {})[method] = operation
        for name, schema in document.get("components", {}).get("schemas", {}).items():
            if schemas.setdefault(name, schema) != schema:
                raise ValueError(f"two different component schemas are both called {name}")

    spec: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": TITLE, "version": version, "description": DESCRIPTION},
        "paths": {path: dict(sorted(paths[path].items())) for path in sorted(paths)},
        "components": {"schemas": {}},
    }
    spec["components"]["schemas"] = {name: schemas[name] for name in sorted(_referenced(spec, schemas))}
    if "HTTPValidationError" in spec["components"]["schemas"]:
        raise ValueError("a route documents Powertools' HTTPValidationError; every error body is an ErrorResponse")
    return spec


def _referenced(spec: dict[str, Any], schemas: dict[str, Any]) -> set[str]:
    """The component schemas the paths refer to, directly or through other schemas."""
    prefix = "#/components/schemas/"
    found: set[str] = set()
    pending = [spec["paths"]]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            reference = node.get("$ref")
            if isinstance(reference, str) and reference.startswith(prefix):
                name = reference[len(prefix) :]
                if name not in found:
                    found.add(name)
                    pending.append(schemas[name])
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return found


def render(spec: dict[str, Any]) -> str:
    return json.dumps(spec, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.openapi", description=__doc__)
    parser.add_argument("--check", action="store_true", help="compare with openapi.json instead of writing it")
    args = parser.parse_args(argv)
    text = render(generate())
    if args.check:
        if not SPEC_PATH.exists() or SPEC_PATH.read_text(encoding="utf-8") != text:
            print("openapi.json is not what the code generates: run `make openapi`", file=sys.stderr)
            return 1
        return 0
    SPEC_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {SPEC_PATH.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
