"""``newsbot serve`` / ``socket`` fail fast: every missing variable named at once, and a wrong
``SLACK_API_URL`` or refused ``SLACK_BOT_TOKEN`` named in one sentence before anything serves."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import EXIT_CONFIG, main
from bot.settings import load_settings
from bot.slack.app import build_app, build_services
from bot.store import Store
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.static_http import StaticHTTP

GOOD_TOKEN = "xoxb-serve-config"


def _dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_names_every_missing_variable(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert "SLACK_BOT_TOKEN" in err
    assert "SLACK_SIGNING_SECRET" in err
    assert "ANTHROPIC_API_KEY" in err
    assert "Traceback" not in err


def test_socket_needs_the_app_token(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SUMMARY_FALLBACK_ENGINE", "extractive")
    assert main(["socket"]) == 2
    err = capsys.readouterr().err
    assert "SLACK_APP_TOKEN" in err
    assert "ANTHROPIC_API_KEY" not in err  # the offline engine serves without a key


def test_invalid_values_are_named(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORT", "99999")
    monkeypatch.setenv("PUBLISH_WEBHOOK_URL", "https://cms.example/hook")
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert "PORT" in err
    assert "PUBLISH_WEBHOOK_SECRET" in err


# --- Slack at start: one auth.test before anything is served ------------------------------------


@pytest.fixture
def slack() -> Iterator[FakeSlackAPI]:
    with FakeSlackAPI(token=GOOD_TOKEN) as fake:
        yield fake


@pytest.fixture
def bot_env(monkeypatch: pytest.MonkeyPatch, slack: FakeSlackAPI) -> None:
    for name, value in {
        "SLACK_BOT_TOKEN": GOOD_TOKEN,
        "SLACK_SIGNING_SECRET": "serve-config-secret",
        "SLACK_APP_TOKEN": "xapp-serve-config",
        "SLACK_API_URL": slack.base_url,
        "SLACK_MAX_RETRIES": "0",
        "SUMMARY_FALLBACK_ENGINE": "extractive",
    }.items():
        monkeypatch.setenv(name, value)


def _refused(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run ``args``; it must end with exit 2 and one sentence, without a traceback."""
    code = main(args)
    captured = capsys.readouterr()
    assert code == EXIT_CONFIG
    assert "Traceback" not in captured.err + captured.out
    assert "Something went wrong" not in captured.err
    return captured.err.strip().splitlines()[-1]


@pytest.mark.parametrize("command", ["serve", "socket"])
def test_a_refused_token_names_slack_bot_token(
    command: str,
    bot_env: None,
    slack: FakeSlackAPI,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-wrong")
    sentence = _refused([command, "--port", "0"] if command == "serve" else [command], capsys)
    assert sentence == (
        "Slack refused SLACK_BOT_TOKEN (invalid_auth). Copy the Bot User OAuth Token (xoxb-…) "
        "from the app's OAuth & Permissions page, reinstalling the app if it was revoked."
    )
    assert [c.method for c in slack.calls()] == ["auth.test"]  # nothing else was tried


@pytest.mark.parametrize("error", ["account_inactive", "token_revoked", "not_authed"])
def test_every_token_error_names_the_token(
    error: str, bot_env: None, slack: FakeSlackAPI, capsys: pytest.CaptureFixture[str]
) -> None:
    slack.fail("auth.test", error)
    sentence = _refused(["serve", "--port", "0"], capsys)
    assert sentence.startswith(f"Slack refused SLACK_BOT_TOKEN ({error}).")


def test_another_slack_error_is_named_too(
    bot_env: None, slack: FakeSlackAPI, capsys: pytest.CaptureFixture[str]
) -> None:
    slack.fail("auth.test", "fatal_error", status=500)
    sentence = _refused(["serve", "--port", "0"], capsys)
    assert sentence.startswith("Slack answered auth.test with fatal_error")
    assert "SLACK_BOT_TOKEN and SLACK_API_URL" in sentence


@pytest.mark.parametrize("command", ["serve", "socket"])
def test_nothing_answering_at_slack_api_url(
    command: str, bot_env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    dead = f"http://127.0.0.1:{_dead_port()}/api/"
    monkeypatch.setenv("SLACK_API_URL", dead)
    sentence = _refused([command, "--port", "0"] if command == "serve" else [command], capsys)
    assert sentence == (
        f"No Slack Web API answers at {dead}. Check SLACK_API_URL (normally "
        "https://slack.com/api/) and this machine's network."
    )


@pytest.mark.parametrize(
    "answer",
    [
        (200, b"<html>CMS</html>", "text/html"),
        (404, b"Not Found", "text/plain"),
        (200, b"{}", "application/json"),
    ],
)
def test_a_server_that_is_not_slack(
    answer: tuple[int, bytes, str],
    bot_env: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with StaticHTTP(*answer) as other:
        monkeypatch.setenv("SLACK_API_URL", other.url + "/api/")
        sentence = _refused(["serve", "--port", "0"], capsys)
    assert sentence.startswith(f"No Slack Web API answers at {other.url}/api/.")
    assert other.paths == ["/api/auth.test"]


def test_bolt_does_not_warn_that_the_token_is_unused(
    bot_env: None,
    slack: FakeSlackAPI,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Bolt reads SLACK_BOT_TOKEN from the environment itself (set by bot_env).
    settings = load_settings(database_url=f"sqlite:///{tmp_path / 'warn.db'}")
    with Store.from_settings(settings) as store, caplog.at_level(logging.INFO):
        store.upgrade()
        app = build_app(build_services(settings, store=store))
    assert app.client.token == GOOD_TOKEN
    assert not [r for r in caplog.records if "will be unused" in r.getMessage()]
    assert [r.getMessage() for r in caplog.records if r.name.startswith("slack_bolt")] == []


# --- OAuth mode (many workspaces) ---------------------------------------------------------------


def test_a_bot_token_and_a_client_id_are_refused_in_one_sentence(
    bot_env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SLACK_CLIENT_ID", FakeSlackAPI.client_id)
    monkeypatch.setenv("SLACK_CLIENT_SECRET", FakeSlackAPI.client_secret)
    sentence = _refused(["serve", "--port", "0"], capsys)
    assert "SLACK_BOT_TOKEN and SLACK_CLIENT_ID exclude each other" in sentence


def test_oauth_mode_names_every_missing_piece(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SLACK_CLIENT_ID", FakeSlackAPI.client_id)
    sentence = _refused(["serve", "--port", "0"], capsys)
    for name in ("SLACK_CLIENT_SECRET", "SLACK_SIGNING_SECRET", "ANTHROPIC_API_KEY"):
        assert name in sentence
    assert "SLACK_BOT_TOKEN" not in sentence


def test_socket_mode_stays_single_workspace(
    bot_env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("SLACK_BOT_TOKEN")
    monkeypatch.setenv("SLACK_CLIENT_ID", FakeSlackAPI.client_id)
    monkeypatch.setenv("SLACK_CLIENT_SECRET", FakeSlackAPI.client_secret)
    assert "needs `newsbot serve`" in _refused(["socket"], capsys)


def test_oauth_mode_starts_without_auth_test_and_serves_the_install_page(
    bot_env: None, slack: FakeSlackAPI, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from bot.cli.serve import _connected_services
    from bot.server import Router

    monkeypatch.delenv("SLACK_BOT_TOKEN")
    monkeypatch.setenv("SLACK_CLIENT_ID", FakeSlackAPI.client_id)
    monkeypatch.setenv("SLACK_CLIENT_SECRET", FakeSlackAPI.client_secret)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'oauth.db'}")
    settings = load_settings().require_slack("slack_signing_secret")
    services = _connected_services(settings)
    try:
        assert slack.calls() == []  # no token to prove: no auth.test
        router = Router(build_app(services), services.store.ping)
        answers: list[str] = []
        environ = {"PATH_INFO": "/slack/install", "REQUEST_METHOD": "GET", "QUERY_STRING": ""}
        environ |= {"wsgi.url_scheme": "http", "SERVER_PROTOCOL": "HTTP/1.1"}
        body = b"".join(router(environ, lambda status, headers: answers.append(status)))
        assert answers == ["200 OK"] and b"slack.com/oauth/v2/authorize" in body
    finally:
        services.store.close()


def test_single_token_mode_has_no_install_pages(bot_env: None, tmp_path: Path) -> None:
    from bot.server import Router

    settings = load_settings(database_url=f"sqlite:///{tmp_path / 'one.db'}")
    with Store.from_settings(settings) as store:
        store.upgrade()
        services = build_services(settings, store=store)
        router = Router(build_app(services, token_verification_enabled=False), store.ping)
        answers: list[str] = []
        environ = {"PATH_INFO": "/slack/install", "REQUEST_METHOD": "GET"}
        list(router(environ, lambda status, headers: answers.append(status)))
        assert answers == ["404 Not Found"]
