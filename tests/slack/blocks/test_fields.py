"""Output fields on the card (label + escaped text, their checks beside them) and in the Edit
modal (one input per field whose max_length is the limit, validated server-side)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.slack import blocks as bk
from bot.slack import ids
from bot.slack.blocks.common import Message
from bot.slack.views import CheckWarning
from tests.slack.blocks.samples import HOSTILE, LANGS, LIVE, draft, joined

FIELDS = (
    ("headline", "Bundestag beschließt Haushalt mit 380 Stimmen"),
    ("teaser", "Der Haushalt 2025 ist beschlossen. Die Opposition kritisiert die Schulden."),
)
LIMITS = (("headline", 70), ("teaser", 300), ("seo_description", 160), ("social", 4000))


def _sections(message: Message) -> list[str]:
    return [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]


@pytest.mark.parametrize("lang", LANGS)
def test_card_shows_each_field_with_its_label(lang: str) -> None:
    message = bk.draft_message(draft(fields=FIELDS), lang)
    bk.validate_message(message)
    sections = _sections(message)
    label = {"en": "Headline", "de": "Schlagzeile"}[lang]
    assert f"*{label}:* Bundestag beschließt Haushalt mit 380 Stimmen" in sections
    assert any(s.startswith("*Teaser:* Der Haushalt 2025") for s in sections)
    # After the bullets, before the buttons.
    bullet_at = next(i for i, s in enumerate(sections) if s.startswith("• Der Bundesrat"))
    assert sections.index(f"*{label}:* Bundestag beschließt Haushalt mit 380 Stimmen") > bullet_at


def test_card_puts_a_fields_check_beside_the_field_not_under_the_draft() -> None:
    warning = CheckWarning(
        kind="number", message_key="check.number", text="380", field_name="headline"
    )
    message = bk.draft_message(draft(fields=FIELDS, warnings=(warning,)), "en")
    blocks = message["blocks"]
    at = next(
        i
        for i, b in enumerate(blocks)
        if b["type"] == "section" and "Headline" in b["text"]["text"]
    )
    assert blocks[at + 1]["type"] == "context"
    assert "Number not found in the article: 380" in joined(blocks[at + 1])
    assert joined(message).count("Number not found in the article: 380") == 1


def test_card_names_a_missing_field_in_the_general_warnings() -> None:
    warning = CheckWarning(
        kind="length", message_key="check.field_missing", text="teaser", field_name="teaser"
    )
    message = bk.draft_message(draft(fields=FIELDS[:1], warnings=(warning,)), "en")
    assert "*Teaser:* Not written: fill it in by hand, or it is left out." in joined(message)


def test_card_escapes_hostile_field_text_and_stays_within_limits() -> None:
    huge = (("headline", HOSTILE), ("teaser", (HOSTILE + " ") * 40))
    message = bk.draft_message(draft(fields=huge), "de")
    bk.validate_message(message)
    assert not LIVE.search(joined(message))
    preview = bk.summary_preview(draft(fields=huge), "de")
    bk.validate_message(preview)
    assert not LIVE.search(joined(preview))


def _field_inputs(modal: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        b["block_id"].removeprefix(ids.BLOCK_EDIT_FIELD_PREFIX): b
        for b in modal["blocks"]
        if b["type"] == "input" and b["block_id"].startswith(ids.BLOCK_EDIT_FIELD_PREFIX)
    }


@pytest.mark.parametrize("lang", LANGS)
def test_edit_modal_has_one_input_per_field_with_its_limit(lang: str) -> None:
    modal = bk.edit_modal(draft(fields=FIELDS), lang, fields=LIMITS)
    bk.validate_view(modal)
    inputs = _field_inputs(modal)
    assert list(inputs) == ["headline", "teaser", "seo_description", "social"]
    assert {name: b["element"]["max_length"] for name, b in inputs.items()} == {
        "headline": 70,
        "teaser": 300,
        "seo_description": 160,
        "social": 3000,  # Slack's cap for a plain_text_input; held server-side too
    }
    assert inputs["headline"]["element"]["initial_value"] == FIELDS[0][1]
    assert inputs["headline"]["element"]["multiline"] is False
    assert inputs["teaser"]["element"]["multiline"] is True
    assert "initial_value" not in inputs["seo_description"]["element"]
    assert all(b["optional"] for b in inputs.values())
    assert inputs["headline"]["element"]["action_id"] == ids.INPUT_EDIT_FIELD
    hint = {"en": "At most 70 characters.", "de": "Höchstens 70 Zeichen."}[lang]
    assert inputs["headline"]["hint"]["text"].startswith(hint)


def test_edit_modal_without_fields_is_as_before() -> None:
    modal = bk.edit_modal(draft(fields=FIELDS), "en")
    assert not _field_inputs(modal)


def _values(bullets: str, **fields: str | None) -> dict[str, Any]:
    values: dict[str, Any] = {
        ids.BLOCK_EDIT_BULLETS: {
            ids.INPUT_EDIT_BULLETS: {"type": "plain_text_input", "value": bullets}
        }
    }
    for name, text in fields.items():
        values[ids.BLOCK_EDIT_FIELD_PREFIX + name] = {
            ids.INPUT_EDIT_FIELD: {"type": "plain_text_input", "value": text}
        }
    return values


def test_edit_submission_reads_fields_and_an_emptied_one_as_left_out() -> None:
    result = bk.validate_edit_submission(
        _values("Eins.\nZwei.", headline="  Neue   Schlagzeile ", teaser=None),
        fields=LIMITS,
    )
    assert result.ok
    assert result.bullets == ("Eins.", "Zwei.")
    # seo_description and social were not in the modal: not touched.
    assert dict(result.fields) == {"headline": "Neue Schlagzeile", "teaser": ""}


@pytest.mark.parametrize("lang", LANGS)
def test_edit_submission_refuses_a_field_over_its_limit_with_a_sentence(lang: str) -> None:
    result = bk.validate_edit_submission(
        _values("Eins.", headline="x" * 71, social="y" * 3001), lang, fields=LIMITS
    )
    assert not result.ok
    response = result.response()
    assert response is not None and response["response_action"] == "errors"
    errors = response["errors"]
    assert set(errors) == {"edit_field_headline", "edit_field_social"}
    assert {
        "en": "That is 71 characters; this field allows at most 70.",
        "de": "Das sind 71 Zeichen; dieses Feld erlaubt höchstens 70.",
    }[lang] == errors["edit_field_headline"]
    assert "3000" in errors["edit_field_social"]  # a 4,000 limit is capped at Slack's 3,000
