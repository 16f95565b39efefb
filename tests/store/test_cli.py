"""``newsbot db upgrade`` / ``newsbot db current``."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from bot.cli import db
from bot.cli.errors import DatabaseMissing
from bot.settings import load_settings
from bot.store import Store
from bot.store.migrate import head_revision


def run(argv: list[str], database_url: str) -> int:
    parser = argparse.ArgumentParser(prog="newsbot")
    db.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    code: int = args.handler(args, load_settings(database_url=database_url))
    return code


def test_db_upgrade_from_any_directory(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The suite runs in a scratch directory without alembic.ini: the config lives in code.
    assert not (Path.cwd() / "alembic.ini").exists()
    if db_url.startswith("sqlite"):
        # `db current` only reads: it says there is no database instead of creating the file.
        with pytest.raises(DatabaseMissing):
            run(["db", "current"], db_url)
    else:
        assert run(["db", "current"], db_url) == 1
        assert "(empty)" in capsys.readouterr().out

    assert run(["db", "upgrade"], db_url) == 0
    out = capsys.readouterr().out
    assert f"is at revision {head_revision()}" in out
    assert run(["db", "upgrade"], db_url) == 0  # every release runs it again
    capsys.readouterr()

    assert run(["db", "current"], db_url) == 0
    assert "up to date" in capsys.readouterr().out
    with Store(db_url) as store:
        assert store.is_current()


@pytest.mark.postgres
def test_db_upgrade_never_prints_the_password(
    pg_schema_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url = pg_schema_url.replace("postgres@", "postgres:not-needed-secret@")
    assert run(["db", "upgrade"], url) == 0  # trust auth ignores the password
    assert "not-needed-secret" not in capsys.readouterr().out


def test_db_needs_an_action() -> None:
    with pytest.raises(SystemExit):
        run(["db"], "sqlite:///x.db")
