"""Fixtures for the summarizer: the seed article, an English article, the fake API, summarizers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.domain import Article
from bot.settings import Settings, load_settings
from bot.summarizer import ClaudeSummarizer, RetryPolicy
from tests.fakes.anthropic_api import FakeAnthropic

FIXTURES = Path(__file__).parents[1] / "fixtures" / "summarizer"

# Faithful bullets for the seed article, as an editor would approve them.
SEED_BULLETS = (
    "Chinas Staatschef Xi Jinping und Russlands Präsident Wladimir Putin haben am Dienstag "
    "in Peking Gespräche begonnen, berichtete die Nachrichtenagentur Xinhua.",
    "Putin hatte zuvor in Tianjin am Gipfel der Shanghaier Organisation für Zusammenarbeit "
    "teilgenommen.",
    "Nordkoreas Machthaber Kim Jong Un reist zur Militärparade zum 80. Jahrestag der "
    "Kapitulation Japans nach Peking, sein erstes multilaterales Treffen seit rund 14 Jahren.",
)
ENGLISH_BULLETS = (
    "Millbrook's city council voted 14 to 5 on Tuesday to build a new public library on the "
    "site of the former bus depot.",
    "The project is expected to cost $48.5 million, with $1.5 million coming from the state.",
    "Mayor Helen Okafor said the library, holding about 45,000 books, would open in 2028.",
)


def seed_article() -> Article:
    return Article(
        url="https://news.example/xi-putin-kim",
        final_url="https://news.example/xi-putin-kim",
        title="Xi und Putin beginnen Gespräche in Peking",
        text=(FIXTURES / "seed-article.txt").read_text(encoding="utf-8"),
        language="de",
        published="2025-09-02",
        site_name="Beispiel-Nachrichten",
    )


def english_article() -> Article:
    return Article(
        url="https://news.example/millbrook-library",
        final_url="https://news.example/millbrook-library",
        title="Millbrook council approves new library",
        text=(FIXTURES / "english-article.txt").read_text(encoding="utf-8"),
        language="en",
        published="2026-03-10",
        site_name="Millbrook Gazette",
    )


@pytest.fixture
def seed() -> Article:
    return seed_article()


@pytest.fixture
def english() -> Article:
    return english_article()


@pytest.fixture
def fake() -> Iterator[FakeAnthropic]:
    with FakeAnthropic() as server:
        yield server


class Sleeps(list[float]):
    """Records the waits the retry layer asked for instead of sleeping; :meth:`clock` is the
    virtual time those waits add up to, so deadlines are tested without waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)

    def clock(self) -> float:
        return float(sum(self))


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def make_settings(fake: FakeAnthropic, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "anthropic_api_key": "sk-test",
        "anthropic_base_url": fake.base_url,
        "anthropic_timeout_s": 5.0,
        "min_article_words": 20,
    }
    values.update(overrides)
    return load_settings(**values)


@pytest.fixture
def make_summarizer(fake: FakeAnthropic, sleeps: Sleeps) -> Callable[..., ClaudeSummarizer]:
    """A Claude summarizer against the fake whose retries never really sleep."""

    def build(**overrides: Any) -> ClaudeSummarizer:
        settings = make_settings(fake, **overrides)
        retry = RetryPolicy.from_settings(
            settings, backoff=lambda attempt: 0.25, sleep=sleeps, clock=sleeps.clock
        )
        return ClaudeSummarizer.from_settings(settings, retry=retry)

    return build
