"""Links a reporter pasted in a Slack message: found, filtered, normalized, deduplicated, capped.

Slack gives links two ways (https://docs.slack.dev/reference/block-kit/blocks/rich-text-block and
https://docs.slack.dev/messaging/formatting-message-text): as ``link`` elements of the message's
``rich_text`` blocks (raw URLs, inside sections, lists, quotes and preformatted blocks), and in the
legacy ``text`` field as ``<url>`` / ``<url|label>`` with ``&``, ``<``, ``>`` escaped as entities.
Rich text is the source of truth; ``text`` is the fallback for messages without blocks.

This module reads plain dicts (the event payload) and imports nothing from Slack's SDKs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only track the click; removing them never changes the article.
_TRACKING_EXACT = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "li_fat_id",
        "igshid",
        "igsh",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "wt_mc",
        "wt.mc_id",
        "cmpid",
        "ocid",
        "ns_campaign",
        "ns_mchannel",
        "ns_source",
        "ns_medium",
        "ns_linkname",
        "ns_fee",
        "s_cid",
        "xtor",
        "rss",
        "smid",
        "spm",
    }
)
# at_* is AT Internet/Piano Analytics; pk_/mtm_ Matomo; hsa_ HubSpot ads; itm_ internal campaigns.
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "itm_", "at_")

_SLACK_HOST = re.compile(r"(^|\.)(slack\.com|slack-edge\.com|slack-files\.com|slack-redir\.net)$")
# <...> tokens in Slack's escaped text: links, mentions (@U, #C, !here, !subteam^S…).
_ANGLE_TOKEN = re.compile(r"<([^<>]+)>")


def extract_links(message: Mapping[str, Any], max_links: int = 5) -> list[str]:
    """The normalized http(s) article links of a Slack message, in order, deduplicated, capped.

    Reads ``rich_text`` blocks first (including quotes and lists); falls back to the ``<url>``
    forms in ``text`` when the blocks carry no links. Mentions, ``mailto:``, Slack's own links
    and anything that is not http(s) are ignored.
    """
    candidates = list(_links_from_blocks(message.get("blocks")))
    if not candidates:
        candidates = list(_links_from_text(message.get("text")))
    return dedupe_and_cap(candidates, max_links)


def dedupe_and_cap(urls: Iterable[str], max_links: int) -> list[str]:
    """Normalize, drop ignorable links, keep first occurrences, cap at ``max_links``."""
    seen: set[str] = set()
    result: list[str] = []
    for raw in urls:
        url = normalize_url(raw)
        if url is None or url in seen:
            continue
        seen.add(url)
        result.append(url)
        if len(result) >= max_links:
            break
    return result


def normalize_url(raw: str) -> str | None:
    """A canonical form for an article link, or ``None`` for links that are not articles.

    Lower-cases scheme and host, encodes international host names (IDNA), drops default ports,
    the fragment and tracking parameters (``utm_*``, ``fbclid``, ``gclid``…); keeps every other
    parameter in its order, since some sites identify the article by a query parameter.
    """
    raw = raw.strip()
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return None
    host = (parts.hostname or "").rstrip(".")
    if not host or _SLACK_HOST.search(host):
        return None
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host.lower()
    except UnicodeError:
        return None
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    if port is not None and not (
        (scheme == "http" and port == 80) or (scheme == "https" and port == 443)
    ):
        host = f"{host}:{port}"
    if parts.username or parts.password:
        # Credentials in a pasted link are never needed for an article and must not be stored.
        return None
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _tracking(k)],
        doseq=True,
    )
    path = parts.path or "/"
    return urlunsplit((scheme, host, path, query, ""))


def _tracking(key: str) -> bool:
    key = key.lower()
    return key in _TRACKING_EXACT or key.startswith(_TRACKING_PREFIXES)


def _links_from_blocks(blocks: Any) -> Iterator[str]:
    if not isinstance(blocks, Sequence) or isinstance(blocks, str):
        return
    for block in blocks:
        if isinstance(block, Mapping) and block.get("type") == "rich_text":
            yield from _walk_rich_text(block.get("elements"))


def _walk_rich_text(elements: Any) -> Iterator[str]:
    """Depth-first over rich_text containers (section, list, quote, preformatted)."""
    if not isinstance(elements, Sequence) or isinstance(elements, str):
        return
    for element in elements:
        if not isinstance(element, Mapping):
            continue
        if element.get("type") == "link":
            url = element.get("url")
            if isinstance(url, str):
                yield url
        elif "elements" in element:
            yield from _walk_rich_text(element.get("elements"))


def _links_from_text(text: Any) -> Iterator[str]:
    if not isinstance(text, str):
        return
    for match in _ANGLE_TOKEN.finditer(text):
        token = match.group(1)
        if token[:1] in ("@", "#", "!"):
            continue  # user, channel, special and user-group mentions
        url = token.split("|", 1)[0]
        yield unescape_slack(url)


def unescape_slack(text: str) -> str:
    """Undo Slack's three entities (&amp; last so ``&amp;lt;`` stays ``&lt;``)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
