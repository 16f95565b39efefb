"""Values the summarizer hands to its callers: house style, drafts, checks, evidence, usage."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, Protocol, runtime_checkable

from bot.domain import Article
from bot.i18n.labels import SummaryLabels
from bot.settings import Settings

CheckKind = Literal[
    "number",
    "quote",
    "attribution",
    "name",
    "artefact",
    "negation",
    "language",
    "length",
    "count",
    "truncated",
]
Engine = Literal["claude", "extractive"]


@dataclass(frozen=True, slots=True)
class HouseStyle:
    """How a summary must look; every value comes from configuration, never from the model."""

    bullets: int = 3
    max_words_per_bullet: int = 30
    language: str | None = None  # None: the article's language
    labels: SummaryLabels = field(default_factory=SummaryLabels)
    fields: tuple[tuple[str, int], ...] = ()
    # A desk's extra house-style instructions (its style file), added to the shared prompts.
    instructions: str = ""

    @classmethod
    def from_settings(cls, settings: Settings) -> HouseStyle:
        return cls(
            bullets=settings.summary_bullets,
            max_words_per_bullet=settings.summary_max_words_per_bullet,
            language=(settings.summary_language or "").strip().lower() or None,
            labels=SummaryLabels.from_settings(settings),
            fields=tuple(settings.summary_fields),
        )

    def field_limit(self, name: str) -> int | None:
        """The character limit of output field ``name``, or None when it is not asked for."""
        return dict(self.fields).get(name)


@dataclass(frozen=True, slots=True)
class Check:
    """A warning shown beside the buttons: something in the draft needs a human look.

    ``bullet`` is the 0-based bullet index, or None for a field, the model's free headline or
    the draft as a whole. ``field`` names the output field (``headline``, ``teaser``…) a check
    is about, None for bullets and the draft. ``message_key`` keys a sentence in ``bot.i18n``
    that takes ``text`` and ``params``.
    """

    kind: CheckKind
    bullet: int | None
    text: str
    message_key: str
    params: dict[str, Any] = field(default_factory=dict)
    field: str | None = None

    def sentence(self, lang: str = "en") -> str:
        from bot.i18n import t  # noqa: PLC0415  # bot.i18n imports this package's catalogue

        return t(self.message_key, lang, text=self.text, **self.params)

    def to_json(self) -> dict[str, Any]:
        # "field" only when set: checks stored before fields existed read back the same way.
        data: dict[str, Any] = {
            "kind": self.kind,
            "bullet": self.bullet,
            "text": self.text,
            "message_key": self.message_key,
            "params": dict(self.params),
        }
        if self.field is not None:
            data["field"] = self.field
        return data


@dataclass(frozen=True, slots=True)
class Evidence:
    """The article sentence that supports a bullet best, and how well (0: none, 1: all words)."""

    bullet: int
    sentence: str
    score: float

    def to_json(self) -> dict[str, Any]:
        return {"bullet": self.bullet, "sentence": self.sentence, "score": self.score}


@dataclass(frozen=True, slots=True)
class Usage:
    """Tokens billed for one summary (all attempts together) and the estimated cost."""

    input_tokens: int
    output_tokens: int
    cache_creation_input_tokens: int
    cache_read_input_tokens: int
    model: str
    cost_usd: Decimal
    attempts: int = 1

    @property
    def prompt_tokens(self) -> int:
        """Every input token, whether fresh, written to or read from the cache."""
        return self.input_tokens + self.cache_creation_input_tokens + self.cache_read_input_tokens

    def to_json(self) -> dict[str, Any]:
        return {
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "cache_creation_input_tokens": self.cache_creation_input_tokens,
            "cache_read_input_tokens": self.cache_read_input_tokens,
            "model": self.model,
            "cost_usd": str(self.cost_usd),
            "attempts": self.attempts,
        }


@dataclass(frozen=True, slots=True)
class Timings:
    """Where the time went: our own work before and after the model, and the model call."""

    prepare_ms: float
    model_ms: float
    checks_ms: float

    @property
    def own_ms(self) -> float:
        return self.prepare_ms + self.checks_ms

    def to_json(self) -> dict[str, float]:
        return {
            "prepare_ms": round(self.prepare_ms, 2),
            "model_ms": round(self.model_ms, 2),
            "checks_ms": round(self.checks_ms, 2),
        }


@dataclass(frozen=True, slots=True)
class Draft:
    """A summary ready for an editor: text, provenance, checks and evidence."""

    heading: str
    bullets: tuple[str, ...]
    headline: str | None
    language: str
    disclaimer: str
    model: str | None
    prompt_version: str | None
    engine: Engine
    ai_generated: bool
    checks: tuple[Check, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    usage: Usage | None = None
    truncated: bool = False
    timings: Timings | None = None
    # The requested output fields (HouseStyle.fields) that were written: (name, text), in the
    # style's order, each within its limit.
    fields: tuple[tuple[str, str], ...] = ()

    @property
    def text(self) -> str:
        """The plain text an editor approves: heading, headline, bullets, disclaimer."""
        lines = [self.heading]
        if self.headline:
            lines.append(self.headline)
        lines.extend(f"• {bullet}" for bullet in self.bullets)
        if self.disclaimer:
            lines.append(self.disclaimer)
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "heading": self.heading,
            "headline": self.headline,
            "bullets": list(self.bullets),
            "language": self.language,
            "disclaimer": self.disclaimer,
            "engine": self.engine,
            "ai_generated": self.ai_generated,
            "model": self.model,
            "prompt_version": self.prompt_version,
            "truncated": self.truncated,
            "checks": [check.to_json() for check in self.checks],
            "evidence": [item.to_json() for item in self.evidence],
            "usage": self.usage.to_json() if self.usage else None,
            "timings": self.timings.to_json() if self.timings else None,
            "fields": dict(self.fields),
        }


@runtime_checkable
class Summarizer(Protocol):
    """Turns an article into a draft. ``instruction`` is an editor's wish on Regenerate."""

    def summarize(self, article: Article, *, instruction: str | None = None) -> Draft: ...
