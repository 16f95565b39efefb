"""``newsbot summarize``: the text a reporter reads, ``--json``, ``--engine``, failures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import bot.cli
from bot.cli import extract, summarize
from tests.fakes.anthropic_api import FakeAnthropic, Reply
from tests.summarizer.conftest import FIXTURES, SEED_BULLETS


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
