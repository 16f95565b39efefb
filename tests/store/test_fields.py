"""Output fields (headline, teaser, …) persist with each revision: AI text, edits and
corrections, on SQLite and PostgreSQL; revisions from before migration 0006 read as none."""

from __future__ import annotations

from dataclasses import replace

from alembic import command
from sqlalchemy import text

from bot.store import Store
from bot.store.engine import WRITE_OPTION
from bot.store.migrate import alembic_config, head_revision
from tests.store.helpers import SETUP_WORKER, ai_revision, article, claim_this, draft_in, new_draft

FIELDS = {
    "social": "Der Haushalt ist beschlossen.",
    "headline": "Bundestag beschließt Haushalt",
    "seo_description": "Haushalt 2025: der Bundestag stimmt zu",
    "teaser": "Der Bundestag hat den Haushalt beschlossen. Die Opposition will klagen.",
}
ORDER = ["headline", "teaser", "seo_description", "social"]


def test_ai_fields_are_stored_and_read_back_in_canonical_order(store: Store) -> None:
    draft = claim_this(store, new_draft(store))
    outcome = store.complete(
        draft.id, SETUP_WORKER, replace(ai_revision(), fields=FIELDS), article=article()
    )
    assert outcome.won and outcome.revision is not None
    assert list(outcome.revision.fields) == ORDER  # JSONB keeps no key order; we do
    stored = store.get_revision(draft.id)
    assert stored is not None and dict(stored.fields) == FIELDS
    assert list(stored.fields) == ORDER


def test_an_edit_stores_its_fields_and_the_ai_revision_keeps_its_own(store: Store) -> None:
    ready = draft_in(store, "ready")
    edited = {"headline": "Haushalt steht", "teaser": "Neu geschrieben."}
    outcome = store.edit(
        ready.id, editor_id="U_EDITOR", base_revision=1, bullets=["Eins."], fields=edited
    )
    assert outcome.won and outcome.revision is not None
    assert dict(outcome.revision.fields) == edited
    first, second = store.get_revision(ready.id, 1), store.get_revision(ready.id, 2)
    assert first is not None and dict(first.fields) == {}  # written without fields
    assert second is not None and dict(second.fields) == edited


def test_a_correction_of_published_text_stores_its_fields(store: Store) -> None:
    published = draft_in(store, "published")
    outcome = store.correct(
        published.id,
        editor_id="U_EDITOR",
        base_revision=1,
        bullets=["Korrigiert."],
        fields={"headline": "Korrigierte Schlagzeile"},
    )
    assert outcome.won and outcome.draft is not None and outcome.draft.state == "ready"
    current = store.get_revision(published.id)
    assert current is not None and dict(current.fields) == {"headline": "Korrigierte Schlagzeile"}


def test_empty_fields_are_stored_as_null(store: Store) -> None:
    ready = draft_in(store, "ready")
    store.edit(ready.id, editor_id="U_EDITOR", base_revision=1, bullets=["A."], fields={})
    with store._engine.connect() as conn:
        values = conn.execute(
            text("SELECT fields FROM revisions WHERE draft_id = :id ORDER BY number"),
            {"id": ready.id},
        ).scalars()
        assert list(values) == [None, None]


def test_revisions_from_before_0006_read_as_without_fields(db_url: str) -> None:
    with Store(db_url) as store:
        store.upgrade()
        # The draft first: the current model reads drafts' later columns (0007: desk).
        old = claim_this(store, new_draft(store))
        with store._engine.connect() as conn:
            conn.execution_options(**{WRITE_OPTION: True})
            with conn.begin():
                command.downgrade(alembic_config(conn), "0005")
        # A revision written by the old schema, without the column.
        with store._engine.connect() as conn:
            conn.execution_options(**{WRITE_OPTION: True})
            with conn.begin():
                conn.execute(
                    text(
                        "INSERT INTO revisions (draft_id, number, kind, bullets, author, "
                        "created_at) VALUES (:id, 1, 'ai', '[\"Alt.\"]', 'claude', "
                        "CURRENT_TIMESTAMP)"
                    ),
                    {"id": old.id},
                )
        assert store.upgrade() == head_revision()
        revision = store.get_revision(old.id, 1)
    assert revision is not None and revision.bullets == ("Alt.",)
    assert dict(revision.fields) == {}
