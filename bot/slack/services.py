"""The services a running bot is made of (:class:`Services`), built by
:func:`bot.slack.app.build_services` and handed to every listener.

Its own module so that the listeners can name the type without importing the app that
registers them (an import contract keeps it so).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from slack_sdk import WebClient

from bot.metrics import Metrics
from bot.settings import Settings
from bot.slack.editors import EditorDirectory, UserNames
from bot.slack.notifier import SlackNotifier
from bot.store import Store
from bot.workflow.drafts import DraftWorkflow, SummaryWorkers


@dataclass
class Services:
    """Everything the listeners, the server and the CLI need, built once per process."""

    settings: Settings
    store: Store
    client: WebClient
    notifier: SlackNotifier
    editors: EditorDirectory
    names: UserNames
    workflow: DraftWorkflow
    workers: SummaryWorkers
    metrics: Metrics = field(default_factory=Metrics)

    @property
    def lang(self) -> str:
        return self.settings.bot_language
