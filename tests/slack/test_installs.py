"""Workspaces' clients and installations (bot.slack.installs, bot.slack.oauth_stores): the
tables match slack_sdk's, the resolver is cached and thread-safe, states are used once, the
two modes exclude each other, and editors can be set per workspace."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData, Table

from bot.settings import MANIFEST_BOT_SCOPES, ConfigError, load_settings
from bot.slack.editors import EditorDirectory, per_workspace
from bot.slack.installs import NoInstallation, SlackClients
from bot.slack.oauth_stores import DatabaseInstallationStore, DatabaseStateStore
from bot.store import Store
from bot.store.models import Base
from tests.fakes.slack_api import FakeSlackAPI
from tests.store.conftest import db_url, pg_dsn, pg_schema_url

__all__ = ["db_url", "pg_dsn", "pg_schema_url"]  # fixtures: run on SQLite and PostgreSQL

CLIENT_ID = "1111.2222"


def _shape(table: Table) -> tuple[object, ...]:
    columns = sorted((c.name, repr(c.type), c.nullable, c.primary_key) for c in table.columns)
    indexes = sorted((i.name, tuple(c.name for c in i.columns)) for i in table.indexes)
    return tuple(columns), tuple(indexes)


@pytest.mark.parametrize(
    ("name", "build"),
    [
        ("slack_installations", SQLAlchemyInstallationStore.build_installations_table),
        ("slack_bots", SQLAlchemyInstallationStore.build_bots_table),
        ("slack_oauth_states", SQLAlchemyOAuthStateStore.build_oauth_states_table),
    ],
)
def test_our_tables_are_the_ones_slack_sdk_reads_and_writes(name: str, build: object) -> None:
    theirs = build(MetaData(), name)  # type: ignore[operator]
    assert _shape(Base.metadata.tables[name]) == _shape(theirs)


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """A migrated store on SQLite and on PostgreSQL (tests/store/conftest.py's fixtures)."""
    with Store(db_url) as db:
        db.upgrade()
        yield db


def installation(team_id: str | None, token: str, **extra: object) -> Installation:
    return Installation(
        app_id="A0NEWSBOT",
        team_id=team_id,
        bot_token=token,
        bot_id="B0" + (team_id or "ORG"),
        bot_user_id="U0BOT",
        bot_scopes="chat:write",
        user_id="U0ADMIN",
        **extra,  # type: ignore[arg-type]
    )


def clients_for(store: Store, **options: object) -> SlackClients:
    def factory(token: str | None) -> WebClient:
        return WebClient(token=token, base_url="http://127.0.0.1:9/api/")

    return SlackClients.oauth(
        factory,
        DatabaseInstallationStore(CLIENT_ID, store),
        client_id=CLIENT_ID,
        client_secret="secret",
        **options,  # type: ignore[arg-type]
    )


def test_each_workspace_gets_its_own_token_from_many_threads_with_one_lookup_each(
    store: Store,
) -> None:
    clients = clients_for(store)
    assert clients.installations is not None
    clients.installations.save(installation("T1", "xoxb-one"))
    clients.installations.save(installation("T2", "xoxb-two"))
    seen: list[tuple[str, str | None]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(24)

    def use(team: str) -> None:
        try:
            barrier.wait()
            for _ in range(20):
                seen.append((team, clients.for_team(team).token))
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=use, args=(f"T{1 + i % 2}",)) for i in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(seen) == 24 * 20
    assert {token for team, token in seen if team == "T1"} == {"xoxb-one"}
    assert {token for team, token in seen if team == "T2"} == {"xoxb-two"}
    assert clients.lookups == 2  # cached: one database lookup per workspace
    clients.installations.save(installation("T1", "xoxb-one-again"))  # a reinstall
    assert store.installed_workspaces() == 2
    assert clients.for_team("T1").token == "xoxb-one-again"


def test_an_unknown_or_removed_workspace_has_no_client(store: Store) -> None:
    clients = clients_for(store, cache_s=0.0)
    assert clients.installations is not None
    with pytest.raises(NoInstallation):
        clients.for_team("T9")
    clients.installations.save(installation("T9", "xoxb-nine"))  # a (re)install: cache dropped
    assert clients.for_team("T9").token == "xoxb-nine"
    clients.installations.delete_all(enterprise_id=None, team_id="T9")
    clients.forget("T9")
    with pytest.raises(NoInstallation):
        clients.for_team("T9")


def test_an_org_wide_install_serves_its_workspaces(store: Store) -> None:
    clients = clients_for(store)
    assert clients.installations is not None
    clients.installations.save(
        installation(None, "xoxb-org", enterprise_id="E1", is_enterprise_install=True)
    )
    assert clients.for_team("T7", "E1").token == "xoxb-org"
    assert clients.for_team("T7").token == "xoxb-org"  # the organization, as seen before
    with pytest.raises(NoInstallation):
        clients.for_team("T7", "E2")


def test_single_token_mode_has_one_client_for_every_workspace() -> None:
    client = WebClient(token="xoxb-single")
    clients = SlackClients.single(client)
    assert clients.for_team("T1") is client and clients.for_team("T2", "E1") is client
    assert not clients.is_oauth and clients.bot("T1", None) is None


def test_an_oauth_state_is_consumed_once_and_expired_ones_never(store: Store) -> None:
    states = DatabaseStateStore(60, store)
    state = states.issue()
    results: list[bool] = []
    barrier = threading.Barrier(6)

    def consume() -> None:
        barrier.wait()
        results.append(states.consume(state))

    threads = [threading.Thread(target=consume) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 5 + [True]
    expired = DatabaseStateStore(-1, store).issue()
    time.sleep(0.01)
    assert not states.consume(expired)
    assert not states.consume("never-issued")


def test_the_two_modes_exclude_each_other_with_one_sentence() -> None:
    both = load_settings(slack_bot_token="xoxb-x", slack_client_id="1.2", slack_signing_secret="s")
    with pytest.raises(ConfigError, match="exclude each other"):
        both.require_slack()
    oauth = load_settings(slack_client_id="1.2")
    with pytest.raises(ConfigError) as info:
        oauth.require_slack()
    assert "SLACK_CLIENT_SECRET" in str(info.value) and "SLACK_SIGNING_SECRET" in str(info.value)
    single = load_settings(slack_bot_token="xoxb-x")
    assert not single.oauth and single.require_slack() is single
    assert list(load_settings().slack_scopes) == list(MANIFEST_BOT_SCOPES)


def test_editors_can_be_set_per_workspace() -> None:
    assert per_workspace(["T1:U1", "U2", " T2:U3 "]) == {
        "T1": frozenset({"U1"}),
        None: frozenset({"U2"}),
        "T2": frozenset({"U3"}),
    }
    editors = EditorDirectory(
        SlackClients.single(WebClient(token="xoxb-x")),
        ["T1:U1", "U2"],
    )
    assert editors.is_editor("U1", "T1") and not editors.is_editor("U1", "T2")
    assert editors.is_editor("U2", "T1") and editors.is_editor("U2", "T2")


@pytest.mark.postgres
def test_two_processes_refreshing_one_rotating_token_refresh_it_once(pg_schema_url: str) -> None:
    """Token rotation across processes: Slack revokes the refresh token a refresh used, so two
    processes refreshing one install at once would leave one of them with a dead refresh token
    (and the fake, like Slack, answers ``invalid_refresh_token``). Under the advisory lock the
    second re-reads the install the first saved, and both use the one new token."""
    with FakeSlackAPI() as slack, Store(pg_schema_url) as one, Store(pg_schema_url) as two:
        one.upgrade()
        code = slack.grant("T0ROT", rotating=True, expires_in=60)
        answer = WebClient(base_url=slack.base_url).oauth_v2_access(
            client_id=slack.client_id, client_secret=slack.client_secret, code=code
        )
        first = installation(
            "T0ROT",
            str(answer["access_token"]),
            bot_refresh_token=answer["refresh_token"],
            bot_token_expires_in=answer["expires_in"],
        )

        def process(store: Store) -> SlackClients:
            def factory(token: str | None) -> WebClient:
                return WebClient(token=token, base_url=slack.base_url)

            return SlackClients.oauth(
                factory,
                DatabaseInstallationStore(slack.client_id, store),
                client_id=slack.client_id,
                client_secret=slack.client_secret,
                rotation_minutes=5,  # the 60 s token is due
                rotation_lock=store.cross_process_lock,
            )

        fleet = [process(one), process(two)]
        assert fleet[0].installations is not None
        fleet[0].installations.save(first)
        barrier = threading.Barrier(8)
        tokens: list[str | None] = []
        errors: list[BaseException] = []

        def use(clients: SlackClients) -> None:
            try:
                barrier.wait()
                tokens.append(clients.for_team("T0ROT").token)
            except BaseException as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)

        threads = [threading.Thread(target=use, args=(fleet[i % 2],)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert errors == []
        assert slack.refreshes == 1
        newest = slack.bot_token("T0ROT")
        assert newest != first.bot_token
        assert set(tokens) == {newest}
        assert WebClient(token=newest, base_url=slack.base_url).auth_test()["team_id"] == "T0ROT"
