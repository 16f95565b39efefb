"""Summary cost and speed: input tokens per summary, cache share, and our own time.

    .venv/bin/python -m benchmarks.summarize --data ../shared [--runs 30]

Articles: the seed article (``seed-article.txt``, German, with its AI-summary box on top) and
the longest German and English article bodies of the scrapinghub extraction set.

Each summary goes through the real ``ClaudeSummarizer`` and the real SDK to the loopback fake
of the Messages API (``tests/fakes/anthropic_api.py``), which emulates prompt caching with a
minimum cacheable prefix of ``--min-cacheable`` tokens (512: Claude Haiku 5.5, per a published
Haiku 4.5 → 5.5 comparison; not confirmed on Anthropic's own pages).

What is measured and what is estimated:

- **Input tokens** are *estimated twice*, as no Claude tokenizer runs offline: by the fake
  (``approx_tokens``: a token per 5 letters of a word, per 3 digits, per punctuation run) and
  by our own trimming estimate (``bot.summarizer.text.estimate_tokens``: characters per
  token by language). "prompt" is everything but the article text: system prompt, tags,
  title/site/date, task and the JSON schema. Target: ≤ 700.
- **Cache share** is the fake's emulation of Anthropic's prefix caching: the share of the
  second call's input tokens read from cache, for a Regenerate of the same article and for
  the next, different article.
- **Fields** (issue 13): the same articles with ``SUMMARY_FIELDS`` set to all four fields
  (headline 70, teaser 300, SEO description 160, social 280 characters) against bullets only,
  one row per variant: input tokens (fake and ours; the difference is the fields prompt and
  the larger schema) and output tokens (the fake writes each field up to its limit from the
  lead sentences, about what a model writes; *estimated*, not a model's real output). Both
  requests keep the article as the cached prefix.
- **Own time** is *measured*: our work before and after the model call (cleaning, trimming,
  prompt rendering, validation, checks, evidence), excluding the HTTP round trip. p50/p95 over
  ``--runs`` warm runs; "cold" is the first call in the process (stop-word lists and
  stemmers load lazily). Target p50 < 100 ms. The loopback round trip through the SDK is shown
  for reference.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.harness import missing_data
from bot.domain import Article
from bot.logs import configure_logging
from bot.settings import load_settings, parse_field_limits
from bot.summarizer import ClaudeSummarizer, RetryPolicy
from bot.summarizer.request import estimate_prompt_tokens, prepare_article
from bot.summarizer.text import detect_language
from tests.fakes.anthropic_api import FakeAnthropic, approx_tokens

FOUR_FIELDS = "headline:70,teaser:300,seo_description:160,social:280"


@dataclass(slots=True)
class FieldsRow:
    name: str
    variant: str
    fake_input: int
    our_input: int
    fake_output: int


def measure_fields(
    name: str,
    article: Article,
    variants: Sequence[tuple[str, ClaudeSummarizer]],
    fake: FakeAnthropic,
) -> list[FieldsRow]:
    """Input and output tokens of one summary per variant, each with a cold cache."""
    rows = []
    for variant, summarizer in variants:
        prepared = prepare_article(
            article, summarizer.prompts, summarizer.style, budget_tokens=summarizer._budget
        )
        ours = estimate_prompt_tokens(summarizer.prompts, summarizer.style, prepared)
        fake.forget_cache()
        draft = summarizer.summarize(article)
        assert draft.usage is not None
        rows.append(
            FieldsRow(
                name=name,
                variant=variant,
                fake_input=draft.usage.prompt_tokens,
                our_input=ours["total"],
                fake_output=draft.usage.output_tokens,
            )
        )
    return rows


@dataclass(slots=True)
class Row:
    name: str
    words: int
    sent_words: int
    fake_total: int
    fake_article: int
    our_total: int
    our_article: int
    regenerate_share: float
    next_article_share: float
    cold_ms: float
    p50_ms: float
    p95_ms: float
    roundtrip_p50_ms: float


def load_articles(data: Path) -> list[tuple[str, Article]]:
    seed = (data / "seed-article.txt").read_text(encoding="utf-8")
    articles = [
        (
            "seed (de)",
            Article(
                url="https://news.example/seed",
                final_url="https://news.example/seed",
                title="Xi und Putin beginnen Gespräche in Peking",
                text=seed,
                language="de",
                published="2025-09-02",
                site_name="Beispiel-Nachrichten",
            ),
        )
    ]
    truth = json.loads(
        (data / "extraction" / "scrapinghub" / "ground-truth.json").read_text(encoding="utf-8")
    )
    bodies = sorted(
        (item for item in truth.values() if item.get("articleBody")),
        key=lambda item: len(item["articleBody"]),
        reverse=True,
    )
    for language in ("de", "en"):
        for item in bodies:
            body = item["articleBody"]
            if detect_language(body[:3000]).language == language:
                articles.append(
                    (
                        f"long ({language})",
                        Article(
                            url=item["url"],
                            final_url=item["url"],
                            title=None,
                            text=body,
                            language=language,
                        ),
                    )
                )
                break
    return articles


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def cache_share(usage_read: int, usage_total: int) -> float:
    return usage_read / usage_total if usage_total else 0.0


def measure(
    name: str,
    article: Article,
    *,
    other: Article,
    summarizer: ClaudeSummarizer,
    fake: FakeAnthropic,
    runs: int,
    cold_ms: float,
) -> Row:
    prepared = prepare_article(
        article, summarizer.prompts, summarizer.style, budget_tokens=summarizer._budget
    )
    ours = estimate_prompt_tokens(summarizer.prompts, summarizer.style, prepared)

    fake.forget_cache()
    first = summarizer.summarize(article)
    request = fake.message_requests[-1]
    regenerate = summarizer.summarize(article, instruction="kürzer")
    fake.forget_cache()
    summarizer.summarize(other)
    following = summarizer.summarize(article)
    assert first.usage and regenerate.usage and following.usage
    article_text = request.user_text.split("<text>", 1)[1].split("</text>", 1)[0].strip()

    own: list[float] = []
    roundtrip: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        draft = summarizer.summarize(article)
        total_ms = (time.perf_counter() - started) * 1000
        assert draft.timings is not None
        own.append(draft.timings.own_ms)
        roundtrip.append(total_ms - draft.timings.own_ms)

    return Row(
        name=name,
        words=article.word_count,
        sent_words=len(article_text.split()),
        fake_total=first.usage.prompt_tokens,
        fake_article=approx_tokens(article_text),
        our_total=ours["total"],
        our_article=ours["article_text"],
        regenerate_share=cache_share(
            regenerate.usage.cache_read_input_tokens, regenerate.usage.prompt_tokens
        ),
        next_article_share=cache_share(
            following.usage.cache_read_input_tokens, following.usage.prompt_tokens
        ),
        cold_ms=cold_ms,
        p50_ms=statistics.median(own),
        p95_ms=percentile(own, 0.95),
        roundtrip_p50_ms=statistics.median(roundtrip),
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, required=True, help="the shared/ folder")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--min-cacheable", type=int, default=512)
    args = parser.parse_args(argv)
    problem = missing_data(
        args.data, "seed-article.txt", "extraction/scrapinghub/ground-truth.json"
    )
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    configure_logging("error", "console", stream=sys.stderr)

    articles = load_articles(args.data)
    rows: list[Row] = []
    field_rows: list[FieldsRow] = []
    with FakeAnthropic(min_cacheable_tokens=args.min_cacheable) as fake:
        settings = load_settings(
            anthropic_api_key="benchmark",
            anthropic_base_url=fake.base_url,
            min_article_words=20,
            _env_file=None,
        )
        summarizer = ClaudeSummarizer.from_settings(
            settings, retry=RetryPolicy.from_settings(settings, sleep=lambda _s: None)
        )
        for index, (name, article) in enumerate(articles):
            other = articles[(index + 1) % len(articles)][1]
            cold = summarizer.summarize(article)  # the first call loads stop words and stemmers
            assert cold.timings is not None
            rows.append(
                measure(
                    name,
                    article,
                    other=other,
                    summarizer=summarizer,
                    fake=fake,
                    runs=args.runs,
                    cold_ms=cold.timings.own_ms if index == 0 else float("nan"),
                )
            )
        with_fields = ClaudeSummarizer.from_settings(
            settings.model_copy(
                update={"summary_fields": parse_field_limits(FOUR_FIELDS, "FOUR_FIELDS")}
            ),
            retry=RetryPolicy.from_settings(settings, sleep=lambda _s: None),
        )
        variants = [("bullets only", summarizer), ("+ 4 fields", with_fields)]
        for name, article in articles:
            field_rows.extend(measure_fields(name, article, variants, fake))

    print(
        f"Summaries through the real SDK against the loopback fake; {args.runs} warm runs per "
        f"article; model {settings.anthropic_model}; budget "
        f"{settings.summary_input_token_budget} tokens; min cacheable {args.min_cacheable}.\n"
    )
    print(
        "| article | words (sent) | input tokens, fake: total / article / prompt "
        "| ours: total / article / prompt | cache share, regenerate | cache share, next "
        "article | own time p50 / p95 (cold) | loopback round trip p50 |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        cold_note = "" if math.isnan(row.cold_ms) else f" (cold {row.cold_ms:.0f} ms)"
        print(
            f"| {row.name} | {row.words} ({row.sent_words}) "
            f"| {row.fake_total} / {row.fake_article} / {row.fake_total - row.fake_article} "
            f"| {row.our_total} / {row.our_article} / {row.our_total - row.our_article} "
            f"| {row.regenerate_share:.0%} | {row.next_article_share:.0%} "
            f"| {row.p50_ms:.1f} / {row.p95_ms:.1f} ms{cold_note} | {row.roundtrip_p50_ms:.1f} ms |"
        )

    print(f"\nOutput fields ({FOUR_FIELDS}) against bullets only, one summary each, cold cache.\n")
    print(
        "| article | variant | input tokens, fake / ours | output tokens, fake "
        "| extra input, fake / ours | extra output |"
    )
    print("|---|---|---|---|---|---|")
    base: FieldsRow | None = None
    for field_row in field_rows:
        if field_row.variant == "bullets only":
            base = field_row
        assert base is not None
        extra = (
            f"+{field_row.fake_input - base.fake_input} / +{field_row.our_input - base.our_input}"
            f" | +{field_row.fake_output - base.fake_output}"
            if field_row is not base
            else "– | –"
        )
        print(
            f"| {field_row.name} | {field_row.variant} "
            f"| {field_row.fake_input} / {field_row.our_input} | {field_row.fake_output} "
            f"| {extra} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
