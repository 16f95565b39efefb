"""End to end: a 529 storm passes and the draft arrives in the thread without anyone pressing
Retry; the thread first says when the bot tries again, with the Retry button under it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.slack import ids
from tests.fakes.anthropic_api import Reply
from tests.fakes.slack_api import iter_texts
from tests.slack.conftest import Flow, wait_for


def _buttons(blocks: list[dict[str, Any]] | None) -> list[str]:
    return [
        element["action_id"]
        for block in blocks or []
        if block.get("type") == "actions"
        for element in block["elements"]
    ]


def test_a_model_storm_is_retried_by_itself_and_the_thread_says_when(
    flow_factory: Callable[..., Flow],
) -> None:
    # One model attempt per claim (anthropic_max_attempts=1), retries after about 0.2, 0.8 s.
    flow = flow_factory(work_auto_retry_base_s=0.2)
    flow.model.script(Reply.error(529), Reply.error(529))
    ts, _ = flow.post_message(f"Big story {flow.site.url('/story')}")
    [draft] = flow.drafts(ts)
    ready = flow.wait_state(draft.id, "ready", timeout=20)
    wait_for(
        lambda: ids.ACTION_APPROVE in _buttons(flow.bot_message(ready).blocks),
        message="the draft with its buttons",
    )
    assert len(flow.model.message_requests) == 3  # two 529s, then the summary

    message = flow.bot_message(ready)
    versions = [*message.history, {"text": message.text, "blocks": message.blocks}]
    waiting = [
        v for v in versions if any("I'll try again at" in t for t in iter_texts(v["blocks"]))
    ]
    assert len(waiting) == 2  # told once per storm answer …
    for version in waiting:
        [sentence] = [t for t in iter_texts(version["blocks"]) if "I'll try again" in t]
        assert sentence.startswith(":hourglass_flowing_sand: The model is overloaded;")
        assert "<!date^" in sentence  # the time in each reader's zone
        assert _buttons(version["blocks"]) == [ids.ACTION_RETRY]  # … with Retry still there
    assert versions.index(waiting[0]) < len(versions) - 1  # … before the draft itself
    assert ids.ACTION_APPROVE in _buttons(message.blocks)

    stored = flow.draft(draft.id)
    assert stored.state == "ready" and stored.auto_retries == 2
    history = flow.store.history(draft.id)
    assert history is not None
    actions = [a.action for a in history.audit]
    assert actions.count("draft.retry_scheduled") == 2 and "draft.retried" not in actions
    # Nobody pressed anything, and the bot's one thread message was updated in place.
    assert [m.ts for m in flow.slack.thread(ready.channel, ts) if m.bot] == [message.ts]


class _CrashingOnce:
    """The real summarizer, but its first call dies inside the text tools, as the Snowball
    stemmer's ``IndexError`` did under load (a bug, not a refusal)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.calls = 0

    def summarize(self, article: Any, *, instruction: str | None = None) -> Any:
        self.calls += 1
        if self.calls == 1:
            raise IndexError("string index out of range")
        return self.inner.summarize(article, instruction=instruction)


def test_a_worker_crash_is_retried_by_itself_and_the_draft_arrives(
    flow_factory: Callable[..., Flow],
) -> None:
    flow = flow_factory(work_auto_retry_base_s=0.2)
    crashing = _CrashingOnce(flow.services.workflow.summarizer)
    flow.services.workflow.summarizer = crashing
    ts, _ = flow.post_message(f"Big story {flow.site.url('/story')}")
    [draft] = flow.drafts(ts)
    ready = flow.wait_state(draft.id, "ready", timeout=20)
    wait_for(
        lambda: ids.ACTION_APPROVE in _buttons(flow.bot_message(ready).blocks),
        message="the draft with its buttons",
    )
    assert crashing.calls == 2
    message = flow.bot_message(ready)
    texts = [t for v in message.history for t in iter_texts(v["blocks"])]
    assert any("That didn't work just now; I'll try again at" in t for t in texts)
    assert not any("Something went wrong" in t for t in texts)  # never failed for good
    history = flow.store.history(draft.id)
    assert history is not None
    actions = [a.action for a in history.audit]
    assert "draft.retry_scheduled" in actions and "draft.failed" not in actions
