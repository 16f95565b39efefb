"""The Claude summarizer: prompt files + article as data → structured, validated, checked draft."""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import anthropic
from anthropic.types import Message, MessageParam, OutputConfigParam, TextBlockParam
from pydantic import ValidationError

from bot.cpu import cpu_bound
from bot.domain import Article
from bot.logs import get_logger
from bot.settings import Settings
from bot.summarizer.checks import ArticleIndex, language_checks, run_checks, word_count
from bot.summarizer.client import (
    RetryPolicy,
    call_with_retries,
    checked_message,
    make_client,
    to_summary_error,
)
from bot.summarizer.errors import ArticleTooShort, ModelOutputInvalid, ModelRefused, SummaryError
from bot.summarizer.fields import enforce_limits, fit_to_limit
from bot.summarizer.prompts import PromptSet
from bot.summarizer.request import (
    OUTPUT_FORMAT,
    PreparedArticle,
    SummaryOutput,
    build_request,
    estimate_prompt_tokens,
    output_format,
    prepare_article,
)
from bot.summarizer.text import language_name
from bot.summarizer.types import Check, Draft, HouseStyle, Timings, Usage

__all__ = [
    "OUTPUT_FORMAT",
    "ClaudeSummarizer",
    "PreparedArticle",
    "Prices",
    "SummaryOutput",
    "build_request",
    "estimate_prompt_tokens",
    "interpret",
    "prepare_article",
]

log = get_logger(__name__)
_FENCE = re.compile(r"^\s*```(?:json)?\s*|\s*```\s*$")
_FREE_HEADLINE_CHARS = 200  # the model's own headline when no "headline" field is asked for


@dataclass(frozen=True, slots=True)
class Prices:
    """USD per million tokens."""

    input: Decimal
    output: Decimal
    cache_write: Decimal
    cache_read: Decimal

    @classmethod
    def from_settings(cls, settings: Settings) -> Prices:
        return cls(
            input=settings.price_input_per_mtok,
            output=settings.price_output_per_mtok,
            cache_write=settings.price_cache_write_per_mtok,
            cache_read=settings.price_cache_read_per_mtok,
        )

    def cost(self, input_: int, output: int, cache_write: int, cache_read: int) -> Decimal:
        total = (
            input_ * self.input
            + output * self.output
            + cache_write * self.cache_write
            + cache_read * self.cache_read
        ) / Decimal(1_000_000)
        return total.quantize(Decimal("0.00000001"))


@dataclass(slots=True)
class _Tally:
    input_tokens: int = 0
    output_tokens: int = 0
    cache_write: int = 0
    cache_read: int = 0
    attempts: int = 0
    request_ids: list[str] = field(default_factory=list)

    def add(self, message: Message) -> None:
        usage = message.usage
        self.input_tokens += usage.input_tokens
        self.output_tokens += usage.output_tokens
        self.cache_write += usage.cache_creation_input_tokens or 0
        self.cache_read += usage.cache_read_input_tokens or 0
        self.attempts += 1
        if message._request_id:
            self.request_ids.append(message._request_id)

    def usage(self, model: str, prices: Prices) -> Usage:
        return Usage(
            input_tokens=self.input_tokens,
            output_tokens=self.output_tokens,
            cache_creation_input_tokens=self.cache_write,
            cache_read_input_tokens=self.cache_read,
            model=model,
            cost_usd=prices.cost(
                self.input_tokens, self.output_tokens, self.cache_write, self.cache_read
            ),
            attempts=self.attempts,
        )


@dataclass(frozen=True, slots=True)
class _Problem:
    kind: str  # "refusal" | "max_tokens" | "invalid" | "style"
    correction: str | None  # sentence for the model; None: repeat the request unchanged


def interpret(message: Message) -> SummaryOutput | _Problem:
    """The validated output of a response, or what is wrong with it. Blocks are picked by type."""
    if message.stop_reason == "refusal":
        return _Problem("refusal", None)
    text = "".join(block.text for block in message.content if block.type == "text").strip()
    if message.stop_reason == "max_tokens":
        return _Problem(
            "max_tokens",
            "it was cut off because it was too long. Keep the bullets short and do not think at "
            "length.",
        )
    if not text:
        return _Problem("invalid", "it contained no text.")
    try:
        return SummaryOutput.model_validate_json(_FENCE.sub("", text))
    except ValidationError as exc:
        issues = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'answer'}: {err['msg']}"
            for err in exc.errors()[:3]
        )
        return _Problem("invalid", f"it did not match the JSON schema ({issues}).")


def _style_problem(output: SummaryOutput, style: HouseStyle, language: str) -> _Problem | None:
    if len(output.bullets) > style.bullets:
        return _Problem(
            "style",
            f"it had {len(output.bullets)} bullets; write at most {style.bullets}.",
        )
    too_long = [
        i + 1
        for i, bullet in enumerate(output.bullets)
        if word_count(bullet) > style.max_words_per_bullet
    ]
    if too_long:
        return _Problem(
            "style",
            f"bullet(s) {', '.join(map(str, too_long))} had more than "
            f"{style.max_words_per_bullet} words.",
        )
    if language_checks(output.bullets, language):
        return _Problem("style", f"it was not written in {language_name(language)}.")
    return None


class ClaudeSummarizer:
    """Summaries by Claude. Raises only :class:`~bot.summarizer.errors.SummaryError` subclasses."""

    engine = "claude"

    def __init__(
        self,
        client: anthropic.Anthropic,
        *,
        model: str,
        style: HouseStyle,
        prompts: PromptSet,
        retry: RetryPolicy,
        prices: Prices,
        input_token_budget: int = 6000,
        max_output_tokens: int = 1024,
        effort: str | None = "low",
        min_words: int = 80,
    ) -> None:
        self._client = client
        self.model = model
        self.style = style
        self.prompts = prompts
        self._retry = retry
        self._prices = prices
        self._budget = input_token_budget
        self._max_tokens = max_output_tokens
        self._effort = effort
        self._min_words = min_words

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        retry: RetryPolicy | None = None,
        client: anthropic.Anthropic | None = None,
        style: HouseStyle | None = None,
    ) -> ClaudeSummarizer:
        """``style``: a desk's house style; None: the global one from the settings."""
        return cls(
            client or make_client(settings),
            model=settings.anthropic_model,
            style=style or HouseStyle.from_settings(settings),
            prompts=PromptSet.load(settings.summary_prompt_dir),
            retry=retry or RetryPolicy.from_settings(settings),
            prices=Prices.from_settings(settings),
            input_token_budget=settings.summary_input_token_budget,
            max_output_tokens=settings.summary_max_output_tokens,
            effort=settings.summary_effort,
            min_words=settings.min_article_words,
        )

    def summarize(self, article: Article, *, instruction: str | None = None) -> Draft:
        started = time.perf_counter()
        prepared = prepare_article(article, self.prompts, self.style, budget_tokens=self._budget)
        if prepared.words < self._min_words:
            raise ArticleTooShort(
                f"{prepared.words} words after cleaning",
                words=prepared.words,
                minimum=self._min_words,
            )
        if prepared.removed_chrome:
            log.info("summary.chrome_removed", url=article.url, paragraphs=prepared.removed_chrome)
        if prepared.truncated:
            log.info(
                "summary.trimmed",
                url=article.url,
                kept_paragraphs=len(prepared.paragraphs),
                budget_tokens=self._budget,
            )
        prepare_ms = (time.perf_counter() - started) * 1000

        tally = _Tally()
        model_ms = 0.0
        try:
            output, model_ms = self._generate(prepared, instruction, tally)
        except SummaryError as exc:
            self._log_usage(tally, article, outcome=exc.code)
            log.warning("summary.failed", url=article.url, code=exc.code, detail=exc.detail)
            raise
        self._log_usage(tally, article, outcome="ok")

        checks_started = time.perf_counter()
        language = prepared.target_language
        fields, limit_checks = enforce_limits(output.field_texts(), self.style.fields)
        named = dict(fields)
        if self.style.field_limit("headline") is not None:
            headline = named.get("headline")
            free_headline = None  # checked as the "headline" field
        else:
            headline = free_headline = (
                fit_to_limit(output.headline, _FREE_HEADLINE_CHARS) if output.headline else None
            )
        with cpu_bound():  # the checks are CPU work: not sixteen workers at once (bot/cpu.py)
            checks, evidence = run_checks(
                article,
                output.bullets,
                self.style,
                language,
                headline=free_headline,
                fields=fields,
                index=ArticleIndex.build(article, prepared.source_language),
            )
        checks = (*limit_checks, *checks)
        if prepared.truncated:
            checks = (
                Check("truncated", None, str(len(prepared.paragraphs)), "check.truncated"),
                *checks,
            )
        checks_ms = (time.perf_counter() - checks_started) * 1000
        draft = Draft(
            heading=self.style.labels.heading_for(language),
            bullets=tuple(output.bullets),
            headline=headline or None,
            language=language,
            disclaimer=self.style.labels.disclaimer_for(language),
            model=self.model,
            prompt_version=self.prompts.version_for(self.style.instructions),
            engine="claude",
            ai_generated=True,
            checks=checks,
            evidence=evidence,
            usage=tally.usage(self.model, self._prices),
            truncated=prepared.truncated,
            timings=Timings(prepare_ms=prepare_ms, model_ms=model_ms, checks_ms=checks_ms),
            fields=fields,
        )
        log.info(
            "summary.drafted",
            url=article.url,
            engine="claude",
            bullets=len(draft.bullets),
            fields=[name for name, _ in fields],
            checks=[check.kind for check in checks],
            own_ms=round(prepare_ms + checks_ms, 1),
            model_ms=round(model_ms, 1),
        )
        return draft

    def _generate(
        self, prepared: PreparedArticle, instruction: str | None, tally: _Tally
    ) -> tuple[SummaryOutput, float]:
        correction: str | None = None
        max_tokens = self._max_tokens
        model_ms = 0.0
        problem: _Problem | None = None
        for attempt in (1, 2):
            system, messages = build_request(
                self.prompts, self.style, prepared, instruction=instruction, correction=correction
            )
            call_started = time.perf_counter()
            message = self._call(system, messages, max_tokens)
            model_ms += (time.perf_counter() - call_started) * 1000
            tally.add(message)
            outcome = interpret(message)
            if isinstance(outcome, SummaryOutput):
                problem = _style_problem(outcome, self.style, prepared.target_language)
                if problem is None or attempt == 2:
                    return outcome, model_ms  # a style miss on the 2nd try is left to the checks
            else:
                problem = outcome
            if attempt == 1:
                log.warning(
                    "summary.corrective_attempt",
                    reason=problem.kind,
                    stop_reason=message.stop_reason,
                    request_id=message._request_id,
                )
                correction = problem.correction
                if problem.kind == "max_tokens":
                    max_tokens = min(max_tokens * 2, self._max_tokens * 4)
        assert problem is not None
        if problem.kind == "refusal":
            raise ModelRefused("stop_reason=refusal twice")
        raise ModelOutputInvalid(f"{problem.kind}: {problem.correction}")

    def _call(
        self, system: Sequence[TextBlockParam], messages: Sequence[MessageParam], max_tokens: int
    ) -> Message:
        output_config: OutputConfigParam = {"format": output_format(self.style)}
        if self._effort in ("low", "medium", "high"):
            output_config["effort"] = self._effort  # type: ignore[typeddict-item]  # checked above

        def once(timeout_s: float) -> Message:
            # No temperature/top_p/top_k: current models reject them (Haiku 5.5 migration guide).
            answer = self._client.messages.create(
                model=self.model,
                max_tokens=max_tokens,
                system=list(system),
                messages=list(messages),
                output_config=output_config,
                timeout=timeout_s,
            )
            # Not retried: a server that is not the Messages API will not become one.
            return checked_message(answer, base_url=self._client.base_url)

        try:
            return call_with_retries(once, self._retry, what="messages.create")
        except anthropic.AnthropicError as exc:
            raise to_summary_error(exc) from exc

    def _log_usage(self, tally: _Tally, article: Article, *, outcome: str) -> None:
        if not tally.attempts:
            return
        usage = tally.usage(self.model, self._prices)
        log.info(
            "summary.usage",
            url=article.url,
            outcome=outcome,
            model=self.model,
            prompt_version=self.prompts.version_for(self.style.instructions),
            attempts=usage.attempts,
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            cache_creation_input_tokens=usage.cache_creation_input_tokens,
            cache_read_input_tokens=usage.cache_read_input_tokens,
            cost_usd=str(usage.cost_usd),
            request_ids=tally.request_ids,
        )
