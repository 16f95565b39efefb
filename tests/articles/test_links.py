"""Links from Slack messages: rich_text first, escaped text as fallback, normalized and capped."""

from __future__ import annotations

from typing import Any

import pytest

from bot.articles.links import extract_links, normalize_url


def rich(*elements: dict[str, Any]) -> dict[str, Any]:
    return {"type": "rich_text", "block_id": "b1", "elements": list(elements)}


def section(*inline: dict[str, Any]) -> dict[str, Any]:
    return {"type": "rich_text_section", "elements": list(inline)}


def link(url: str, text: str | None = None) -> dict[str, Any]:
    el: dict[str, Any] = {"type": "link", "url": url}
    if text:
        el["text"] = text
    return el


def test_links_from_rich_text_sections_quotes_and_lists() -> None:
    message = {
        "text": "ignored when blocks carry links",
        "blocks": [
            rich(
                section({"type": "text", "text": "Read "}, link("https://news.example/a")),
                {
                    "type": "rich_text_quote",
                    "elements": [link("https://news.example/quoted", "quoted")],
                },
                {
                    "type": "rich_text_list",
                    "style": "bullet",
                    "elements": [
                        section(link("https://news.example/l1")),
                        section(link("https://news.example/l2")),
                    ],
                },
                {"type": "rich_text_preformatted", "elements": [link("https://news.example/pre")]},
            )
        ],
    }
    assert extract_links(message) == [
        "https://news.example/a",
        "https://news.example/quoted",
        "https://news.example/l1",
        "https://news.example/l2",
        "https://news.example/pre",
    ]


def test_rich_text_ignores_mentions_mailto_and_slack_links() -> None:
    message = {
        "blocks": [
            rich(
                section(
                    {"type": "user", "user_id": "U123"},
                    {"type": "channel", "channel_id": "C123"},
                    {"type": "usergroup", "usergroup_id": "S123"},
                    {"type": "broadcast", "range": "channel"},
                    link("mailto:desk@news.example"),
                    link("https://myteam.slack.com/archives/C1/p123"),
                    link("slack://channel?id=C1"),
                    link("ftp://files.example/x"),
                    link("https://news.example/story"),
                )
            )
        ]
    }
    assert extract_links(message) == ["https://news.example/story"]


def test_text_fallback_unescapes_and_skips_mentions() -> None:
    text = (
        "<@U024BE7LH> <#C024BE7LR|general> <!here> <!subteam^SAZ94GDB8> "
        "see <https://news.example/a?x=1&amp;y=2|the story> and <https://news.example/b> "
        "<mailto:desk@news.example|mail us>"
    )
    assert extract_links({"text": text}) == [
        "https://news.example/a?x=1&y=2",
        "https://news.example/b",
    ]


def test_normalization_and_dedupe() -> None:
    message = {
        "blocks": [
            rich(
                section(
                    link("HTTPS://News.Example:443/story?utm_source=x&id=7&fbclid=abc#comments"),
                    link("https://news.example/story?id=7"),
                    link("https://news.example/story?id=7&gclid=zzz&utm_medium=social"),
                )
            )
        ]
    }
    assert extract_links(message) == ["https://news.example/story?id=7"]


def test_cap_per_message() -> None:
    urls = [f"https://news.example/{i}" for i in range(100)]
    message = {"blocks": [rich(section(*(link(u) for u in urls)))]}
    assert extract_links(message) == urls[:5]
    assert extract_links(message, max_links=2) == urls[:2]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("http://news.example", "http://news.example/"),
        ("http://news.example:80/a", "http://news.example/a"),
        ("https://news.example:8443/a", "https://news.example:8443/a"),
        ("https://bücher.example/ä", "https://xn--bcher-kva.example/ä"),
        ("https://user:pw@news.example/a", None),
        ("javascript:alert(1)", None),
        ("file:///etc/passwd", None),
        ("https://[::1]:8080/x", "https://[::1]:8080/x"),
        (
            "https://news.example/a?ref=home&mc_cid=1&pk_campaign=x",
            "https://news.example/a?ref=home",
        ),
        ("https://news.example:99999/", None),
    ],
)
def test_normalize_url(raw: str, expected: str | None) -> None:
    assert normalize_url(raw) == expected


@pytest.mark.parametrize(
    "message",
    [
        {},
        {"text": None, "blocks": None},
        {"blocks": "not a list"},
        {"blocks": [{"type": "rich_text", "elements": [None, 3, {"type": "link"}]}]},
        {"text": "<<<>>> <|> <http://> &amp;"},
    ],
)
def test_malformed_messages_yield_no_links(message: dict[str, Any]) -> None:
    assert extract_links(message) == []
