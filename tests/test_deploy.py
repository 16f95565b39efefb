"""The deploy paths a newsroom expects: a PaaS build, a Dockerfile, docker-compose.

There is no container engine on CI, so the files are checked for what they promise (a slim,
non-root image installing with the lock, a health check on ``/healthz``, PostgreSQL migrated
before serving), and the Dockerfile's own ``HEALTHCHECK`` command runs against a real
``newsbot serve``.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import socket
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from bot.server import HEALTH_PATH
from bot.settings import Settings
from tests.fakes.bot_process import ServeProcess
from tests.fakes.slack_api import FakeSlackAPI

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _instructions() -> list[tuple[str, str]]:
    """The Dockerfile as (INSTRUCTION, arguments), continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    joined = re.sub(r"\\\n\s*", " ", text)
    lines = [line.strip() for line in joined.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def _final_stage() -> list[tuple[str, str]]:
    instructions = _instructions()
    last_from = max(i for i, (op, _) in enumerate(instructions) if op == "FROM")
    return instructions[last_from:]


def _python_version() -> str:
    return (ROOT / ".python-version").read_text(encoding="utf-8").strip()


def _lock() -> dict[str, Version]:
    pins: dict[str, Version] = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[canonicalize_name(name)] = Version(version)
    return pins


# --- PaaS ---------------------------------------------------------------------------------


def test_a_python_buildpack_installs_the_app_with_the_lock() -> None:
    lines = [
        line.strip()
        for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    # The app itself (so the Procfile's `newsbot` exists), constrained by the lock.
    assert lines == ["-c constraints.txt", "."]
    version = _python_version()
    assert re.fullmatch(r"3\.1[1-3]", version)
    assert f"Programming Language :: Python :: {version}" in PYPROJECT["project"]["classifiers"]


def test_the_lock_satisfies_every_declared_requirement_and_pins_nothing_unused() -> None:
    lock = _lock()
    declared = [
        Requirement(r)
        for r in [
            *PYPROJECT["project"]["dependencies"],
            *PYPROJECT["project"]["optional-dependencies"]["dev"],
        ]
    ]
    for requirement in declared:
        name = canonicalize_name(requirement.name)
        assert name in lock, name
        assert requirement.specifier.contains(lock[name], prereleases=True), (name, lock[name])
    assert "gunicorn" not in lock  # nothing runs it: waitress serves


# --- Dockerfile ---------------------------------------------------------------------------


def test_the_image_is_slim_installs_with_the_lock_and_runs_as_a_user() -> None:
    instructions = _instructions()
    bases = [args.split()[0] for op, args in instructions if op == "FROM"]
    assert bases and all(base == f"python:{_python_version()}-slim" for base in bases)
    runs = " ".join(args for op, args in instructions if op == "RUN")
    assert re.search(r"pip install -c constraints\.txt \.(\s|$)", runs)
    final = _final_stage()
    users = [args for op, args in final if op == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert ("CMD", '["newsbot", "serve"]') in final
    exposed = [args for op, args in final if op == "EXPOSE"]
    assert exposed == [str(Settings.model_fields["port"].default)]


def test_every_file_the_dockerfile_copies_exists_and_enters_the_build_context() -> None:
    sources = []
    for op, args in _instructions():
        if op == "COPY" and not args.startswith("--from"):
            *names, _target = shlex.split(args)
            sources.extend(names)
    assert {"constraints.txt", "bot", "prompts", "pyproject.toml"} <= set(sources)
    ignore = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    assert "*" in ignore  # an allow list: nothing else (.env, .venv, *.db) is sent
    for name in sources:
        assert (ROOT / name).exists(), name
        assert f"!{name}" in ignore or f"!{name}/" in ignore, name
    assert not any(line.lstrip("!").startswith(".env") for line in ignore if line.startswith("!"))


def _healthcheck() -> list[str]:
    [args] = [args for op, args in _final_stage() if op == "HEALTHCHECK"]
    command = args[args.index("CMD") + 3 :].strip()
    argv: list[str] = json.loads(command)  # exec form: no shell in the way
    assert argv[0] == "python"
    assert HEALTH_PATH in argv[-1] and "PORT" in argv[-1]
    return argv


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[ServeProcess]:
    with FakeSlackAPI(token="xoxb-test") as slack:
        env = {
            **os.environ,
            "SLACK_BOT_TOKEN": "xoxb-test",
            "SLACK_SIGNING_SECRET": "test-secret",
            "SLACK_API_URL": slack.base_url,
            "SUMMARY_FALLBACK_ENGINE": "extractive",  # no model key needed to serve
            "DATABASE_URL": f"sqlite:///{tmp_path / 'health.db'}",
            "LOG_FORMAT": "json",
            "NEWSBOT_TEST_LOOPBACK_ONLY": "1",
        }
        process = ServeProcess(env)
        try:
            yield process
        finally:
            process.terminate()


def _run_healthcheck(port: int) -> subprocess.CompletedProcess[str]:
    argv = _healthcheck()
    return subprocess.run(  # noqa: S603 -- the Dockerfile's own command, our interpreter
        [sys.executable, *argv[1:]],
        env={**os.environ, "PORT": str(port)},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


@pytest.mark.slow
def test_the_healthcheck_passes_on_a_serving_bot_and_fails_without_one(
    serve: ServeProcess,
) -> None:
    port = int(serve.url.rsplit(":", 1)[1])
    assert _run_healthcheck(port).returncode == 0
    assert _run_healthcheck(_free_port()).returncode != 0  # nothing listens there


# --- docker-compose -----------------------------------------------------------------------


def test_compose_runs_the_bot_on_postgresql_migrated_before_serving() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert set(services) == {"db", "bot"}
    db, bot = services["db"], services["bot"]
    assert db["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert bot["build"] == "."
    assert bot["env_file"] == ".env"
    assert bot["depends_on"] == {"db": {"condition": "service_healthy"}}
    url = bot["environment"]["DATABASE_URL"]
    env = db["environment"]
    assert url == (
        f"postgresql://{env['POSTGRES_USER']}:{env['POSTGRES_PASSWORD']}@db:5432/{env['POSTGRES_DB']}"
    )
    script = bot["command"][-1]
    assert script.index("newsbot db upgrade &&") < script.index("exec newsbot serve")
    port = bot["environment"]["PORT"]
    assert bot["ports"] == [f"127.0.0.1:{port}:{port}"]
