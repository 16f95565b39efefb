"""The Edit, Regenerate and Reject modals, and reading what an editor submitted."""

from __future__ import annotations

from typing import Any

import pytest

from bot.slack import blocks as bk
from bot.slack import ids
from tests.slack.blocks.samples import ARTICLE, LANGS, LIVE, draft, hostile_draft, joined

# --- Modals -----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_edit_modal_is_prefilled_and_carries_only_the_draft_id(lang: str) -> None:
    modal = bk.edit_modal(draft(), lang, min_bullets=2, max_bullets=5)
    bk.validate_view(modal)
    assert modal["callback_id"] == ids.CALLBACK_EDIT
    assert modal["private_metadata"] == "d-42"
    (input_block,) = [b for b in modal["blocks"] if b["type"] == "input"]
    assert input_block["block_id"] == ids.BLOCK_EDIT_BULLETS
    element = input_block["element"]
    assert element["action_id"] == ids.INPUT_EDIT_BULLETS
    assert element["multiline"] is True and element["max_length"] == 3000
    assert element["initial_value"] == "\n".join(draft().bullets)
    assert modal["title"]["text"] == {"en": "Edit draft", "de": "Entwurf bearbeiten"}[lang]
    assert (
        input_block["hint"]["text"]
        == {
            "en": "One bullet per line, 2 to 5 bullets.",
            "de": "Ein Stichpunkt pro Zeile, 2 bis 5 Stichpunkte.",
        }[lang]
    )
    assert "Please check: 50" in joined(modal) or "Bitte prüfen: 50" in joined(modal)


def test_edit_modal_keeps_raw_text_in_the_input_and_fits_huge_drafts() -> None:
    modal = bk.edit_modal(draft(bullets=("Q&A <mit> Zahlen",)), "en")
    (input_block,) = [b for b in modal["blocks"] if b["type"] == "input"]
    assert input_block["element"]["initial_value"] == "Q&A <mit> Zahlen"  # an input, not mrkdwn
    huge = bk.edit_modal(hostile_draft("ready"), "de")
    bk.validate_view(huge)
    assert not LIVE.search(joined([b for b in huge["blocks"] if b["type"] != "input"]))


def edit_values(text: str | None) -> dict[str, Any]:
    return {
        ids.BLOCK_EDIT_BULLETS: {
            ids.INPUT_EDIT_BULLETS: {"type": "plain_text_input", "value": text}
        }
    }


def test_edit_submission_splits_lines_and_strips_bullet_marks() -> None:
    result = bk.validate_edit_submission(
        edit_values("• Erstens.\n\n- Zweitens.\n3. Drittens.\n  * Viertens  ")
    )
    assert result.ok and result.response() is None
    assert result.bullets == ("Erstens.", "Zweitens.", "Drittens.", "Viertens")


def test_edit_submission_keeps_numbers_that_start_a_sentence() -> None:
    result = bk.validate_edit_submission(
        edit_values("380 Abgeordnete stimmten zu.\n2024 wird gewählt.")
    )
    assert result.bullets == ("380 Abgeordnete stimmten zu.", "2024 wird gewählt.")


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        (None, "en", "Please enter at least one bullet."),
        ("  \n \n", "de", "Bitte geben Sie mindestens einen Stichpunkt ein."),
        ("x" * 3001, "en", "That is 3001 characters; Slack allows at most 3000."),
        ("Nur einer.", "en", "Please write at least 2 bullets, one per line (now 1)."),
        (
            "\n".join("abcdef"),
            "de",
            "Bitte schreiben Sie höchstens 5 Stichpunkte, einen pro Zeile (jetzt 6).",
        ),
        ("ok\n" + "y" * 601, "en", "Bullet 2 has 601 characters; please keep each bullet to 600."),
    ],
)
def test_edit_submission_errors_are_inline_and_keyed_by_block(
    text: str | None, lang: str, expected: str
) -> None:
    result = bk.validate_edit_submission(edit_values(text), lang, min_bullets=2, max_bullets=5)
    assert not result.ok and result.bullets == ()
    assert result.response() == {
        "response_action": "errors",
        "errors": {ids.BLOCK_EDIT_BULLETS: expected},
    }


def test_edit_submission_without_the_input_is_empty() -> None:
    assert not bk.validate_edit_submission({}).ok


@pytest.mark.parametrize("lang", LANGS)
def test_regenerate_modal_and_its_optional_instruction(lang: str) -> None:
    modal = bk.regenerate_modal("d-42", lang, ARTICLE)
    bk.validate_view(modal)
    assert (modal["callback_id"], modal["private_metadata"]) == (ids.CALLBACK_REGENERATE, "d-42")
    (input_block,) = [b for b in modal["blocks"] if b["type"] == "input"]
    assert input_block["optional"] is True
    values = {
        ids.BLOCK_REGENERATE_INSTRUCTION: {ids.INPUT_REGENERATE_INSTRUCTION: {"value": "  kürzer "}}
    }
    assert bk.read_regenerate_instruction(values) == "kürzer"
    empty = {ids.BLOCK_REGENERATE_INSTRUCTION: {ids.INPUT_REGENERATE_INSTRUCTION: {"value": None}}}
    assert bk.read_regenerate_instruction(empty) is None
    assert bk.read_regenerate_instruction({}) is None


@pytest.mark.parametrize("lang", LANGS)
def test_reject_modal_and_its_optional_reason(lang: str) -> None:
    modal = bk.reject_modal("d-42", lang)
    bk.validate_view(modal)
    assert (modal["callback_id"], modal["private_metadata"]) == (ids.CALLBACK_REJECT, "d-42")
    assert modal["submit"]["text"] == {"en": "Reject", "de": "Ablehnen"}[lang]
    values = {ids.BLOCK_REJECT_REASON: {ids.INPUT_REJECT_REASON: {"value": "Falsche Zahl"}}}
    assert bk.read_reject_reason(values) == "Falsche Zahl"
    assert (
        bk.read_reject_reason({ids.BLOCK_REJECT_REASON: {ids.INPUT_REJECT_REASON: {"value": " "}}})
        is None
    )
