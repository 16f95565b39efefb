"""The Messages API fake itself: cache emulation, count_tokens, errors as the SDK reads them."""

from __future__ import annotations

import anthropic
import pytest

from bot.summarizer.client import default_backoff
from tests.fakes.anthropic_api import FakeAnthropic, Reply, approx_tokens


def _client(fake: FakeAnthropic) -> anthropic.Anthropic:
    return anthropic.Anthropic(api_key="sk-test", base_url=fake.base_url, max_retries=0)


def _ask(client: anthropic.Anthropic, system: str, question: str) -> anthropic.types.Message:
    return client.messages.create(
        model="claude-haiku-5-5",
        max_tokens=100,
        system=[{"type": "text", "text": system, "cache_control": {"type": "ephemeral"}}],
        messages=[{"role": "user", "content": question}],
    )


def test_cache_is_written_then_read_above_the_minimum() -> None:
    system = "Regel. " * 200
    with FakeAnthropic(min_cacheable_tokens=100) as fake:
        client = _client(fake)
        first = _ask(client, system, "Frage eins?")
        second = _ask(client, system, "Frage zwei?")
    assert first.usage.cache_creation_input_tokens == approx_tokens(system)
    assert first.usage.cache_read_input_tokens == 0
    assert second.usage.cache_read_input_tokens == approx_tokens(system)
    assert second.usage.cache_creation_input_tokens == 0
    assert second.usage.input_tokens == approx_tokens("Frage zwei?")


def test_nothing_is_cached_below_the_minimum() -> None:
    with FakeAnthropic(min_cacheable_tokens=10_000) as fake:
        client = _client(fake)
        _ask(client, "Kurz.", "Eins?")
        second = _ask(client, "Kurz.", "Zwei?")
    assert second.usage.cache_read_input_tokens == 0
    assert second.usage.cache_creation_input_tokens == 0


def test_count_tokens_and_request_ids(fake: FakeAnthropic) -> None:
    client = _client(fake)
    counted = client.messages.count_tokens(
        model="claude-haiku-5-5", messages=[{"role": "user", "content": "Hallo Welt"}]
    )
    assert counted.input_tokens == approx_tokens("Hallo Welt")
    fake.script(Reply.error(529, headers={"retry-after": "3"}))
    with pytest.raises(anthropic.OverloadedError) as caught:
        _ask(client, "System.", "Frage?")
    assert caught.value.request_id == "req_fake_0002"
    assert caught.value.response.headers["retry-after"] == "3"


def test_default_backoff_is_jittered_and_capped() -> None:
    waits = [default_backoff(attempt) for attempt in (1, 2, 3, 10) for _ in range(20)]
    assert all(0 <= wait <= 8 for wait in waits)
    assert len(set(waits)) > 1
