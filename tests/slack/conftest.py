"""The whole bot on loopback: the real Bolt app behind waitress, the summary workers, a SQLite
database, and fakes of the Slack Web API, the Anthropic Messages API and a news site.

Tests drive it the way Slack does (signed HTTP requests) and assert on what the fakes saw.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import text

from bot.server import HttpServer, Router
from bot.settings import Settings, load_settings
from bot.slack import ids
from bot.slack.app import Services, build_app, build_services
from bot.slack.repair import CardRepairer
from bot.store import Draft, Store
from bot.workflow.publishing import start_from_settings
from tests.fakes import slack_signing as signing
from tests.fakes.anthropic_api import FakeAnthropic
from tests.fakes.news_site import NewsSite
from tests.fakes.slack_api import FakeSlackAPI, Message

SECRET = "flow-signing-secret-0123456789abcdef"
TOKEN = "xoxb-test-token"
CHANNEL = "C0NEWS"
REPORTER = "U0REPORTER"
EDITOR = "U0EDITOR"
EDITOR2 = "U0EDITOR2"
OUTSIDER = "U0OUTSIDER"
GROUP_EDITOR = "U0GROUPED"
USERGROUP = "S0EDITORS"
ARTICLE_HTML = (Path(__file__).parents[1] / "fixtures" / "flow" / "article.html").read_text(
    encoding="utf-8"
)

T = TypeVar("T")


def wait_for(check: Callable[[], T | None], timeout: float = 10.0, message: str = "condition") -> T:
    """Poll until ``check()`` is truthy (no timing assertions: the timeout only ends a hang)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {message}")
        time.sleep(0.01)


@dataclass
class Flow:
    """One running bot and its fakes, with helpers that act like Slack and its users."""

    slack: FakeSlackAPI
    model: FakeAnthropic
    site: NewsSite
    settings: Settings
    services: Services
    server: HttpServer
    url: str
    last_response_url: str | None = None
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def store(self) -> Store:
        return self.services.store

    # --- acting like Slack --------------------------------------------------------------------

    def send(self, request: signing.SignedRequest) -> signing.Response:
        return signing.post(self.url, request)

    def post_message(
        self,
        text: str,
        *,
        user: str = REPORTER,
        channel: str = CHANNEL,
        thread_ts: str | None = None,
        event_id: str | None = None,
        extra: dict[str, Any] | None = None,
        retry_num: int | None = None,
    ) -> tuple[str, signing.Response]:
        """A person posts ``text``: seed it in the fake, send the event; (ts, response)."""
        ts = self.slack.post_user_message(channel, text, user, thread_ts=thread_ts)
        event = signing.message_event(
            channel=channel, ts=ts, text=text, user=user, thread_ts=thread_ts
        )
        event.update(extra or {})
        response = self.send_event(event, event_id=event_id, retry_num=retry_num)
        return ts, response

    def send_event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry_num: int | None = None
    ) -> signing.Response:
        return self.send(
            signing.event_request(
                event,
                SECRET,
                event_id=event_id or f"Ev{next(self._ids):08d}",
                retry_num=retry_num,
            )
        )

    def click(
        self,
        action_id: str,
        draft: Draft | str,
        *,
        user: str = EDITOR,
        trigger_id: str | None = None,
        value: str | None = None,
    ) -> signing.Response:
        """Click the ``action_id`` button of the draft's card as Slack shows it now (its
        ``value`` as rendered), or with ``value`` when given."""
        if value is None or isinstance(draft, str):
            draft = self.draft(draft if isinstance(draft, str) else draft.id)
        if value is None:
            value = self.button_value(draft, action_id) or draft.id
        payload = signing.block_actions_payload(
            action_id=action_id,
            value=value,
            trigger_id=trigger_id or self.slack.new_trigger_id(),
            user_id=user,
            user_name=user.lower(),
            channel_id=draft.channel,
            message_ts=draft.bot_message_ts or "1.0",
            thread_ts=draft.thread_ts,
            response_url=self.slack.new_response_url(),
        )
        self.last_response_url = payload["response_url"]
        return self.send(signing.interactivity_request(payload, SECRET))

    def button_value(self, draft: Draft, action_id: str) -> str | None:
        """The ``value`` of the card's ``action_id`` button, as the fake Slack holds it."""
        if draft.bot_message_ts is None:
            return None
        message = self.slack.message(draft.channel, draft.bot_message_ts)
        for block in message.blocks or []:
            for element in block.get("elements") or [] if block.get("type") == "actions" else []:
                if element.get("action_id") == action_id:
                    return str(element["value"])
        return None

    def submit(
        self, view: dict[str, Any], values: dict[str, Any], *, user: str = EDITOR
    ) -> signing.Response:
        payload = signing.view_submission_payload(
            view=view,
            values=values,
            trigger_id=self.slack.new_trigger_id(),
            user_id=user,
            user_name=user.lower(),
        )
        return self.send(signing.interactivity_request(payload, SECRET))

    def command(
        self,
        text: str,
        *,
        user: str = REPORTER,
        channel: str = CHANNEL,
        user_name: str = "reporter",
        channel_name: str = "news",
    ) -> tuple[str, signing.Response]:
        response_url = self.slack.new_response_url()
        response = self.send(
            signing.command_request(
                SECRET,
                text=text,
                response_url=response_url,
                trigger_id=self.slack.new_trigger_id(),
                user_id=user,
                user_name=user_name,
                channel_id=channel,
                channel_name=channel_name,
            )
        )
        return response_url, response

    # --- looking at the state -------------------------------------------------------------------

    def ready_draft(self, text: str | None = None) -> Draft:
        """Post a link and wait for its draft to be ready for review."""
        ts, _ = self.post_message(text or f"New story {self.site.url('/story')}")
        [draft] = self.drafts(ts)
        ready = self.wait_state(draft.id, "ready")
        wait_for(lambda: self.draft(draft.id).bot_message_ts, message="the draft message")
        # Both, the state and the card with its buttons (they name the revision), must be there.
        wait_for(
            lambda: self.button_value(self.draft(draft.id), ids.ACTION_APPROVE),
            message="the draft card's buttons",
        )
        return self.draft(ready.id)

    def last_modal(self, opened_before: int = 0) -> dict[str, Any]:
        """The newest modal, once more than ``opened_before`` were opened (the listener opens
        it after the click's ack, so a caller that clicked waits for its own modal)."""
        views = wait_for(
            lambda: v if len(v := self.slack.views()) > opened_before else None,
            message="a modal to be opened",
        )
        return views[-1]

    def draft(self, draft_id: str) -> Draft:
        found = self.store.get_draft(draft_id)
        assert found is not None
        return found

    def drafts(self, ts: str, channel: str = CHANNEL) -> list[Draft]:
        return self.store.drafts_for_message(self.slack.team_id, channel, ts)

    def wait_state(self, draft_id: str, *states: str, timeout: float = 10.0) -> Draft:
        return wait_for(
            lambda: d if (d := self.draft(draft_id)).state in states else None,
            timeout,
            f"draft {draft_id} to reach {states}",
        )

    def bot_message(self, draft: Draft) -> Message:
        current = self.draft(draft.id)
        assert current.bot_message_ts is not None
        return self.slack.message(current.channel, current.bot_message_ts)

    def ephemerals(self, user: str) -> list[str]:
        """Private sentences to ``user`` (chat.postEphemeral and response_url answers)."""
        return [e.text for e in self.slack.ephemerals(user)]

    def answers(self, response_url: str | None = None) -> list[str]:
        """Texts posted to ``response_url`` (default: the last click's)."""
        return [
            str(r.get("text") or "")
            for r in self.slack.responses(response_url or self.last_response_url)
        ]

    def wait_idle(self) -> None:
        """Wait until no draft is queued or working."""

        def idle() -> bool:
            with self.store._engine.connect() as conn:  # test-only peek
                busy: int = conn.execute(
                    text("SELECT count(*) FROM drafts WHERE state IN ('queued', 'working')")
                ).scalar_one()
            return busy == 0

        wait_for(idle, 15.0, "all drafts to settle")


def make_settings(
    tmp_path: Path, slack: FakeSlackAPI, model: FakeAnthropic, **extra: Any
) -> Settings:
    values: dict[str, Any] = {
        "slack_bot_token": TOKEN,
        "slack_signing_secret": SECRET,
        "slack_api_url": slack.base_url,
        "anthropic_api_key": "test-key",
        "anthropic_base_url": model.base_url,
        "anthropic_max_attempts": 1,
        "database_url": f"sqlite:///{tmp_path / 'flow.db'}",
        "editor_user_ids": [EDITOR, EDITOR2],
        "fetch_allow_private_networks": True,
        "fetch_allowed_ports": [],
        "worker_threads": 2,
        "work_poll_s": 0.2,
        "work_lease_s": 30.0,
        "slack_max_retries": 2,
        # The retry layer's backoff off (Retry-After is still honoured), a short sweep.
        "slack_retry_backoff_s": 0.0,
        "slack_repair_interval_s": 0.3,
        "min_article_words": 30,
        # Acks wait for the drafts to be committed, so tests can look at them right away.
        "slack_ack_wait_s": 2.0,
    }
    values.update(extra)
    return load_settings(**values)


@pytest.fixture
def flow_factory(tmp_path: Path) -> Iterator[Callable[..., Flow]]:
    """Start a bot with settings overrides; everything stops at the end of the test."""
    stack: list[Callable[[], None]] = []

    def start(
        *,
        model_latency_s: float = 0.0,
        trigger_ttl_s: float = 3.0,
        slack_clock: Callable[[], float] = time.monotonic,
        **overrides: Any,
    ) -> Flow:
        slack = FakeSlackAPI(token=TOKEN, trigger_ttl_s=trigger_ttl_s, clock=slack_clock).start()
        stack.append(slack.stop)
        for user in (REPORTER, EDITOR, EDITOR2, OUTSIDER, GROUP_EDITOR):
            slack.add_user(user, user.lower())
        slack.add_channel(CHANNEL, "news")
        slack.add_channel("C0OTHER", "other")
        slack.add_channel("C0NOTIN", "not-in", is_member=False)
        model = FakeAnthropic(latency_s=model_latency_s).start()
        stack.append(model.stop)
        site = NewsSite().start()
        stack.append(site.stop)
        site.add("/story", ARTICLE_HTML)
        settings = make_settings(tmp_path, slack, model, **overrides)
        store = Store.from_settings(settings)
        store.upgrade()
        services = build_services(settings, store=store)
        stack.append(store.close)
        app = build_app(services)
        server = HttpServer(Router(app, store.ping), host="127.0.0.1", port=0, threads=8)
        thread = threading.Thread(target=server.run, daemon=True, name="flow-server")
        thread.start()

        def stop_server() -> None:
            server.close()
            thread.join(5)

        stack.append(stop_server)
        publish = start_from_settings(settings, store, services.notifier, services.workflow.desks)
        services.workflow.set_on_approved(publish.wake.set)
        stack.append(publish.stop)
        services.workers.start()
        stack.append(services.workers.stop)
        repairer = CardRepairer(
            store, services.notifier, interval_s=settings.slack_repair_interval_s
        ).start()
        stack.append(repairer.stop)
        return Flow(
            slack=slack,
            model=model,
            site=site,
            settings=settings,
            services=services,
            server=server,
            url=f"http://127.0.0.1:{server.port}/slack/events",
        )

    yield start
    for stop in reversed(stack):
        stop()


@pytest.fixture
def flow(flow_factory: Callable[..., Flow]) -> Flow:
    return flow_factory()
