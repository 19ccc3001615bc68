"""`make build` produces what Lambda runs: python3.13 on arm64, with the content the code reads.

The build runs for real (sam build, functions/Makefile) into a temporary directory. Its artifacts are then
checked for the Lambda runtime: every native library is aarch64, every wheel fits Amazon Linux 2023 on arm64,
every function carries templates/ beside its package, and all Python is precompiled for CPython 3.13 in the
form that is used as it is. Then the layer's recipe runs again for this machine's CPU, and every function's
handler runs under CPython 3.13 from its built artifact and that layer, on sys.path as Lambda lays them out
(/var/task, then /opt/python), against the template's resources on moto.
"""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import textwrap
import tomllib
from pathlib import Path
from typing import Any

import pytest

from infra.functions import local_functions
from infra.lambda_events import http_api_event
from infra.local.apigw import match_route
from infra.local.stack import LOCAL_CREDENTIALS, LocalStack
from infra.resources import name_locally
from infra.template import ROOT, Resolver, load_template

EM_AARCH64 = 183  # ELF e_machine of 64-bit ARM
MAX_GLIBC = (2, 34)  # the python3.13 runtime is Amazon Linux 2023, glibc 2.34
PYC_UNCHECKED_HASH = 0b01  # PEP 552 flags: hash-based, source never checked


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    build_dir = tmp_path_factory.mktemp("build")
    result = subprocess.run(
        ["make", "--no-print-directory", "build", f"BUILD_DIR={build_dir}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    built = load_template(build_dir / "template.yaml")
    return {
        "dir": build_dir,
        "template": built,
        "functions": _artifacts(build_dir, built, "AWS::Serverless::Function"),
        "layers": _artifacts(build_dir, built, "AWS::Serverless::LayerVersion"),
    }


def _make_variable(name: str) -> str:
    result = subprocess.run(
        ["make", "--no-print-directory", "-s", f"print-{name}"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture(scope="module")
def python313():
    found = _make_variable("PYTHON313")
    assert found, "make build needs CPython 3.13: put python3.13 on PATH or set PYTHON313"
    return found


@pytest.fixture(scope="module")
def host_layer(tmp_path_factory, python313):
    """The layer's recipe again, with wheels for this machine's CPU, so the built functions can run here."""
    layer = tmp_path_factory.mktemp("host-layer")
    uv = ROOT / _make_variable("UV")  # .tools/bin/uv, or an absolute path when uv is on PATH
    result = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-f",
            ROOT / "functions" / "Makefile",
            "build-DependenciesLayer",
            f"ARTIFACTS_DIR={layer}",
            f"LAMBDA_PLATFORM={platform.machine()}-manylinux_2_34",
            f"UV={uv}",
            f"PYTHON313={python313}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return layer


def _local_functions():
    return local_functions(name_locally(Resolver(load_template())))


def _artifacts(build_dir: Path, built: dict[str, Any], resource_type: str) -> dict[str, Path]:
    code_property = {"AWS::Serverless::Function": "CodeUri", "AWS::Serverless::LayerVersion": "ContentUri"}
    return {
        name: build_dir / resource["Properties"][code_property[resource_type]]
        for name, resource in built["Resources"].items()
        if resource["Type"] == resource_type
    }


def _elf_machine(path: Path) -> int:
    header = path.read_bytes()[:20]
    assert header[:4] == b"\x7fELF", f"{path} is not an ELF file"
    assert (header[4], header[5]) == (2, 1), f"{path} is not 64-bit little-endian"
    return int.from_bytes(header[18:20], "little")


def test_every_function_and_layer_was_built(build):
    template = load_template()
    functions = {name for name, r in template["Resources"].items() if r["Type"] == "AWS::Serverless::Function"}
    layers = {name for name, r in template["Resources"].items() if r["Type"] == "AWS::Serverless::LayerVersion"}
    assert set(build["functions"]) == functions
    assert set(build["layers"]) == layers
    assert all(path.is_dir() for path in [*build["functions"].values(), *build["layers"].values()])


def test_every_function_carries_its_package_and_the_templates_it_reads(build):
    handlers = {function.logical_id: function.handler for function in _local_functions()}
    source = sorted(path.relative_to(ROOT) for path in (ROOT / "templates").rglob("*") if path.is_file())
    for name, artifact in build["functions"].items():
        assert sorted(path.name for path in artifact.iterdir()) == ["pijnreset", "templates"], name
        assert list((artifact / "templates" / "pijntest").glob("*.yaml")), name
        packaged = sorted(path.relative_to(artifact) for path in (artifact / "templates").rglob("*") if path.is_file())
        assert packaged == source, name
        assert all((artifact / path).read_bytes() == (ROOT / path).read_bytes() for path in source), name
        module = handlers[name].rsplit(".", 1)[0]
        assert (artifact / (module.replace(".", "/") + ".py")).is_file(), handlers[name]


def test_only_the_function_that_renders_pdfs_carries_their_fonts(build):
    for name, artifact in build["functions"].items():
        fonts = sorted(path.name for path in (artifact / "pijnreset" / "fonts").glob("*.ttf"))
        assert fonts == (["DejaVuSans-Bold.ttf", "DejaVuSans.ttf"] if name == "ReportFunction" else []), name


def test_the_layer_holds_the_locked_dependencies(build):
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    locked = {package["name"]: package["version"] for package in lock["package"]}
    required = {
        re.split(r"[=<>!~\[ ;]", requirement, maxsplit=1)[0].lower().replace("_", "-")
        for requirement in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    }
    for name, layer in build["layers"].items():
        installed = {}
        for dist_info in (layer / "python").glob("*.dist-info"):
            distribution, version = dist_info.name.removesuffix(".dist-info").rsplit("-", 1)
            installed[distribution.lower().replace("_", "-")] = version
        assert required <= set(installed), name
        assert {package: locked[package] for package in installed} == installed, name
        assert not (layer / "python" / "bin").exists(), "console scripts have no use in a layer"


def _runs_on_the_runtime(tag: str) -> bool:
    """Whether a wheel tag fits CPython 3.13 on Amazon Linux 2023 (arm64)."""
    python_tag, abi, platform_tag = tag.split("-")
    if not (python_tag in {"py3", "py2.py3", "cp313"} or (python_tag.startswith("cp3") and abi == "abi3")):
        return False
    if platform_tag == "any":
        return True
    manylinux = re.fullmatch(r"manylinux_(\d+)_(\d+)_aarch64|manylinux2014_aarch64", platform_tag)
    return manylinux is not None and (
        manylinux.group(1) is None or (int(manylinux.group(1)), int(manylinux.group(2))) <= MAX_GLIBC
    )


def test_every_native_library_and_wheel_is_for_the_arm64_runtime(build):
    for name, layer in build["layers"].items():
        libraries = list(layer.rglob("*.so"))
        assert any(path.parent.name == "pydantic_core" for path in libraries), name
        assert {str(path.relative_to(layer)): _elf_machine(path) for path in libraries} == {
            str(path.relative_to(layer)): EM_AARCH64 for path in libraries
        }
        for wheel in (layer / "python").glob("*.dist-info/WHEEL"):
            tags = [line.split(":", 1)[1].strip() for line in wheel.read_text().splitlines() if line.startswith("Tag:")]
            assert any(_runs_on_the_runtime(tag) for tag in tags), (wheel, tags)
    for name, artifact in build["functions"].items():
        assert not list(artifact.rglob("*.so")), f"{name}: native code belongs in the layer"


def test_all_python_is_precompiled_for_python_3_13_unchecked(build, python313):
    magic = bytes.fromhex(
        subprocess.run(
            [python313, "-c", "import importlib.util; print(importlib.util.MAGIC_NUMBER.hex())"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    for artifact in [*build["functions"].values(), *build["layers"].values()]:
        sources = list(artifact.rglob("*.py"))
        assert sources
        for source in sources:
            compiled = source.parent / "__pycache__" / f"{source.stem}.cpython-313.pyc"
            header = compiled.read_bytes()[:8]
            assert header[:4] == magic, compiled
            assert int.from_bytes(header[4:8], "little") == PYC_UNCHECKED_HASH, compiled
        stray = [path for path in artifact.rglob("*.pyc") if not path.name.endswith(".cpython-313.pyc")]
        assert stray == []


def test_every_function_uses_the_layer(build):
    layers = [{"Ref": name} for name in build["layers"]]
    globals_ = build["template"].get("Globals", {}).get("Function", {})
    for name in build["functions"]:
        properties = build["template"]["Resources"][name]["Properties"]
        assert properties.get("Layers", globals_.get("Layers")) == layers, name


_INVOKE = textwrap.dedent(
    """
    import importlib, json, sys
    function_dir, layer_dir, handler, events_path, results_path = sys.argv[1:]
    sys.path[:0] = [function_dir, layer_dir]

    class Context:
        function_name = "smoke"
        function_version = "$LATEST"
        memory_limit_in_mb = 256
        invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:smoke"
        aws_request_id = "00000000-0000-0000-0000-000000000000"
        def get_remaining_time_in_millis(self):
            return 10000

    module_name, attribute = handler.rsplit(".", 1)
    entry = getattr(importlib.import_module(module_name), attribute)
    events = json.load(open(events_path))
    json.dump([entry(event, Context()) for event in events], open(results_path, "w"))
    """
)


@pytest.fixture(scope="module")
def aws_on_moto():
    """The template's resources on moto on loopback (as `make dev` makes them), for the built handlers to call:
    nothing leaves the machine. The process environment it sets is restored afterwards."""
    saved = dict(os.environ)
    stack = LocalStack()
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()
        os.environ.clear()
        os.environ.update(saved)


def test_every_handler_runs_from_its_artifact_on_python_3_13_without_compiling(
    build, host_layer, python313, aws_on_moto, tmp_path
):
    """Imports each handler from the very artifact Lambda gets, with the layer rebuilt for this machine's CPU,
    and calls it with every GET route it serves."""
    layer = host_layer
    statuses = []
    for function in aws_on_moto.functions:
        events = [
            http_api_event(
                "GET",
                route.path,
                route_key=match.route_key,
                path_parameters=match.path_parameters,
                headers=[("accept", "application/json")],
                host="smoke.execute-api.eu-west-1.amazonaws.com",
            )
            for route in function.routes
            if route.method == "GET" and "{" not in route.path
            for match in [match_route([function], "GET", route.path)]
            if match is not None
        ]
        events_path, results_path = tmp_path / f"{function.logical_id}.events", tmp_path / f"{function.logical_id}.out"
        events_path.write_text(json.dumps(events))
        artifact = build["functions"][function.logical_id]
        arguments = [artifact, layer / "python", function.handler, events_path, results_path]
        result = subprocess.run(
            [python313, "-I", "-v", "-c", _INVOKE, *arguments],
            env={
                "PATH": os.environ["PATH"],
                **LOCAL_CREDENTIALS,
                "AWS_ENDPOINT_URL": aws_on_moto.endpoint,
                **function.environment,
            },
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )
        problems = [line for line in result.stderr.splitlines() if not line.startswith(("#", "import "))]
        assert result.returncode == 0, (function.logical_id, "\n".join(problems[-60:]))
        for response in json.loads(results_path.read_text()):
            assert response["statusCode"] < 500, (function.logical_id, response)
            statuses.append(response["statusCode"])
        loaded_from = re.findall(r"^# code object from '?([^'\n]+)'?$", result.stderr, re.M)
        ours = [path for path in loaded_from if path.startswith((str(artifact), str(layer)))]
        assert ours, "nothing was imported from the artifact or the layer"
        assert [path for path in ours if not path.endswith(".pyc")] == []
    assert 200 in statuses, "no GET route answered 200 (GET /pijntest serves the questionnaire)"
