"""The extractive engine, the fallback, and building the summarizer from settings."""

from __future__ import annotations

import pytest
from structlog.testing import capture_logs

from bot.domain import Article
from bot.settings import ConfigError, load_settings
from bot.summarizer import (
    ArticleTooShort,
    ClaudeSummarizer,
    ExtractiveSummarizer,
    FallbackSummarizer,
    HouseStyle,
    Summarizer,
    build_summarizer,
)
from tests.fakes.anthropic_api import FakeAnthropic, Reply
from tests.summarizer.conftest import make_settings


def test_extractive_draft_takes_lead_sentences_and_is_labelled_not_ai(seed: Article) -> None:
    summarizer = ExtractiveSummarizer(
        HouseStyle(bullets=3, max_words_per_bullet=12), disclaimer="Nicht von einer KI."
    )
    draft = summarizer.summarize(seed)

    assert draft.engine == "extractive"
    assert not draft.ai_generated
    assert draft.model is None and draft.prompt_version is None and draft.usage is None
    assert draft.disclaimer == "Nicht von einer KI."
    assert len(draft.bullets) == 3
    # The AI-summary box above the article is not its lead.
    assert draft.bullets[0].startswith("Chinas Staatschef Xi Jinping")
    assert all(len(b.removesuffix(" …").split()) <= 12 for b in draft.bullets)
    assert draft.bullets[0].endswith(" …")  # shortened, visibly
    assert [c.kind for c in draft.checks] == []


def test_extractive_engine_refuses_too_short_articles() -> None:
    short = Article(url="u", final_url="u", title=None, text="Kurz.", language="de")
    with pytest.raises(ArticleTooShort):
        ExtractiveSummarizer(HouseStyle(), disclaimer="x", min_words=20).summarize(short)


def test_build_summarizer_picks_the_engine() -> None:
    settings = load_settings(anthropic_api_key="sk-test")
    assert isinstance(build_summarizer(settings), ClaudeSummarizer)
    assert isinstance(build_summarizer(settings, engine="extractive"), ExtractiveSummarizer)
    assert isinstance(build_summarizer(load_settings(), engine="extractive"), Summarizer)


def test_claude_without_a_key_is_a_config_error_naming_the_variable() -> None:
    with pytest.raises(ConfigError, match="ANTHROPIC_API_KEY"):
        build_summarizer(load_settings())


def test_fallback_setting_without_a_key_serves_extractive() -> None:
    summarizer = build_summarizer(load_settings(summary_fallback_engine="extractive"))
    assert isinstance(summarizer, ExtractiveSummarizer)


def test_fallback_takes_over_when_claude_is_unavailable(fake: FakeAnthropic, seed: Article) -> None:
    settings = make_settings(fake, summary_fallback_engine="extractive", anthropic_max_attempts=1)
    summarizer = build_summarizer(settings)
    assert isinstance(summarizer, FallbackSummarizer)

    fake.script(Reply.error(529))
    with capture_logs() as logs:
        draft = summarizer.summarize(seed)
    assert draft.engine == "extractive" and not draft.ai_generated
    assert draft.disclaimer == (
        "Automatisch aus den ersten Sätzen des Artikels zusammengestellt, nicht von einer KI."
    )  # the catalogue's, in the German article's language
    assert [e["code"] for e in logs if e["event"] == "summary.fallback"] == ["summary_unavailable"]

    assert summarizer.summarize(seed).engine == "claude"  # Claude is back: no fallback


def test_fallback_does_not_hide_a_too_short_article(fake: FakeAnthropic) -> None:
    settings = make_settings(fake, summary_fallback_engine="extractive", min_article_words=50)
    short = Article(url="u", final_url="u", title=None, text="Nur ein Satz hier.", language="de")
    with pytest.raises(ArticleTooShort):
        build_summarizer(settings).summarize(short)
