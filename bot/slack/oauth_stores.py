"""slack_sdk's SQLAlchemy installation and OAuth state stores on the project's database (OAuth
mode only; imported lazily: slack_sdk's module pulls in ``sqlalchemy.ext.asyncio``).

The tables come from migration ``0007_oauth``, never from ``create_tables``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import delete

from bot.logs import get_logger
from bot.store import Store

log = get_logger(__name__)


class DatabaseInstallationStore(SQLAlchemyInstallationStore):
    """slack_sdk's SQLAlchemy installation store on the project's database: reads on the read
    engine, every write (save, rotation, delete) on the write engine (SQLite: ``BEGIN
    IMMEDIATE``, so a read-then-write never meets a busy database half way)."""

    def __init__(self, client_id: str, store: Store) -> None:
        super().__init__(client_id, store.engine)
        self._writer = SQLAlchemyInstallationStore(client_id, store.write_engine)
        # Told (team_id, enterprise_id) after an install was saved (SlackClients.forget).
        self.on_saved: Callable[[str | None, str | None], None] | None = None

    def create_tables(self) -> None:
        raise RuntimeError("the tables come from the migrations: run `newsbot db upgrade`")

    def save(self, installation: Installation) -> None:
        self._writer.save(installation)
        log.info(
            "workspace.installed",
            team=installation.team_id,
            enterprise=installation.enterprise_id,
            org_wide=installation.is_enterprise_install,
            rotating=installation.bot_refresh_token is not None,
        )
        if self.on_saved is not None:
            self.on_saved(installation.team_id, installation.enterprise_id)

    def save_bot(self, bot: Bot) -> None:
        self._writer.save_bot(bot)

    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self._writer.delete_bot(enterprise_id=enterprise_id, team_id=team_id)

    def delete_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
    ) -> None:
        self._writer.delete_installation(
            enterprise_id=enterprise_id, team_id=team_id, user_id=user_id
        )


class DatabaseStateStore(SQLAlchemyOAuthStateStore):
    """slack_sdk's SQLAlchemy OAuth state store, with a consume that is one ``DELETE``: of two
    callbacks racing with the same state (two processes), exactly one wins. Issuing a state
    also removes the expired ones."""

    def __init__(self, expiration_seconds: int, store: Store) -> None:
        super().__init__(expiration_seconds, store.write_engine)

    def create_tables(self) -> None:
        raise RuntimeError("the tables come from the migrations: run `newsbot db upgrade`")

    def issue(self, *args: Any, **kwargs: Any) -> str:
        with self.engine.begin() as conn:
            conn.execute(delete(self.oauth_states).where(self.oauth_states.c.expire_at < _now()))
        return str(super().issue(*args, **kwargs))

    def consume(self, state: str) -> bool:
        c = self.oauth_states.c
        with self.engine.begin() as conn:
            result = conn.execute(
                delete(self.oauth_states).where(c.state == state, c.expire_at > _now())
            )
        consumed = result.rowcount == 1
        if not consumed:
            log.info("oauth.state_refused")
        return consumed


def _now() -> datetime:
    """Naive UTC, as slack_sdk stores its times (``normalize_datetime_for_db``)."""
    return datetime.now(UTC).replace(tzinfo=None)
