"""A draft view to build cards from, hostile text, and helpers that build or read payloads."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from bot.slack.views import ArticleRef, CheckWarning, DraftView, ErrorView, Evidence

LANGS = ("en", "de")
STATES = (
    "queued",
    "working",
    "ready",
    "regenerating",
    "approved",
    "published",
    "publish_failed",
    "rejected",
    "failed",
    "retracted",
)
ARTICLE = ArticleRef(
    url="https://news.example/politik/artikel-1?ref=a&utm=b",
    title="Bundestag beschließt Haushalt",
    site="News Example",
    published="2024-05-03T10:15:00+02:00",
)
HOSTILE = (
    "<!channel> Read <https://evil.example/phish|the full story> now, <@U0BADBAD> & <#C0GENERAL>"
    " @here @everyone <!subteam^S123|@editors> <!date^1392734382^{date}|x>"
)
LIVE = re.compile(
    r"<!channel>|<!here>|<!everyone>|<!subteam|<@U0BADBAD>|<#C0GENERAL>|<https://evil"
)


def draft(**changes: Any) -> DraftView:
    base = DraftView(
        draft_id="d-42",
        state="ready",
        article=ARTICLE,
        heading="Zusammenfassung",
        bullets=(
            "Der Bundestag hat den Haushalt 2025 mit 380 Stimmen beschlossen.",
            "Die Opposition kritisiert die Neuverschuldung von 50 Milliarden Euro.",
            "Der Bundesrat berät im Juni.",
        ),
        disclaimer="Diese Zusammenfassung wurde mit Hilfe künstlicher Intelligenz erstellt.",
        language="de",
        model="claude-haiku-5-5",
        prompt_version="3f2a1c9b8e7d6c5b",
        warnings=(
            CheckWarning(
                kind="number", message_key="check.number_absent", bullet_index=1, text="50"
            ),
            CheckWarning(kind="length", message_key="check.too_long", bullet_index=None),
        ),
        evidence=(Evidence("Mit 380 Stimmen nahm das Parlament den Etat an.", 0.873), None, None),
        requested_by="U0REPORTER",
        approved_by="U0EDITOR",
        approved_at=datetime(2024, 5, 3, 12, 0, tzinfo=UTC),
        rejected_by="U0EDITOR",
        reject_reason="Zu ungenau",
        regenerate_requested_by="U0EDITOR",
        retracted_by="U0EDITOR",
        publish_status="Published to the CMS.",
        error=ErrorView(code="paywalled"),
    )
    return replace(base, **changes)


def texts(node: Any) -> Iterator[str]:
    """Every text a reader can see (text objects), anywhere in a payload."""
    if isinstance(node, Mapping):
        if node.get("type") in ("plain_text", "mrkdwn") and isinstance(node.get("text"), str):
            yield node["text"]
        else:
            for value in node.values():
                yield from texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from texts(item)


def joined(node: Any) -> str:
    return "\n".join(texts(node))


def action_blocks(message: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [b for b in message["blocks"] if b["type"] == "actions"]


def buttons(message: Mapping[str, Any]) -> list[tuple[str, str, str | None]]:
    return [
        (e["action_id"], e["value"], e.get("style"))
        for block in action_blocks(message)
        for e in block["elements"]
    ]


# --- Hostile and huge input -------------------------------------------------------------------


def hostile_draft(state: str) -> DraftView:
    huge = HOSTILE + " " + "x&<>" * 800  # over 3,000 characters once escaped
    return draft(
        state=state,
        article=ArticleRef(
            url="https://news.example/" + "a" * 4000, title=huge, site=huge, published=huge
        ),
        heading="H" * 400,
        bullets=tuple(huge[:3000] for _ in range(5)),
        disclaimer=huge,
        model=huge,
        prompt_version=huge,
        language=huge,
        warnings=tuple(
            CheckWarning(kind=huge, message_key="check.x", bullet_index=i % 6, text=huge)
            for i in range(40)
        ),
        evidence=tuple(Evidence(huge, 0.5) for _ in range(5)),
        reject_reason=huge,
        publish_status=huge,
        error=ErrorView(code="file_not_readable", params={"reason": huge}, retryable=True),
        requested_by="<!channel>",
        edited_by="U0EDITOR",
    )


# --- The validator itself ---------------------------------------------------------------------


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def button(**changes: Any) -> dict[str, Any]:
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": "Go"},
        "action_id": "a",
        "value": "1",
        **changes,
    }
