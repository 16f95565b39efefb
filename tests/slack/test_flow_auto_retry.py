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
