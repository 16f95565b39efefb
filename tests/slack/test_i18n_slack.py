"""The Slack catalogue: every sentence in both languages with the same placeholders."""

from __future__ import annotations

import string

import pytest

from bot.i18n import CATALOGUE, LANGUAGES, articles, common, publisher, summarizer
from bot.i18n.slack import MESSAGES
from bot.slack import blocks as bk


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_key_has_both_languages_and_the_same_placeholders(key: str) -> None:
    texts = MESSAGES[key]
    assert key.startswith("slack.")
    assert set(texts) == set(LANGUAGES)
    assert all(text.strip() for text in texts.values())
    assert placeholders(texts["en"]) == placeholders(texts["de"])


def test_keys_do_not_collide_with_other_catalogue_modules() -> None:
    others = set(common.MESSAGES) | set(articles.MESSAGES) | set(summarizer.MESSAGES)
    others |= set(publisher.MESSAGES)
    assert not others & set(MESSAGES)
    assert all(CATALOGUE[key] == texts for key, texts in MESSAGES.items())  # registered


@pytest.mark.parametrize("lang", LANGUAGES)
def test_modal_and_button_words_fit_slack_without_cutting(lang: str) -> None:
    for key in [k for k in MESSAGES if k.endswith((".title", ".submit"))] + ["slack.modal.cancel"]:
        if key.startswith("slack.home."):
            continue
        assert len(MESSAGES[key][lang]) <= bk.MODAL_TITLE_MAX, key
    for key in [k for k in MESSAGES if k.startswith("slack.button.")]:
        assert len(MESSAGES[key][lang]) <= bk.BUTTON_TEXT_MAX, key
        # Slack may cut button text after ~30 characters; the issue's own wording is 31.
        if key != "slack.button.post_for_review":
            assert len(MESSAGES[key][lang]) <= 30, key
