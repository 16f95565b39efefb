"""A broken desks file stops ``serve``, ``socket`` and ``summarize`` before anything starts:
one sentence per problem on stderr, exit 2, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import EXIT_CONFIG, main


@pytest.mark.parametrize("command", [["serve"], ["socket"], ["summarize", "x.html"]])
def test_a_broken_desks_file_stops_the_command(
    command: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    desks = tmp_path / "desks.toml"
    desks.write_text(
        '[desks.a]\nchannels = ["C0ONE"]\ncolour = "red"\n\n[desks.b]\nchannels = ["C0ONE"]\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("DESKS_FILE", str(desks))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'never.db'}")
    assert main(command) == EXIT_CONFIG
    err = capsys.readouterr().err
    assert err.splitlines() == [
        'newsbot: desks.toml: desk "a", key "colour": is not a desk setting; the settings are '
        "channels, language, style, bullets, words_per_bullet, heading, disclaimer, editors, "
        "editor_usergroup, webhook_url, webhook_secret_env, fields."
    ]
    assert "Traceback" not in err
    assert not (tmp_path / "never.db").exists()  # nothing started


def test_a_missing_desks_file_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "desks.toml"
    monkeypatch.setenv("DESKS_FILE", str(missing))
    assert main(["serve"]) == EXIT_CONFIG
    assert capsys.readouterr().err == (
        f"newsbot: desks.toml: the desks file (DESKS_FILE={missing}) does not exist.\n"
    )
