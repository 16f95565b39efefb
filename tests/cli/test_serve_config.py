"""``newsbot serve`` / ``socket`` fail fast, naming every missing variable at once."""

from __future__ import annotations

import pytest

from bot.cli import main


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
