"""The progress reaction on a reporter's message: one per message (its links share it), added
when the drafts are recorded and removed when the last of them is done.

Slack's tiers make the removal the scarce call: ``reactions.add`` is Tier 3 (50+ per minute)
but ``reactions.remove`` Tier 2 (20+ per minute) (:mod:`bot.slack.budget`). So a reaction is
added only when the budget can also take it back within ``LINGER_S`` (a Slack minute, scaled
with the budget): the removal is reserved when the reaction is added, and made when the
message's last draft is done, or at its reserved time if that is later. Otherwise (a burst of
more messages than Tier 2 can clean up) the message gets no reaction and its card, posted
when ready, is the sign of work: an hourglass that stays for minutes after the card would
say "working" when nothing is. A removal that Slack refuses for a passing reason (429, 5xx)
is retried in this process (:meth:`SlackCalls.defer`) after ``Retry-After`` or a backoff, a
few times.

Which messages this process reacted to is kept in memory (bounded); a removal for a message
another process reacted to is made (and budgeted) like any call.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient

from bot.logs import get_logger
from bot.slack import ids
from bot.slack.calls import SlackCalls

log = get_logger(__name__)

MessageKey = tuple[str, str, str]  # (team id, channel, message ts)
_REMEMBERED = 4096
_REMOVAL_ATTEMPTS = 5
LINGER_S = 60.0  # at most this long (Slack seconds) between the last card and the removal


class ProgressReactions:
    """Adds and removes :data:`bot.slack.ids.PROGRESS_REACTION`; never raises."""

    def __init__(self, calls: SlackCalls, client_for: Callable[[str], WebClient]) -> None:
        """``client_for(team_id)``: the Web API client of the workspace."""
        self.calls = calls
        self.client_for = client_for
        self._lock = threading.Lock()
        # True/False: added here (removal reserved) or not; a float: the removal's reserved
        # time (monotonic) when that lies ahead.
        self._reacted: OrderedDict[MessageKey, bool | float] = OrderedDict()

    def add(self, team_id: str, channel: str, ts: str) -> bool:
        """React to the message if the budget holds the reaction and its removal."""
        key = (team_id, channel, ts)
        budget = self.calls.budget
        removal_at: bool | float = True
        if budget is not None:
            if budget.acquire(team_id, "reactions.add") is None:
                return self._skip(key)
            ahead = budget.acquire(team_id, "reactions.remove", max_wait=LINGER_S / budget.scale)
            if ahead is None:
                budget.refund(team_id, "reactions.add")
                return self._skip(key)
            if ahead > 0:
                removal_at = self.calls.clock() + ahead

        def react() -> Any:
            # The client inside the call: a workspace without installation is not called
            # (bot.slack.installs.NoInstallation, answered by SlackCalls).
            client = self.client_for(team_id)
            return client.reactions_add(channel=channel, timestamp=ts, name=ids.PROGRESS_REACTION)

        answer = self.calls.attempt(
            "reactions.add",
            react,
            team_id=team_id,
            channel=channel,
            ignore=("already_reacted",),
            prepaid=True,
        )
        reacted = answer.value is not None or answer.error == "already_reacted"
        self._remember(key, removal_at if reacted else False)
        return reacted

    def remove(self, team_id: str, channel: str, ts: str, *, draft_id: str | None = None) -> None:
        """Take the reaction back (the message's last draft is done)."""
        key = (team_id, channel, ts)
        with self._lock:
            reacted = self._reacted.get(key)
            if reacted is not None:
                self._reacted[key] = False  # a second finisher of the message removes nothing
        if reacted is False:
            return  # this process added none, or took it back already
        if reacted is None:  # another process (or an earlier run of this one) may have
            self._remove(key, draft_id, prepaid=False, attempt=1)
            return
        ahead = 0.0 if reacted is True else reacted - self.calls.clock()
        if ahead > 0:  # its reserved time comes later: Slack's window is full until then
            self.calls.defer(ahead, lambda: self._remove(key, draft_id, prepaid=True, attempt=1))
            return
        self._remove(key, draft_id, prepaid=True, attempt=1)

    def _remove(
        self, key: MessageKey, draft_id: str | None, *, prepaid: bool, attempt: int
    ) -> None:
        team_id, channel, ts = key

        def unreact() -> Any:
            client = self.client_for(team_id)
            return client.reactions_remove(
                channel=channel, timestamp=ts, name=ids.PROGRESS_REACTION
            )

        answer = self.calls.attempt(
            "reactions.remove",
            unreact,
            team_id=team_id,
            channel=channel,
            ignore=("no_reaction", "message_not_found"),
            prepaid=prepaid,
            draft_id=draft_id,
        )
        if answer.value is None and answer.passing and attempt < _REMOVAL_ATTEMPTS:
            delay = answer.retry_in if answer.retry_in is not None else float(2**attempt)
            self.calls.defer(
                delay, lambda: self._remove(key, draft_id, prepaid=False, attempt=attempt + 1)
            )

    def _skip(self, key: MessageKey) -> bool:
        log.info("slack.reaction_skipped", channel=key[1], ts=key[2], reason="budget")
        self._remember(key, False)
        return False

    def _remember(self, key: MessageKey, reacted: bool | float) -> None:
        with self._lock:
            self._reacted[key] = reacted
            self._reacted.move_to_end(key)
            while len(self._reacted) > _REMEMBERED:
                self._reacted.popitem(last=False)
