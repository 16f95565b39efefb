"""Redraw the cards Slack did not take, from the database: at start and then periodically.

When a card update or post still fails after the retry layer's quick attempts (Slack down
for longer than a few seconds), :class:`~bot.slack.notifier.SlackNotifier` marks the draft's
card stale in the store instead of holding a worker. :class:`CardRepairer` claims stale
cards (a conditional update holds each for ``interval_s``, so several processes never redraw
the same card at once), redraws each from the store's current state
(:meth:`SlackNotifier.repair`) and clears the mark only if nothing newer happened meanwhile;
a card Slack still refuses is tried again after the hold. It runs once at start (cards left
stale by a process that stopped) and every ``SLACK_REPAIR_INTERVAL_S``.

Rate limits: a card Slack answered with 429 (or whose budget was empty) is marked with the
time it is worth trying again (``not_before``, :mod:`bot.slack.calls`); the notifier wakes
this thread, which sweeps when the soonest such time comes rather than at the next interval.
The same thread runs the notifier's other rescheduled calls (a reaction's removal).
"""

from __future__ import annotations

import threading
import time

from bot.logs import get_logger
from bot.slack.notifier import SlackNotifier
from bot.store import Store, utcnow

log = get_logger(__name__)


class CardRepairer:
    """A daemon thread that sweeps stale cards; :meth:`sweep` is one pass (also for tests)."""

    def __init__(
        self, store: Store, notifier: SlackNotifier, *, interval_s: float = 30.0, batch: int = 20
    ) -> None:
        self.store = store
        self.notifier = notifier
        self.interval_s = interval_s
        self.batch = batch
        self._stopped = threading.Event()
        self._woken = threading.Event()
        self._thread: threading.Thread | None = None
        notifier.calls.set_wakeup(self._woken.set)

    def sweep(self) -> int:
        """Redraw every stale card that is due; the number Slack took."""
        repaired = 0
        while not self._stopped.is_set():
            cards = self.store.claim_stale_cards(self.interval_s, limit=self.batch)
            for card in cards:
                try:
                    shown = self.notifier.repair(card.draft)
                except Exception:
                    log.exception("slack.card_repair_crashed", draft_id=card.draft.id)
                    continue
                if not shown:
                    log.info("slack.card_repair_failed", draft_id=card.draft.id)
                    continue
                repaired += 1
                cleared = self.store.card_repaired(card)
                log.info(
                    "slack.card_repaired",
                    draft_id=card.draft.id,
                    state=card.draft.state,
                    stale_s=round((utcnow() - card.stale_since).total_seconds(), 1),
                    cleared=cleared,
                )
            if len(cards) < self.batch:
                break
        return repaired

    def start(self) -> CardRepairer:
        self._thread = threading.Thread(target=self._run, name="card-repairer", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stopped.set()
        self._woken.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        calls = self.notifier.calls
        last_sweep = float("-inf")
        while not self._stopped.is_set():
            # The first pass at once: cards left stale before this process started.
            due = calls.next_due_in()
            if time.monotonic() - last_sweep >= self.interval_s or (due is not None and due <= 0):
                last_sweep = time.monotonic()
                try:
                    calls.run_deferred()
                    self.sweep()
                except Exception:
                    log.exception("slack.card_sweep_failed")
                due = calls.next_due_in()
            wait = self.interval_s - (time.monotonic() - last_sweep)
            if due is not None:
                wait = min(wait, due)
            self._woken.wait(max(wait, 0.01))
            self._woken.clear()
