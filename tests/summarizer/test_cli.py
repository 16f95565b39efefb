"""``newsbot summarize``: the text a reporter reads, ``--json``, ``--engine``, failures."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

import bot.cli
from bot.cli import extract, summarize
from tests.fakes.anthropic_api import FakeAnthropic, Reply
from tests.fakes.static_http import StaticHTTP
from tests.summarizer.conftest import ENGLISH_BULLETS, FIXTURES, SEED_BULLETS


def _dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, fake: FakeAnthropic) -> FakeAnthropic:
    """``newsbot`` with the summarize command registered and Claude pointed at the fake."""
    monkeypatch.setattr(bot.cli, "COMMANDS", (extract, summarize))
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.base_url)
    monkeypatch.setenv("ANTHROPIC_MAX_ATTEMPTS", "1")
    monkeypatch.setenv("LOG_LEVEL", "error")
    return fake


@pytest.fixture
def seed_file(tmp_path: Path) -> Path:
    path = tmp_path / "seed-article.txt"
    path.write_text((FIXTURES / "seed-article.txt").read_text(encoding="utf-8"), encoding="utf-8")
    return path


def test_prints_heading_bullets_disclaimer_warnings_evidence_and_cost(
    cli: FakeAnthropic, seed_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bullets = [*SEED_BULLETS[:2], "Zur Parade kommen 30 Staatschefs. Bleiben Sie dran!"]
    cli.script(Reply.summary(bullets))
    assert bot.cli.main(["summarize", str(seed_file)]) == 0

    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "Zusammenfassung"
    assert f"• {SEED_BULLETS[0]}" in lines
    assert "Diese Zusammenfassung wurde mit Hilfe künstlicher Intelligenz erstellt" in out
    assert "WARNINGS – check before approving:" in out
    assert "  ⚠ bullet 3: Number not found in the article: 30" in lines
    assert "  ⚠ bullet 3: Looks like chatbot wording or formatting: Bleiben Sie dran" in lines
    assert "Evidence (best supporting sentence per bullet" in out
    assert "Model claude-haiku-5-5, prompt " in out
    assert "estimated cost $0.0" in out


def test_json_prints_the_structured_draft_with_checks(
    cli: FakeAnthropic, seed_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cli.script(Reply.summary([*SEED_BULLETS[:2], "Es kamen 30 Staatschefs."]))
    assert bot.cli.main(["summarize", str(seed_file), "--json"]) == 0

    draft = json.loads(capsys.readouterr().out)
    assert draft["bullets"][:2] == list(SEED_BULLETS[:2])
    assert draft["engine"] == "claude" and draft["ai_generated"] is True
    assert draft["checks"] == [
        {"kind": "number", "bullet": 2, "text": "30", "message_key": "check.number", "params": {}}
    ]
    assert draft["usage"]["model"] == "claude-haiku-5-5"
    assert len(draft["evidence"]) == 3


def test_extractive_engine_needs_no_key_and_says_it_is_not_ai(
    monkeypatch: pytest.MonkeyPatch, seed_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(bot.cli, "COMMANDS", (extract, summarize))
    assert bot.cli.main(["summarize", str(seed_file), "--engine", "extractive"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Extractive draft: the article's first sentences, not written by AI.")
    assert "• Chinas Staatschef Xi Jinping" in out
    assert "nicht von einer KI" in out


def test_missing_key_exits_with_one_line(
    monkeypatch: pytest.MonkeyPatch, seed_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(bot.cli, "COMMANDS", (extract, summarize))
    assert bot.cli.main(["summarize", str(seed_file)]) == bot.cli.EXIT_CONFIG
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["newsbot: missing required setting(s): ANTHROPIC_API_KEY"]


def test_model_failure_exits_with_one_sentence(
    cli: FakeAnthropic, seed_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cli.script(Reply.refusal(), Reply.refusal())
    assert bot.cli.main(["summarize", str(seed_file)]) == bot.cli.EXIT_REFUSED
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == (
        "The AI model declined to summarize this article. Please write the summary by hand."
    )


def test_missing_file_exits_with_one_sentence(
    cli: FakeAnthropic, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert bot.cli.main(["summarize", str(tmp_path / "nope.txt")]) == bot.cli.EXIT_REFUSED
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
    assert cli.requests == []


# --- the heading and disclaimer follow the summary's language -----------------------------------


@pytest.fixture
def english_file(tmp_path: Path) -> Path:
    path = tmp_path / "english-article.txt"
    path.write_text(
        (FIXTURES / "english-article.txt").read_text(encoding="utf-8"), encoding="utf-8"
    )
    return path


def test_an_english_article_gets_an_english_heading_and_disclaimer(
    cli: FakeAnthropic, english_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cli.script(Reply.summary(list(ENGLISH_BULLETS), language="en"))
    assert bot.cli.main(["summarize", str(english_file)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "Summary"
    assert (
        "This summary was written with the help of artificial intelligence and checked by the "
        "newsroom." in lines
    )
    assert "Zusammenfassung" not in out and "künstlicher" not in out


def test_summary_heading_and_disclaimer_settings_still_win(
    cli: FakeAnthropic,
    english_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SUMMARY_HEADING", "In brief")
    monkeypatch.setenv("SUMMARY_DISCLAIMER", "AI-assisted, edited by humans.")
    cli.script(Reply.summary(list(ENGLISH_BULLETS), language="en"))
    assert bot.cli.main(["summarize", str(english_file), "--json"]) == 0
    draft = json.loads(capsys.readouterr().out)
    assert draft["heading"] == "In brief"
    assert draft["disclaimer"] == "AI-assisted, edited by humans."


def test_an_english_extractive_draft_says_so_in_english(
    monkeypatch: pytest.MonkeyPatch, english_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(bot.cli, "COMMANDS", (extract, summarize))
    assert bot.cli.main(["summarize", str(english_file), "--engine", "extractive"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[2] == "Summary"
    assert "Put together automatically from the article's first sentences, not by an AI." in lines


# --- SUMMARY_FALLBACK_ENGINE applies on the command line too ------------------------------------


def test_the_fallback_engine_applies_when_the_model_is_overloaded(
    cli: FakeAnthropic,
    seed_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SUMMARY_FALLBACK_ENGINE", "extractive")
    cli.script(Reply.error(529))
    assert bot.cli.main(["summarize", str(seed_file)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Extractive draft: the article's first sentences, not written by AI.")
    assert "• Chinas Staatschef Xi Jinping" in out
    assert len(cli.message_requests) == 1  # Claude was asked first


def test_the_fallback_engine_applies_when_the_model_is_unreachable(
    cli: FakeAnthropic,
    seed_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SUMMARY_FALLBACK_ENGINE", "extractive")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", f"http://127.0.0.1:{_dead_port()}")
    assert bot.cli.main(["summarize", str(seed_file), "--json"]) == 0
    draft = json.loads(capsys.readouterr().out)
    assert draft["engine"] == "extractive" and draft["ai_generated"] is False


def test_an_explicit_engine_claude_does_not_fall_back(
    cli: FakeAnthropic,
    seed_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SUMMARY_FALLBACK_ENGINE", "extractive")
    cli.script(Reply.error(529))
    assert bot.cli.main(["summarize", str(seed_file), "--engine", "claude"]) == 1
    assert capsys.readouterr().err.strip() == (
        "The AI service is busy or unreachable right now. Try again in a few minutes."
    )


# --- ANTHROPIC_BASE_URL that answers, but is not the Messages API -------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        (200, b"<!doctype html><html><body>Our CMS</body></html>", "text/html"),
        (200, b"{}", "application/json"),
        (200, b"[]", "application/json"),
        (404, b"<html>404 Not Found</html>", "text/html"),
        (405, b'{"detail": "Method Not Allowed"}', "application/json"),
    ],
)
def test_a_base_url_that_is_not_the_messages_api_gets_one_sentence(
    answer: tuple[int, bytes, str],
    cli: FakeAnthropic,
    seed_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ANTHROPIC_MAX_ATTEMPTS", "4")
    with StaticHTTP(*answer) as other:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", other.url)
        assert bot.cli.main(["summarize", str(seed_file)]) == bot.cli.EXIT_REFUSED
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == (
        "Summaries aren't working: the server at ANTHROPIC_BASE_URL answers, but not as the "
        "Claude Messages API. An administrator needs to correct ANTHROPIC_BASE_URL (its root, "
        "without /v1) or unset it to use Anthropic's API."
    )
    assert "Traceback" not in captured.err and "AttributeError" not in captured.err
    assert other.paths == ["/v1/messages"]  # a configuration error: never retried


def test_summary_fields_are_printed_and_their_checks_name_the_field(
    cli: FakeAnthropic,
    seed_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SUMMARY_FIELDS", "headline:70,teaser:300")
    cli.script(
        Reply.summary(
            SEED_BULLETS,
            headline="Kim reist zum 90. Jahrestag nach Peking",
            fields={"teaser": "Xi Jinping und Wladimir Putin haben in Peking Gespräche begonnen."},
        )
    )
    assert bot.cli.main(["summarize", str(seed_file)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "Headline: Kim reist zum 90. Jahrestag nach Peking" in lines
    assert "Teaser: Xi Jinping und Wladimir Putin haben in Peking Gespräche begonnen." in lines
    assert any(
        line.startswith("  ⚠ Headline: Number not found in the article: 90") for line in lines
    )

    cli.script(
        Reply.summary(SEED_BULLETS, headline="Xi und Putin in Peking", fields={"teaser": "T."})
    )
    assert bot.cli.main(["summarize", str(seed_file), "--json"]) == 0
    draft = json.loads(capsys.readouterr().out)
    assert draft["fields"] == {"headline": "Xi und Putin in Peking", "teaser": "T."}
