"""Make article and model text inert in Slack ``mrkdwn``, and cut text to Slack's limits.

Slack treats ``&``, ``<`` and ``>`` as control characters in text objects and asks apps to send
them as ``&amp;``, ``&lt;``, ``&gt;`` and nothing else ("You shouldn't HTML entity-encode the
entire text": https://api.slack.com/reference/surfaces/formatting#escaping). Once escaped,
``<!channel>``, ``<@U123>``, ``<#C123>`` and ``<https://x|label>`` render as literal text.
Bare ``@channel`` / ``@here`` / ``@everyone`` are only parsed when a text object is not
``verbatim`` (https://docs.slack.dev/reference/block-kit/composition-objects/text-object);
the builders set ``verbatim: true`` and we also break those words with a word joiner.

Lengths are counted the way :func:`slack_len` does: UTF-16 code units, which is never less
than the number of characters, so a text that fits here fits Slack however it counts.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

ELLIPSIS = "…"
WORD_JOINER = "\u2060"

_BROADCASTS = re.compile(r"@(?=(?:channel|here|everyone)\b)", re.IGNORECASE)
_ENTITIES = ("&amp;", "&lt;", "&gt;")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def slack_len(text: str) -> int:
    """Length in UTF-16 code units (an emoji counts 2); an upper bound for Slack's counting."""
    return len(text.encode("utf-16-le")) // 2


def escape_mrkdwn(text: str) -> str:
    """Escape ``&``, ``<``, ``>`` for ``mrkdwn`` and defuse broadcast words; drop control chars."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCASTS.sub("@" + WORD_JOINER, text)


def truncate(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` (see :func:`slack_len`), ending with an ellipsis.

    Cuts on a character boundary, never between a letter and its combining mark, and never
    inside an ``&amp;``/``&lt;``/``&gt;`` entity, so escaped text stays escaped.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if slack_len(text) <= limit:
        return text
    budget = limit - 1  # room for the ellipsis
    used = 0
    cut = 0
    for index, char in enumerate(text):
        width = 2 if ord(char) > 0xFFFF else 1
        if used + width > budget:
            break
        used += width
        cut = index + 1
    while 0 < cut < len(text) and unicodedata.combining(text[cut]):
        cut -= 1  # keep a letter together with the marks that follow it
    amp = text.rfind("&", max(0, cut - 4), cut)
    if amp != -1 and any(
        text.startswith(entity, amp) and amp + len(entity) > cut for entity in _ENTITIES
    ):
        cut = amp
    return text[:cut].rstrip() + ELLIPSIS


def escape_truncated(text: str, limit: int) -> str:
    """Escape, then cut to ``limit`` without breaking an entity."""
    return truncate(escape_mrkdwn(text), limit)


def is_web_url(url: str) -> bool:
    """True for an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


def link(url: str, label: str, *, max_url: int = 1000) -> str:
    """A ``<url|label>`` link whose label is escaped text; plain label if the URL won't do.

    Inside the angle brackets ``|`` would end the URL and ``>`` the link, so they are
    percent-encoded, and ``&`` becomes ``&amp;`` like everywhere else in ``mrkdwn``.
    """
    safe_label = escape_mrkdwn(label).replace("|", "¦") or escape_mrkdwn(url)
    if not is_web_url(url) or slack_len(url) > max_url or any(c.isspace() for c in url):
        return safe_label
    safe_url = url.replace("&", "&amp;").replace("<", "%3C").replace(">", "%3E").replace("|", "%7C")
    return f"<{safe_url}|{safe_label}>"


def user_mention(user_id: str | None, fallback: str = "?") -> str:
    """``<@U…>`` for a well-formed Slack user id, else the escaped fallback."""
    if user_id and _USER_ID.match(user_id):
        return f"<@{user_id}>"
    return escape_mrkdwn(fallback)
