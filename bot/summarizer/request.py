"""The Messages API request of a summary: the article prepared as data (:func:`prepare_article`),
the system and user blocks with prompt caching (:func:`build_request`), the structured-output
schema (:data:`OUTPUT_FORMAT`), and our offline estimate of its size.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlsplit

import anthropic
from anthropic.types import (
    CacheControlEphemeralParam,
    JSONOutputFormatParam,
    MessageParam,
    TextBlockParam,
)
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from bot.domain import Article
from bot.summarizer.fields import field_lines
from bot.summarizer.prompts import PromptSet
from bot.summarizer.text import (
    clean_paragraphs,
    detect_language,
    estimate_tokens,
    language_name,
    normalize_language,
    trim_to_budget,
)
from bot.summarizer.types import HouseStyle

_CACHE: CacheControlEphemeralParam = {"type": "ephemeral"}
_MAX_INSTRUCTION_CHARS = 500
_TAG_LIKE = re.compile(r"<(?=/?\s*[A-Za-z_])")

Bullet = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=600)]
# Generous: a field over its character limit is trimmed afterwards (bot.summarizer.fields), not
# refused; this bound only stops a runaway answer.
FieldText = Annotated[str | None, Field(default=None, max_length=12_000)]


class _BulletsOutput(BaseModel):
    # What the model must answer without extra fields: sent as output_config.format.

    model_config = ConfigDict(extra="forbid")

    bullets: list[Bullet] = Field(
        min_length=1, max_length=8, description="The bullet sentences, most important first."
    )
    language: str = Field(
        min_length=2,
        max_length=12,
        description="ISO 639-1 code of the language the bullets are written in.",
    )
    headline: str | None = Field(
        default=None, max_length=200, description="A short factual headline, or null."
    )


class SummaryOutput(_BulletsOutput):
    # The answer as validated on return: the bullets, and the fields a style may ask for
    # (output_format adds the requested ones to the schema; "headline" is already there).

    headline: str | None = Field(default=None, max_length=12_000)
    teaser: FieldText
    seo_description: FieldText
    social: FieldText

    def field_texts(self) -> dict[str, str | None]:
        return {
            "headline": self.headline,
            "teaser": self.teaser,
            "seo_description": self.seo_description,
            "social": self.social,
        }


def _lean(schema: Any) -> Any:
    """The schema without titles and descriptions: the system prompt explains the fields, and
    every token here is paid on every request. Limits stay in the pydantic validation."""
    if isinstance(schema, dict):
        return {k: _lean(v) for k, v in schema.items() if k not in ("title", "description")}
    if isinstance(schema, list):
        return [_lean(item) for item in schema]
    return schema


OUTPUT_FORMAT: JSONOutputFormatParam = {
    "type": "json_schema",
    "schema": _lean(anthropic.transform_schema(_BulletsOutput)),
}


def output_format(style: HouseStyle) -> JSONOutputFormatParam:
    """The structured-output schema for ``style``: :data:`OUTPUT_FORMAT` (bullets only), or
    with each requested field as a required string. Structured outputs take no ``maxLength``
    (the SDK's ``transform_schema`` moves it into a description), so the prompt states the
    limits and :func:`bot.summarizer.fields.enforce_limits` holds them."""
    if not style.fields:
        return OUTPUT_FORMAT
    schema = json.loads(json.dumps(OUTPUT_FORMAT["schema"]))
    for name, _limit in style.fields:
        schema["properties"][name] = {"type": "string"}
        schema["required"].append(name)
    return {"type": "json_schema", "schema": schema}


@dataclass(frozen=True, slots=True)
class PreparedArticle:
    """The article as it goes to the model: cleaned, trimmed, rendered."""

    paragraphs: tuple[str, ...]
    truncated: bool
    removed_chrome: int
    source_language: str | None
    target_language: str
    article_block: str
    words: int


def _neutralize(text: str) -> str:
    """Make tag-like text inert, so article or editor text cannot close our tags."""
    return _TAG_LIKE.sub("‹", text)


def prepare_article(
    article: Article,
    prompts: PromptSet,
    style: HouseStyle,
    *,
    budget_tokens: int,
) -> PreparedArticle:
    paragraphs, removed = clean_paragraphs(article.text, style.labels.ai_disclaimers())
    source_language = normalize_language(article.language)
    detected = None if source_language else detect_language(" ".join(paragraphs[:20])).language
    target = normalize_language(style.language) or source_language or detected or "en"
    kept, truncated = trim_to_budget(paragraphs, budget_tokens, source_language or detected)
    site = article.site_name or urlsplit(article.final_url or article.url).hostname or "unknown"
    block = prompts.render(
        "article",
        {
            "language": source_language or detected or "unknown",
            "truncated": "yes" if truncated else "no",
            "title": _neutralize(article.title or "unknown"),
            "site": _neutralize(site),
            "date": _neutralize(article.published or "unknown"),
            "text": _neutralize("\n\n".join(kept)),
        },
    )
    return PreparedArticle(
        paragraphs=tuple(kept),
        truncated=truncated,
        removed_chrome=removed,
        source_language=source_language or detected,
        target_language=target,
        article_block=block,
        words=sum(len(p.split()) for p in paragraphs),
    )


def build_request(
    prompts: PromptSet,
    style: HouseStyle,
    prepared: PreparedArticle,
    *,
    instruction: str | None = None,
    correction: str | None = None,
) -> tuple[list[TextBlockParam], list[MessageParam]]:
    """System blocks and messages. Both the system prompt and the article are cache breakpoints:
    the system prompt is shared by every summary, the article by Regenerate and corrections."""
    values = {"bullets": style.bullets, "max_words": style.max_words_per_bullet}
    system: list[TextBlockParam] = [
        {"type": "text", "text": prompts.render("system", values), "cache_control": _CACHE}
    ]
    if style.instructions:
        # A desk's style: its own cache breakpoint after the shared prompt (at most 4 per
        # request; this makes 3), so every desk still reads the shared system prompt's cache.
        desk = prompts.render("desk_style", {"instructions": _neutralize(style.instructions)})
        system.append({"type": "text", "text": desk, "cache_control": _CACHE})
    task = prompts.render(
        "task",
        {
            **values,
            "language": prepared.target_language,
            "language_name": language_name(prepared.target_language),
        },
    )
    blocks: list[TextBlockParam] = [
        {"type": "text", "text": prepared.article_block, "cache_control": _CACHE},
        {"type": "text", "text": task},
    ]
    if style.fields:
        # After the cached article block, so the article stays a shared cache prefix.
        wanted = prompts.render("fields", {"fields": field_lines(style.fields)})
        blocks.append({"type": "text", "text": wanted})
    if instruction and instruction.strip():
        request = _neutralize(" ".join(instruction.split())[:_MAX_INSTRUCTION_CHARS])
        blocks.append(
            {"type": "text", "text": prompts.render("editor_request", {"request": request})}
        )
    if correction:
        blocks.append(
            {"type": "text", "text": prompts.render("correction", {"problem": correction})}
        )
    return system, [{"role": "user", "content": blocks}]


def estimate_prompt_tokens(
    prompts: PromptSet, style: HouseStyle, prepared: PreparedArticle
) -> Mapping[str, int]:
    """Our offline estimate of the request's input tokens, split into article text and prompt."""
    system, messages = build_request(prompts, style, prepared)
    language = prepared.source_language
    article_text = estimate_tokens("\n\n".join(prepared.paragraphs), language)
    system_tokens = sum(estimate_tokens(block["text"], "en") for block in system)
    message_tokens = 0
    for message in messages:
        content = message["content"]
        assert not isinstance(content, str)
        for block in content:
            text = str(block.get("text", ""))  # type: ignore[union-attr]  # all our blocks are text
            is_article = text == prepared.article_block
            message_tokens += estimate_tokens(text, language if is_article else "en")
    schema = estimate_tokens(json.dumps(output_format(style)), "en")
    total = system_tokens + message_tokens + schema
    return {
        "article_text": article_text,
        "prompt": total - article_text,
        "system": system_tokens,
        "total": total,
    }
