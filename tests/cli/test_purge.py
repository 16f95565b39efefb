"""``newsbot purge`` and the daily retention thread: old article text goes, the audit stays."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from bot.cli import main
from bot.domain import Article
from bot.metrics import Metrics
from bot.store import NewRevision, Store
from bot.workflow.retention import RetentionTask, purge
from tests.slack.conftest import wait_for
from tests.store.conftest import FakeClock

TEXT = "Der Stadtrat hat am Dienstag eine neue Bibliothek beschlossen. " * 10


def _summarized(store: Store, url: str) -> str:
    """A draft with article text and one AI revision; its id."""
    draft = store.create_draft(
        team_id="T1", channel="C1", message_ts=url[-4:], url=url, reporter_id="U1"
    ).draft
    claimed = store.claim_draft("w1", 60)
    assert claimed is not None and claimed.id == draft.id
    article = Article(url=url, final_url=url, title="Bibliothek", text=TEXT, language="de")
    assert store.save_article(draft.id, "w1", article)
    new = NewRevision(kind="ai", bullets=("Ein Punkt.",), author="m", engine="claude")
    assert store.complete(draft.id, "w1", new).won
    return draft.id


@pytest.fixture
def aged(tmp_path: Path) -> tuple[str, str, str]:
    """A database with a draft made 100 days ago and one made now; (url, old id, new id)."""
    url = f"sqlite:///{tmp_path / 'retention.db'}"
    clock = FakeClock()
    clock.advance(-100 * 86400)
    with Store(url, clock=clock) as store:
        store.upgrade()
        old = _summarized(store, "https://example.org/old-0001")
        clock.advance(100 * 86400)
        new = _summarized(store, "https://example.org/new-0002")
    return url, old, new


def _texts(url: str, *ids: str) -> list[bool]:
    """Whether each draft still has its article text."""
    with Store(url) as store:
        drafts = [store.get_draft(i) for i in ids]
    return [d is not None and d.article() is not None for d in drafts]


def test_purge_command_removes_old_article_text_and_keeps_the_audit(
    aged: tuple[str, str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, old, new = aged
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("RETENTION_DAYS", "90")
    with Store(url) as store:
        before = store.history(old)
    assert before is not None

    assert main(["purge"]) == 0
    out = capsys.readouterr().out
    assert "Removed the article text of 1 draft(s)" in out
    assert _texts(url, old, new) == [False, True]
    with Store(url) as store:
        after = store.history(old)
        draft = store.get_draft(old)
    assert after is not None and draft is not None
    assert [e.action for e in after.audit] == [e.action for e in before.audit]
    assert [r.bullets for r in after.revisions] == [("Ein Punkt.",)]
    assert draft.article_title == "Bibliothek"  # metadata stays, only the text goes

    # Again (or from a second process at the same moment): nothing left, nothing breaks.
    assert main(["purge"]) == 0
    assert "Removed the article text of 0 draft(s)" in capsys.readouterr().out


def test_purge_days_option_and_zero_keeps_everything(
    aged: tuple[str, str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, old, new = aged
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["purge", "--days", "0"]) == 0
    assert "kept" in capsys.readouterr().out
    assert _texts(url, old, new) == [True, True]
    assert main(["purge", "--days", "200"]) == 0
    assert _texts(url, old, new) == [True, True]


def test_purge_refuses_an_unmigrated_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    Store(url).ping()
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["purge"]) == 2
    assert "newsbot db upgrade" in capsys.readouterr().err


def test_daily_task_purges_soon_after_start_and_counts_it(aged: tuple[str, str, str]) -> None:
    url, old, new = aged
    metrics = Metrics()
    with Store(url) as store:
        task = RetentionTask(store, 90, metrics=metrics, first_delay_s=0, jitter=lambda: 0.0)
        task.start()
        try:
            wait_for(lambda: task.runs >= 1, message="the first purge")
        finally:
            task.stop()
    assert _texts(url, old, new) == [False, True]
    assert b"newsbot_articles_purged_total 1.0" in metrics.render()[0]


def test_two_tasks_at_once_purge_each_draft_once(aged: tuple[str, str, str]) -> None:
    url, old, new = aged
    results: list[int] = []
    with Store(url) as one, Store(url) as two:
        threads = [
            threading.Thread(target=lambda s=s: results.append(purge(s, 90).articles))
            for s in (one, two)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
    assert sorted(results) == [0, 1]
    assert _texts(url, old, new) == [False, True]
