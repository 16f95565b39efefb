"""Output fields beside the bullets (headline, teaser, SEO description, social post): how the
prompt lists them (:func:`field_lines`), how a text is fitted to its character limit
(:func:`fit_to_limit`), and the limits put on what the model wrote (:func:`enforce_limits`).

An overshoot is trimmed here rather than sent back to the model: a character limit is the
CMS's hard limit, a second model call for a few characters too many costs more than the whole
field, and an editor sees every trimmed field flagged (``check.field_trimmed``) before
approving. A requested field the model left empty is flagged as missing and left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from bot.domain import SUMMARY_FIELD_NAMES
from bot.summarizer.types import Check

__all__ = ["SUMMARY_FIELD_NAMES", "enforce_limits", "field_lines", "fit_to_limit"]

_ELLIPSIS = "…"
_TRAILING = " \t\n,;:–—-([{\"'„“‚‘«»"

# What each field is, for the prompt (the template adds the shared rules).
_DESCRIPTIONS: Mapping[str, str] = {
    "headline": "a factual headline",
    "teaser": "a teaser paragraph in plain news language on what the article reports",
    "seo_description": "a meta description for search engines: what the article reports, "
    "with its key terms",
    "social": "a post for social media, without hashtags, emojis or links",
}


def field_lines(fields: Sequence[tuple[str, int]]) -> str:
    """One line per requested field for the prompt: its JSON key, what it is, its limit."""
    return "\n".join(
        f'- "{name}": {_DESCRIPTIONS.get(name, name)}, at most {limit} characters'
        for name, limit in fields
    )


def fit_to_limit(text: str, limit: int) -> str:
    """``text`` on one line, cut at the last word boundary that leaves room for "…" when it
    is longer than ``limit`` characters; never longer than ``limit``."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    room = flat[: max(limit - len(_ELLIPSIS), 1)]
    whole = flat[len(room)] == " "  # the room ends with a complete word
    cut = room if whole or " " not in room else room.rsplit(" ", 1)[0]
    cut = cut.rstrip(_TRAILING) or room.rstrip()
    return (cut + _ELLIPSIS)[:limit]


def enforce_limits(
    written: Mapping[str, str | None], fields: Iterable[tuple[str, int]]
) -> tuple[tuple[tuple[str, str], ...], tuple[Check, ...]]:
    """The requested ``fields`` as written, each fitted to its limit, in the style's order;
    and a check for each one trimmed or missing."""
    kept: list[tuple[str, str]] = []
    checks: list[Check] = []
    for name, limit in fields:
        text = " ".join((written.get(name) or "").split())
        if not text:
            checks.append(Check("length", None, name, "check.field_missing", field=name))
            continue
        fitted = fit_to_limit(text, limit)
        if fitted != text:
            checks.append(
                Check(
                    "length",
                    None,
                    fitted,
                    "check.field_trimmed",
                    {"chars": len(text), "limit": limit},
                    field=name,
                )
            )
        kept.append((name, fitted))
    return tuple(kept), tuple(checks)
