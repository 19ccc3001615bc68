"""A Lambda-like function package to measure cold starts against, not the dev venv with its ~100 packages.

What `sam build` puts in a function: the runtime dependencies (the exact versions uv.lock pins for
[project].dependencies, i.e. functions/requirements.txt and what they pull in) and the code under
functions/ (pijnreset/ and templates/). Built with `uv pip install --target` for Python 3.13, the Lambda
runtime in template.yaml, when pyenv has it (else this interpreter), and byte-compiled as a build would:
Lambda's /var/task is read-only, so a package without .pyc files would compile every module on every
cold start. The dependencies are cached under .cache/bench/ by Python version and lock; the code is
copied and compiled afresh on every run.

    python -m bench.package     # builds it and prints where
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache" / "bench"
LAMBDA_PYTHON = Path("/root/.pyenv/versions/3.13.0/bin/python3.13")


@dataclass(frozen=True)
class Package:
    python: str
    version: str
    dependencies: Path
    code: Path

    @property
    def pythonpath(self) -> str:
        """Code first, then its dependencies: /var/task holds both in Lambda."""
        return os.pathsep.join([str(self.code), str(self.dependencies)])


def uv() -> str:
    found = os.environ.get("UV") or shutil.which("uv") or str(ROOT / ".tools" / "bin" / "uv")
    if not Path(found).exists() and not shutil.which(found):
        raise RuntimeError("uv is needed to build the function package (make bench installs it)")
    return found


def interpreter() -> str:
    return str(LAMBDA_PYTHON) if LAMBDA_PYTHON.exists() else sys.executable


def build(rev: str | None = None) -> Package:
    """The package of the working tree's code, or of commit ``rev`` (to compare a change with what was)."""
    python = interpreter()
    version = subprocess.run(
        [python, "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    requirements = subprocess.run(
        [uv(), "export", "--frozen", "--no-dev", "--no-emit-project", "--no-hashes", "--format", "requirements-txt"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, "UV_PYTHON_DOWNLOADS": "never"},
    ).stdout
    key = hashlib.sha256(f"{version}\n{requirements}".encode()).hexdigest()[:12]
    dependencies = CACHE / f"deps-py{version}-{key}"
    if not (dependencies / ".complete").exists():
        shutil.rmtree(dependencies, ignore_errors=True)
        requirements_file = CACHE / f"requirements-{key}.txt"
        requirements_file.parent.mkdir(parents=True, exist_ok=True)
        requirements_file.write_text(requirements, encoding="utf-8")
        subprocess.run(
            [
                uv(),
                "pip",
                "install",
                "--quiet",
                "--target",
                str(dependencies),
                "--python",
                python,
                "--no-deps",
                "-r",
                str(requirements_file),
            ],
            check=True,
            cwd=ROOT,
            env={**os.environ, "UV_PYTHON_DOWNLOADS": "never"},
        )
        _compile(python, dependencies)
        (dependencies / ".complete").touch()
    code = CACHE / f"code-py{version}-{rev or 'worktree'}"
    shutil.rmtree(code, ignore_errors=True)
    code.mkdir(parents=True)
    if rev is None:
        ignore = shutil.ignore_patterns("__pycache__")
        shutil.copytree(ROOT / "functions" / "pijnreset", code / "pijnreset", ignore=ignore)
        shutil.copytree(ROOT / "templates", code / "templates")
    else:
        archive = subprocess.run(
            ["git", "archive", rev, "functions/pijnreset", "templates"], capture_output=True, check=True, cwd=ROOT
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(code)], input=archive, check=True)
        (code / "functions" / "pijnreset").rename(code / "pijnreset")
    _compile(python, code)
    return Package(python, version, dependencies, code)


def _compile(python: str, folder: Path) -> None:
    subprocess.run([python, "-m", "compileall", "-q", "-j", "0", str(folder)], check=True, stdout=subprocess.DEVNULL)


def main() -> None:
    package = build()
    print(
        f"Python {package.version} ({package.python})\n  code: {package.code}\n  dependencies: {package.dependencies}"
    )


if __name__ == "__main__":
    main()
