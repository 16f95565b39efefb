"""The usual ``DATABASE_URL`` mistakes in ``db current``, ``audit``, ``purge``, ``db upgrade``
and ``serve``: one sentence naming DATABASE_URL (never its password), exit 2, no traceback,
and the read-only commands never create a SQLite file."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from bot.cli import EXIT_CONFIG, main

READ_ONLY = (["db", "current"], ["db", "recount"], ["audit"], ["purge"])
PASSWORD = "s3cret"


def _dead_port() -> int:
    """A loopback port nothing listens on (bound, then closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    captured = capsys.readouterr()
    everything = captured.out + captured.err
    assert "Traceback" not in everything
    assert "Something went wrong" not in everything
    return code, captured.err


def _serve_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-db-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "db-test-secret")
    monkeypatch.setenv("SUMMARY_FALLBACK_ENGINE", "extractive")


@pytest.mark.parametrize("args", [*READ_ONLY, ["db", "upgrade"], ["serve"]])
def test_an_unsupported_scheme_is_named(
    args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _serve_env(monkeypatch)
    monkeypatch.setenv("DATABASE_URL", f"mysql://newsbot:{PASSWORD}@db.example/newsbot")
    code, err = _run(args, capsys)
    assert code == EXIT_CONFIG
    assert err.strip().splitlines()[-1] == (
        "DATABASE_URL uses mysql://, which newsbot does not support. Use "
        "sqlite:///path/to/newsbot.db or postgresql://user:password@host:5432/database."
    )
    assert PASSWORD not in err


@pytest.mark.parametrize(
    "value",
    [f"newsbot:{PASSWORD}@localhost", "sqlite://", "sqlite:///:memory:", "sqlite+pysqlcipher:///x"],
)
def test_a_value_that_is_no_usable_url_is_named(
    value: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", value)
    code, err = _run(["db", "upgrade"], capsys)
    assert code == EXIT_CONFIG
    assert err.strip().splitlines()[-1] == (
        "DATABASE_URL is not a database URL. Use sqlite:///path/to/newsbot.db or "
        "postgresql://user:password@host:5432/database."
    )
    assert PASSWORD not in err


@pytest.mark.parametrize("args", [*READ_ONLY, ["db", "upgrade"], ["serve"]])
def test_a_server_where_nothing_answers(
    args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _serve_env(monkeypatch)
    port = _dead_port()
    monkeypatch.setenv("DATABASE_URL", f"postgresql://u:{PASSWORD}@127.0.0.1:{port}/x")
    monkeypatch.setenv("LOG_LEVEL", "debug")  # even the debug log keeps the password out
    code, err = _run(args, capsys)
    assert code == EXIT_CONFIG
    assert err.strip().splitlines()[-1] == (
        f"Nothing answers at the database server of DATABASE_URL "
        f"(postgresql+psycopg://u:***@127.0.0.1:{port}/x). Check the host and port, and that "
        "PostgreSQL is running and accepts connections from this machine."
    )
    assert PASSWORD not in err


@pytest.mark.parametrize("args", [*READ_ONLY, ["serve"]])
def test_a_database_that_does_not_exist_on_the_server(
    args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _serve_env(monkeypatch)
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/does_not_exist")
    code, err = _run(args, capsys)
    assert code == EXIT_CONFIG
    assert "has no database named does_not_exist" in err
    assert "`createdb does_not_exist`" in err


def test_a_refused_login(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(
        "DATABASE_URL", f"postgresql://no_such_role_i9:{PASSWORD}@127.0.0.1:5432/test"
    )
    code, err = _run(["audit"], capsys)
    assert code == EXIT_CONFIG
    assert "refused the login of DATABASE_URL" in err
    assert PASSWORD not in err


@pytest.mark.parametrize("args", READ_ONLY)
def test_read_only_commands_do_not_create_a_sqlite_file(
    args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The default DATABASE_URL (sqlite:///newsbot.db) in a folder without a database.
    code, err = _run(args, capsys)
    assert code == EXIT_CONFIG
    assert err.strip().splitlines()[-1] == (
        "There is no database yet at newsbot.db (DATABASE_URL). "
        "Run `newsbot db upgrade` to create it."
    )
    assert list(tmp_path.iterdir()) == []


def test_db_upgrade_creates_it_and_then_current_is_happy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "upgrade"]) == 0
    assert (tmp_path / "newsbot.db").exists()
    assert main(["db", "current"]) == 0
    assert "(up to date)" in capsys.readouterr().out


def test_a_sqlite_folder_that_does_not_exist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'no' / 'such' / 'folder.db'}")
    code, err = _run(["db", "upgrade"], capsys)
    assert code == EXIT_CONFIG
    assert "I can't open the database of DATABASE_URL" in err
    assert not (tmp_path / "no").exists()


def test_sentences_follow_bot_language(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BOT_LANGUAGE", "de")
    code, err = _run(["purge"], capsys)
    assert code == EXIT_CONFIG
    assert "Unter newsbot.db gibt es noch keine Datenbank (DATABASE_URL)" in err
