"""Settings: typed, read once, failing with one message that names every problem."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.settings import ConfigError, Settings, load_settings


def test_defaults_need_no_secrets() -> None:
    s = load_settings()
    assert s.database_url == "sqlite:///newsbot.db"
    assert s.slack_api_url == "https://slack.com/api/"
    assert s.port == 3000
    assert s.bot_language == "en"
    assert s.fetch_allowed_ports == [80, 443]
    assert s.max_links_per_message == 5
    assert s.summary_bullets == 3


def test_comma_separated_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDITOR_USER_IDS", " U1, U2 ,,U3 ")
    monkeypatch.setenv("FETCH_ALLOWED_DOMAINS", "Tagesschau.DE, *.zeit.de")
    monkeypatch.setenv("FETCH_ALLOWED_PORTS", "80,443,8080")
    s = load_settings()
    assert s.editor_user_ids == ["U1", "U2", "U3"]
    assert s.fetch_allowed_domains == ["tagesschau.de", "zeit.de"]
    assert s.fetch_allowed_ports == [80, 443, 8080]


def test_require_names_every_missing_variable() -> None:
    s = load_settings()
    with pytest.raises(ConfigError) as info:
        s.require("slack_bot_token", "slack_signing_secret", "database_url")
    message = str(info.value)
    assert "SLACK_BOT_TOKEN" in message
    assert "SLACK_SIGNING_SECRET" in message
    assert "DATABASE_URL" not in message


def test_invalid_values_are_all_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "not-a-port")
    monkeypatch.setenv("BOT_LANGUAGE", "fr")
    monkeypatch.setenv("SUMMARY_BULLETS", "9")
    with pytest.raises(ConfigError) as info:
        load_settings()
    message = str(info.value)
    for name in ("PORT", "BOT_LANGUAGE", "SUMMARY_BULLETS"):
        assert name in message


def test_webhook_url_requires_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUBLISH_WEBHOOK_URL", "https://cms.example/hook")
    with pytest.raises(ConfigError, match="PUBLISH_WEBHOOK_SECRET"):
        load_settings()
    monkeypatch.setenv("PUBLISH_WEBHOOK_SECRET", "not-whsec")
    with pytest.raises(ConfigError, match="whsec_"):
        load_settings()
    rotated = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw whsec_c2VjcmV0"
    monkeypatch.setenv("PUBLISH_WEBHOOK_SECRET", rotated)
    assert load_settings().publish_webhook_secret is not None


def test_secrets_never_appear_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-very-secret")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-very-secret")
    s = load_settings()
    assert "very-secret" not in repr(s)
    assert "very-secret" not in str(s.model_dump())
    assert s.slack_bot_token is not None
    assert s.slack_bot_token.get_secret_value() == "xoxb-very-secret"


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    # conftest chdirs into tmp_path, so .env here is the one the settings read.
    (tmp_path / ".env").write_text("BOT_LANGUAGE=de\nLOG_FORMAT=JSON\n", encoding="utf-8")
    s = load_settings()
    assert s.bot_language == "de"
    assert s.log_format == "json"


def test_empty_effort_means_not_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMMARY_EFFORT", "")
    assert load_settings().summary_effort is None
    monkeypatch.setenv("SUMMARY_EFFORT", "HIGH")
    assert load_settings().summary_effort == "high"


ENV_EXAMPLE = Path(__file__).parents[1] / ".env.example"


def test_env_example_names_only_real_settings_and_the_first_week_ones() -> None:
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    named = re.findall(r"^(?:# )?([A-Z][A-Z0-9_]+)=", text, re.MULTILINE)
    fields = {name.upper() for name in Settings.model_fields}
    assert set(named) <= fields
    first_week = {
        "SUMMARY_HEADING",
        "SUMMARY_DISCLAIMER",
        "SUMMARY_EXTRACTIVE_DISCLAIMER",
        "SUMMARY_FALLBACK_ENGINE",
        "SLACK_CHANNEL_ALLOWLIST",
        "EDITOR_USER_IDS",
        "PUBLISH_WEBHOOK_URL",
        "BOT_LANGUAGE",
    }
    assert first_week <= set(named)


def test_env_example_loads_as_is_and_with_every_example_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    (tmp_path / ".env").write_text(text, encoding="utf-8")
    assert load_settings().slack_bot_token is not None
    # Every commented example, switched on (the last of repeated ones wins), is valid too.
    (tmp_path / ".env").write_text(
        re.sub(r"^# ([A-Z][A-Z0-9_]+=)", r"\1", text, flags=re.MULTILINE), encoding="utf-8"
    )
    settings = load_settings()
    assert settings.summary_fallback_engine == "extractive"
    assert settings.slack_channel_allowlist == ["C0123ABCDEF", "C0456GHIJKL"]


def test_summary_workers_are_sized_for_model_latency(monkeypatch: pytest.MonkeyPatch) -> None:
    # Workers mostly wait on the model: 16 per process keep 40 links at 3 s each within 15 s.
    assert load_settings().worker_threads == 16
    monkeypatch.setenv("WORKER_THREADS", "0")
    with pytest.raises(ConfigError, match="WORKER_THREADS"):
        load_settings()
