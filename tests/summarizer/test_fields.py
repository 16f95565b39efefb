"""Output fields beside the bullets: asked for in the same structured call, held to their
character limits, checked like bullets; and the extractive engine's fields."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.domain import Article
from bot.settings import ConfigError, load_settings
from bot.summarizer import ClaudeSummarizer, ExtractiveSummarizer, HouseStyle
from bot.summarizer.fields import fit_to_limit
from bot.summarizer.request import OUTPUT_FORMAT
from bot.summarizer.types import Check
from tests.fakes.anthropic_api import FakeAnthropic, Reply
from tests.summarizer.conftest import SEED_BULLETS

Build = Callable[..., ClaudeSummarizer]
FOUR = "headline:70,teaser:300,seo_description:160,social:280"
TEASER = (
    "Xi Jinping und Wladimir Putin haben in Peking Gespräche begonnen. Kim Jong Un reist zur "
    "Militärparade an."
)


def test_the_fields_and_their_limits_go_into_the_one_request(
    fake: FakeAnthropic, make_summarizer: Build, seed: Article
) -> None:
    draft = make_summarizer(summary_fields=FOUR).summarize(seed)

    (request,) = fake.message_requests  # one call for bullets and fields
    schema = request.body["output_config"]["format"]["schema"]
    assert schema["required"] == [
        "bullets",
        "language",
        "headline",
        "teaser",
        "seo_description",
        "social",
    ]
    assert schema["properties"]["teaser"] == {"type": "string"}
    user = request.user_text
    assert '- "headline": a factual headline, at most 70 characters' in user
    assert "at most 300 characters" in user and "at most 160 characters" in user
    assert "at most 280 characters" in user
    blocks = request.body["messages"][0]["content"]
    assert blocks[0]["text"].startswith("<article") and "cache_control" in blocks[0]
    assert "teaser" not in blocks[0]["text"]  # the cached article block is the same as ever
    assert [name for name, _ in draft.fields] == [
        "headline",
        "teaser",
        "seo_description",
        "social",
    ]
    assert all(
        len(text) <= limit
        for (_, text), limit in zip(draft.fields, (70, 300, 160, 280), strict=True)
    )
    assert draft.headline == dict(draft.fields)["headline"]


def test_without_fields_the_request_is_as_before(
    fake: FakeAnthropic, make_summarizer: Build, seed: Article
) -> None:
    draft = make_summarizer().summarize(seed)
    (request,) = fake.message_requests
    assert request.body["output_config"]["format"] == OUTPUT_FORMAT
    assert "CMS" not in request.user_text
    assert draft.fields == ()


def test_the_article_stays_cached_when_fields_are_asked_for(
    fake: FakeAnthropic, make_summarizer: Build, seed: Article
) -> None:
    summarizer = make_summarizer(summary_fields=FOUR)
    summarizer.summarize(seed)
    again = summarizer.summarize(seed, instruction="kürzer")
    assert again.usage is not None and again.usage.cache_read_input_tokens > 0


def test_structured_output_with_fields_is_parsed_in_the_styles_order(
    fake: FakeAnthropic, make_summarizer: Build, seed: Article
) -> None:
    fake.script(
        Reply.summary(
            SEED_BULLETS,
            headline="Xi und Putin beginnen Gespräche in Peking",
            fields={"teaser": TEASER, "social": "Xi und Putin sprechen in Peking."},
        )
    )
    draft = make_summarizer(summary_fields="teaser:300,headline:70").summarize(seed)
    assert draft.fields == (
        ("teaser", TEASER),
        ("headline", "Xi und Putin beginnen Gespräche in Peking"),
    )  # social was not asked for: dropped
    assert draft.checks == ()
    assert draft.to_json()["fields"] == dict(draft.fields)


def test_an_overshooting_field_is_trimmed_at_a_word_and_flagged_without_a_second_call(
    fake: FakeAnthropic, make_summarizer: Build, seed: Article
) -> None:
    long_headline = "Xi Jinping und Wladimir Putin beginnen in Peking ihre Gespräche über vieles"
    fake.script(Reply.summary(SEED_BULLETS, headline=long_headline, fields={"teaser": TEASER}))
    draft = make_summarizer(summary_fields="headline:40,teaser:300").summarize(seed)

    assert len(fake.message_requests) == 1
    headline = dict(draft.fields)["headline"]
    assert headline == "Xi Jinping und Wladimir Putin beginnen…"
    assert len(headline) <= 40
    (flag,) = [c for c in draft.checks if c.message_key == "check.field_trimmed"]
    assert (flag.field, flag.bullet, flag.kind) == ("headline", None, "length")
    assert flag.params == {"chars": len(long_headline), "limit": 40}
    assert "40" in flag.sentence("en")


def test_a_field_left_empty_is_flagged_and_left_out(
    fake: FakeAnthropic, make_summarizer: Build, seed: Article
) -> None:
    fake.script(
        Reply.summary(SEED_BULLETS, headline="Xi und Putin in Peking", fields={"teaser": ""})
    )
    draft = make_summarizer(summary_fields="headline:70,teaser:300").summarize(seed)
    assert [name for name, _ in draft.fields] == ["headline"]
    (flag,) = [c for c in draft.checks if c.message_key == "check.field_missing"]
    assert flag.field == "teaser"


def test_checks_flag_a_wrong_number_in_a_headline(
    fake: FakeAnthropic, make_summarizer: Build, seed: Article
) -> None:
    fake.script(
        Reply.summary(SEED_BULLETS, headline="Kim reist zum 90. Jahrestag nach Peking", fields={})
    )
    draft = make_summarizer(summary_fields="headline:70").summarize(seed)
    numbers = [c for c in draft.checks if c.kind == "number"]
    assert numbers and all(c.field == "headline" and c.bullet is None for c in numbers)
    assert "90" in numbers[0].text
    assert numbers[0].to_json()["field"] == "headline"
    assert not [c for c in draft.checks if c.bullet is not None]  # the bullets are faithful


def test_checks_flag_an_invented_quote_and_chatbot_wording_in_a_teaser(
    fake: FakeAnthropic, make_summarizer: Build, seed: Article
) -> None:
    teaser = "Putin sagte: „Wir sind die besten Freunde der Welt.“ Bleiben Sie dran!"
    fake.script(Reply.summary(SEED_BULLETS, headline=None, fields={"teaser": teaser}))
    draft = make_summarizer(summary_fields="teaser:300").summarize(seed)
    kinds = {c.kind for c in draft.checks if c.field == "teaser"}
    assert {"quote", "artefact"} <= kinds


def test_a_check_without_a_field_stores_as_before() -> None:
    old = Check("number", 1, "42", "check.number")
    assert "field" not in old.to_json()
    assert Check("number", None, "42", "check.number", field="teaser").to_json()["field"] == (
        "teaser"
    )


def test_fit_to_limit_cuts_at_a_word_boundary() -> None:
    assert fit_to_limit("Kurz und gut.", 40) == "Kurz und gut."
    sentence = "Der Bundestag hat den Haushalt beschlossen, sagte sie."
    assert fit_to_limit(sentence, 31) == "Der Bundestag hat den Haushalt…"
    assert fit_to_limit(sentence, 30) == "Der Bundestag hat den…"
    assert fit_to_limit("Zu, viele, Kommas, hier, und, da", 12) == "Zu, viele…"
    assert len(fit_to_limit("Donaudampfschifffahrtsgesellschaft", 12)) == 12
    assert fit_to_limit("  mehrere\n Zeilen  ", 40) == "mehrere Zeilen"


def test_the_extractive_engine_fills_fields_from_title_and_lead_sentences(seed: Article) -> None:
    style = HouseStyle(fields=(("headline", 30), ("teaser", 300), ("seo_description", 160)))
    draft = ExtractiveSummarizer(style, min_words=20).summarize(seed)
    named = dict(draft.fields)
    assert named["headline"] == fit_to_limit("Xi und Putin beginnen Gespräche in Peking", 30)
    assert named["teaser"].startswith(draft.bullets[0].split(" …")[0][:40])
    assert len(named["teaser"]) <= 300 and len(named["seo_description"]) <= 160
    assert named["teaser"].endswith((".", "…", "“", '"'))
    assert draft.headline == named["headline"]
    assert ExtractiveSummarizer(HouseStyle(), min_words=20).summarize(seed).fields == ()


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("title:70", "unknown field 'title'"),
        ("headline", "needs a character limit for 'headline'"),
        ("headline:5", "limit of 5 characters"),
        ("teaser:9000", "limit of 9000 characters"),
        ("headline:70,headline:80", "twice"),
    ],
)
def test_summary_fields_setting_is_validated_with_a_sentence_naming_it(
    value: str, words: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(summary_fields=value, _env_file=None)
    assert "SUMMARY_FIELDS" in str(caught.value) and words in str(caught.value)


def test_summary_fields_setting_reads_names_and_limits_in_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SUMMARY_FIELDS", " teaser:300 , headline:70 ")
    settings = load_settings(_env_file=None)
    assert settings.summary_fields == (("teaser", 300), ("headline", 70))
    assert HouseStyle.from_settings(settings).fields == (("teaser", 300), ("headline", 70))
    monkeypatch.delenv("SUMMARY_FIELDS")
    assert load_settings(_env_file=None).summary_fields == ()
