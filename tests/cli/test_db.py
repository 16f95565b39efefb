"""``newsbot db recount``: the state counts behind /metrics, rebuilt from the tables."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from bot.cli import main
from bot.store import Store


def test_recount_repairs_counts_changed_behind_the_stores_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'counts.db'}"
    with Store(url) as store:
        store.upgrade()
        for ts in ("1.1", "1.2"):
            store.create_draft(
                team_id="T1", channel="C1", message_ts=ts, url="https://e.x/a", reporter_id="U1"
            )
        with store._write() as s:
            s.execute(text("UPDATE drafts SET state = 'failed' WHERE message_ts = '1.2'"))
        assert store.state_counts()["drafts"] == {"queued": 2}
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["db", "recount"]) == 0
    assert capsys.readouterr().out == "drafts: failed 1, queued 1\ndeliveries: none\n"
    with Store(url) as store:
        assert store.state_counts()["drafts"] == {"failed": 1, "queued": 1}
