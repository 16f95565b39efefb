"""Each draft keeps the desk chosen at intake (migration 0007), on SQLite and PostgreSQL;
drafts from before the migration read as of no desk (the global one)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from bot.store import Store
from bot.store.engine import WRITE_OPTION
from bot.store.migrate import alembic_config, head_revision
from bot.store.records import DraftRequest
from tests.store.helpers import new_draft


def test_the_desk_is_stored_with_the_draft_and_read_back(store: Store) -> None:
    created = store.create_draft(
        team_id="T1",
        channel="C0POL",
        message_ts="1.1",
        url="https://news.example/a",
        reporter_id="U1",
        desk="politik",
    )
    assert created.draft.desk == "politik"
    stored = store.get_draft(created.draft.id)
    assert stored is not None and stored.desk == "politik"


def test_group_commit_keeps_each_drafts_desk(store: Store) -> None:
    requests = [
        DraftRequest("T1", "C0POL", "2.1", "https://news.example/p", "U1", desk="politik"),
        DraftRequest("T1", "C0SPORT", "2.2", "https://news.example/s", "U1", desk="sport"),
        DraftRequest("T1", "C0ELSE", "2.3", "https://news.example/e", "U1"),
    ]
    results = store.create_drafts(requests)
    assert [r.draft.desk for r in results] == ["politik", "sport", None]
    # A redelivery finds the draft as recorded, desk and all.
    again = store.create_drafts([requests[0]])
    assert not again[0].created and again[0].draft.desk == "politik"


def test_drafts_from_before_0010_have_no_desk(db_url: str) -> None:
    with Store(db_url) as store:
        store.upgrade()
        with store._engine.connect() as conn:
            conn.execution_options(**{WRITE_OPTION: True})
            with conn.begin():
                command.downgrade(alembic_config(conn), "0009")
                conn.execute(
                    text(
                        "INSERT INTO drafts (id, team_id, channel, message_ts, thread_ts, "
                        "reporter_id, url, url_key, source, state, attempts, version, "
                        "created_at, updated_at) VALUES ('old1', 'T1', 'C1', '1.1', '1.1', "
                        "'U1', 'https://news.example/old', 'k', 'message', 'queued', 0, 1, "
                        "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                    )
                )
        assert store.upgrade() == head_revision()
        old = store.get_draft("old1")
        assert old is not None and old.desk is None
        assert new_draft(store).desk is None
