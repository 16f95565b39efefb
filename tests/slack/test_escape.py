"""Escaping and truncation: article and model text can never ping, mention or link in Slack."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.slack.escape import (
    ELLIPSIS,
    WORD_JOINER,
    escape_mrkdwn,
    escape_truncated,
    link,
    slack_len,
    truncate,
    user_mention,
)

_LIVE = re.compile(r"<[!@#]|<https?:|<mailto:")
_DANGLING_ENTITY = re.compile(r"&(?!amp;|lt;|gt;)")

# Text without control characters (escape_mrkdwn drops those) but rich in Slack's specials.
_text = st.lists(
    st.one_of(
        st.sampled_from(["<", ">", "&", "|", "@", "!", "#", " ", "\n", "*", "@channel", "@here"]),
        st.sampled_from(["<!everyone>", "<@U123>", "&amp;", "&lt;", "é", "e\u0301", "😀"]),
        st.characters(blacklist_categories=("Cc", "Cs")),
    ),
    max_size=80,
).map("".join)


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def test_escape_replaces_exactly_the_three_control_characters() -> None:
    assert escape_mrkdwn("Tom & Jerry <3 > 2") == "Tom &amp; Jerry &lt;3 &gt; 2"
    assert escape_mrkdwn("Müller sagt: „Ja“ – 100 %") == "Müller sagt: „Ja“ – 100 %"


@pytest.mark.parametrize(
    "live",
    [
        "<!channel>",
        "<!here>",
        "<!everyone>",
        "<!subteam^S0614TZR7|@editors>",
        "<@U060RNRCZ>",
        "<#C0123456|general>",
        "<https://evil.example/login|Click to read the article>",
        "<mailto:a@b.example|mail>",
        "<!date^1392734382^{date}|Feb 18>",
    ],
)
def test_escaped_markup_is_inert(live: str) -> None:
    escaped = escape_mrkdwn(f"Before {live} after")
    assert "<" not in escaped and ">" not in escaped
    assert not _LIVE.search(escaped)
    assert _unescape(escaped) == f"Before {live} after"  # shown to readers as written


@pytest.mark.parametrize("word", ["@channel", "@here", "@everyone", "@Channel", "@HERE"])
def test_bare_broadcast_words_are_broken(word: str) -> None:
    escaped = escape_mrkdwn(f"Hey {word}!")
    assert word not in escaped
    assert escaped.replace(WORD_JOINER, "") == f"Hey {word}!"


def test_addresses_that_merely_start_like_broadcasts_stay_intact() -> None:
    assert escape_mrkdwn("press@channelnews.example") == "press@channelnews.example"


def test_control_characters_are_dropped_and_newlines_normalized() -> None:
    assert escape_mrkdwn("a\x00b\r\nc\rd\te") == "ab\nc\nd\te"


@given(_text)
def test_escape_round_trips_and_leaves_nothing_live(text: str) -> None:
    escaped = escape_mrkdwn(text)
    assert "<" not in escaped and ">" not in escaped
    assert not _DANGLING_ENTITY.search(escaped)
    # Word joiners are what escaping inserts, so the round trip is compared without them (an
    # input that holds one itself, as hypothesis found, is no different).
    expected = text.replace("\r\n", "\n").replace("\r", "\n").replace(WORD_JOINER, "")
    assert _unescape(escaped).replace(WORD_JOINER, "") == expected


def test_truncate_keeps_short_text_and_cuts_long_text_with_an_ellipsis() -> None:
    assert truncate("abc", 3) == "abc"
    assert truncate("abcdef", 4) == "abc" + ELLIPSIS
    assert truncate("word word word", 10) == "word word" + ELLIPSIS
    with pytest.raises(ValueError):
        truncate("abc", 0)


def test_slack_len_counts_astral_characters_twice() -> None:
    assert slack_len("ab") == 2
    assert slack_len("😀") == 2
    assert truncate("😀😀😀", 4) == "😀" + ELLIPSIS
    assert slack_len(truncate("😀" * 100, 9)) <= 9


def test_truncate_keeps_combining_marks_with_their_letter() -> None:
    text = "e\u0301" * 10  # é as e + combining acute
    cut = truncate(text, 6)
    body = cut.removesuffix(ELLIPSIS)
    assert body == "e\u0301" * (len(body) // 2)


@pytest.mark.parametrize("limit", range(2, 30))
def test_truncate_never_splits_an_entity(limit: int) -> None:
    cut = escape_truncated("a&b<c>d" * 10, limit)
    assert slack_len(cut) <= limit
    assert not _DANGLING_ENTITY.search(cut)
    assert not re.search(r"&(a|am|l|g|amp|lt|gt)?" + ELLIPSIS, cut)


@given(_text, st.integers(min_value=1, max_value=120))
def test_escape_truncated_fits_and_stays_escaped(text: str, limit: int) -> None:
    cut = escape_truncated(text, limit)
    assert slack_len(cut) <= limit
    assert "<" not in cut and ">" not in cut
    assert not _DANGLING_ENTITY.search(cut)


def test_link_escapes_label_and_url() -> None:
    assert (
        link("https://news.example/a?x=1&y=2", "Q&A <live>")
        == "<https://news.example/a?x=1&amp;y=2|Q&amp;A &lt;live&gt;>"
    )
    made = link("https://news.example/a|b>c", "t|x")
    assert made == "<https://news.example/a%7Cb%3Ec|t¦x>"


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://x.example/f", "news.example/a", "https://a b.example/"]
)
def test_link_refuses_anything_but_web_urls(url: str) -> None:
    assert link(url, "Title") == "Title"


def test_link_drops_overlong_urls_but_keeps_the_label() -> None:
    assert link("https://x.example/" + "a" * 2000, "Title") == "Title"


def test_user_mention_only_for_well_formed_ids() -> None:
    assert user_mention("U060RNRCZ") == "<@U060RNRCZ>"
    assert user_mention("W123ABC") == "<@W123ABC>"
    assert user_mention("U1>|<!channel", "someone") == "someone"
    assert user_mention(None, "<!here>") == "&lt;!here&gt;"
