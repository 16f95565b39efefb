"""``newsbot doctor`` against the loopback fakes: the checklist, the fixes, the exit code, and
that it changes nothing anywhere."""

from __future__ import annotations

import io
import socket
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.cli.doctor import Check, Doctor, report
from bot.settings import load_settings
from bot.store import Store
from tests.fakes.anthropic_api import FakeAnthropic
from tests.fakes.slack_api import FakeSlackAPI

TOKEN = "xoxb-doctor-token"


@pytest.fixture
def fakes() -> Iterator[tuple[FakeSlackAPI, FakeAnthropic]]:
    slack = FakeSlackAPI(token=TOKEN).start()
    model = FakeAnthropic().start()
    yield slack, model
    model.stop()
    slack.stop()


@pytest.fixture
def env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fakes: tuple[FakeSlackAPI, FakeAnthropic]
) -> Path:
    """A healthy configuration: every check can pass; returns the database file."""
    slack, model = fakes
    db = tmp_path / "doctor.db"
    with Store(f"sqlite:///{db}") as store:
        store.upgrade()
    for name, value in {
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": "doctor-secret",
        "SLACK_API_URL": slack.base_url,
        "ANTHROPIC_API_KEY": "test-key",
        "ANTHROPIC_BASE_URL": model.base_url,
        "DATABASE_URL": f"sqlite:///{db}",
        "EDITOR_USER_IDS": "U0EDITOR",
        "PUBLISH_WEBHOOK_URL": "http://127.0.0.1:9/hooks/newsbot",
        "PUBLISH_WEBHOOK_SECRET": "whsec_c2VjcmV0c2VjcmV0c2VjcmV0",
    }.items():
        monkeypatch.setenv(name, value)
    return db


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_healthy_setup_passes_and_touches_nothing(
    env: Path, fakes: tuple[FakeSlackAPI, FakeAnthropic], capsys: pytest.CaptureFixture[str]
) -> None:
    slack, model = fakes
    size = env.stat().st_size
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "[ok]   Slack auth.test: workspace Newsroom, bot user @newsbot" in out
    assert "[ok]   Slack scopes: all 8 scopes granted" in out
    assert "[ok]   Model API: model claude-haiku-5-5 answers" in out
    assert "[ok]   Database: sqlite:///" in out and "is current" in out
    assert "[ok]   Webhook DNS: 127.0.0.1 → 127.0.0.1" in out
    assert "[warn] Webhook TLS: 127.0.0.1:9 is plain http" in out
    assert "0 failed" in out
    # Read-only: one auth.test, one token count, no completion, no database write.
    assert [c.method for c in slack.calls()] == ["auth.test"]
    assert [r.path for r in model.requests] == ["/v1/messages/count_tokens"]
    assert env.stat().st_size == size


def test_broken_setup_fails_with_a_fix_for_each_problem(
    env: Path,
    fakes: tuple[FakeSlackAPI, FakeAnthropic],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    slack, _model = fakes
    slack.scopes = ["chat:write", "commands"]
    missing_db = tmp_path / "nowhere.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{missing_db}")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", f"http://127.0.0.1:{_closed_port()}")
    monkeypatch.delenv("EDITOR_USER_IDS")
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "[FAIL] Slack scopes: missing channels:history, groups:history" in out
    assert "reinstall the app" in out
    assert "[FAIL] Model API: cannot reach" in out
    assert "fix: check network egress and ANTHROPIC_BASE_URL" in out
    assert "[FAIL] Database: " in out and "fix: run `newsbot db upgrade`" in out
    assert "[warn] Editors: no EDITOR_USER_IDS" in out
    assert "3 failed" in out
    assert not missing_db.exists()  # doctor never creates the database


def test_wrong_token_and_old_schema(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-revoked")
    empty = env.with_name("empty.db")
    Store(f"sqlite:///{empty}").ping()  # a database file without the schema
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{empty}")
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "[FAIL] Slack auth.test: Slack refused the token (invalid_auth)" in out
    assert "fix: reinstall the app to the workspace" in out
    assert "is at schema (empty)" in out


def test_webhook_dns_and_tls_failures(env: Path) -> None:
    settings = load_settings(publish_webhook_url="https://cms.example.invalid/hook")

    def no_dns(host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    [dns] = Doctor(settings, resolve=no_dns).webhook()
    assert dns.status == "fail" and "does not resolve" in dns.detail

    def bad_cert(address: str, port: int, name: str) -> str:
        error = ssl.SSLCertVerificationError("certificate verify failed")
        error.verify_message = "self-signed certificate"
        raise error

    checks = list(
        Doctor(settings, resolve=lambda h, p: ["192.0.2.7"], tls_probe=bad_cert).webhook()
    )
    assert [c.status for c in checks] == ["ok", "fail"]
    assert "self-signed certificate" in checks[1].detail
    assert checks[1].fix is not None and "certificate" in checks[1].fix
    good = Doctor(settings, resolve=lambda h, p: ["192.0.2.7"], tls_probe=lambda a, p, n: "TLSv1.3")
    assert [c.status for c in good.webhook()] == ["ok", "ok"]


def test_report_exit_code_counts_only_failures() -> None:
    sink = io.StringIO()
    assert report([Check("a", "ok", "x"), Check("b", "warn", "y", "do z")], out=sink) == 0
    assert "fix: do z" in sink.getvalue()
    assert report([Check("a", "fail", "x", "fix it")], out=sink) == 1
