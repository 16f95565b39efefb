"""Block Kit builders: structure per state, escaping of outside text, Slack's limits, en + de."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.i18n import t
from bot.i18n.slack import MESSAGES
from bot.slack import blocks as bk
from bot.slack import ids
from bot.slack.escape import WORD_JOINER
from bot.slack.views import (
    ArticleRef,
    CheckWarning,
    DraftView,
    ErrorView,
    Evidence,
    HomeItem,
    HomeView,
    StatusView,
)

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


# --- States -----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("state", STATES)
def test_every_state_builds_a_valid_message(state: str, lang: str) -> None:
    message = bk.draft_message(draft(state=state), lang)
    bk.validate_message(message)
    assert message["text"]


def test_ready_draft_shows_bullets_checks_provenance_and_four_buttons() -> None:
    message = bk.draft_message(draft(), "en")
    blocks = message["blocks"]
    assert blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Zusammenfassung", "emoji": True},
    }
    text = joined(message)
    for bullet in draft().bullets:
        assert "• " + bullet in text
    assert "AI draft — needs an editor's approval" in text
    assert "model claude-haiku-5-5 · prompt 3f2a1c9b8e7d · language de" in text
    assert "Source: “Mit 380 Stimmen nahm das Parlament den Etat an.”" in text
    assert "0.87" not in text  # no raw similarity score on the card
    assert "No supporting sentence found in the article." in text
    assert "Please check: 50" in text  # unknown check key: generic sentence with the fragment
    assert (
        "<https://news.example/politik/artikel-1?ref=a&amp;utm=b|Bundestag beschließt Haushalt>"
        in text
    )
    assert "News Example · 2024-05-03" in text
    assert "Diese Zusammenfassung wurde mit Hilfe künstlicher Intelligenz erstellt." in text
    assert "Asked for by <@U0REPORTER>" in text
    # Each review button names the revision shown (ids only: draft id and revision number).
    assert buttons(message) == [
        (ids.ACTION_APPROVE, "d-42:1", "primary"),
        (ids.ACTION_EDIT, "d-42:1", None),
        (ids.ACTION_REGENERATE, "d-42:1", None),
        (ids.ACTION_REJECT, "d-42:1", "danger"),
    ]
    assert "Edited by" not in text


def test_review_buttons_name_the_revision_shown_and_retract_the_published_one() -> None:
    edited = bk.draft_message(draft(revision=3), "en")
    assert {value for _, value, _ in buttons(edited)} == {"d-42:3"}
    published = bk.draft_message(draft(state="published", revision=2, approved_revision=2), "en")
    assert [(a, v) for a, v, _ in buttons(published)] == [
        (ids.ACTION_EDIT, "d-42:2"),
        (ids.ACTION_RETRACT, "d-42:2"),
    ]
    # A correction (revision 4) of published revision 2: approve 4, but Retract takes back 2.
    correction = bk.draft_message(draft(revision=4, approved_revision=2, correction=True), "en")
    assert [(a, v) for a, v, _ in buttons(correction)] == [
        (ids.ACTION_APPROVE, "d-42:4"),
        (ids.ACTION_EDIT, "d-42:4"),
        (ids.ACTION_RETRACT, "d-42:2"),
    ]
    for message in (edited, published, correction):
        for _, value, _ in buttons(message):
            assert ids.parse_action_value(value).draft_id == "d-42"


def test_checks_sit_under_their_bullet() -> None:
    blocks = bk.draft_message(draft(), "en")["blocks"]
    second = next(
        i
        for i, b in enumerate(blocks)
        if b["type"] == "section" and "Opposition" in b["text"]["text"]
    )
    assert "Please check: 50" in joined(blocks[second + 1])


def test_a_card_with_open_flags_says_so_above_the_bullets() -> None:
    message = bk.draft_message(draft(), "en")
    sections = [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]
    assert sections[0] == (
        ":warning: *2 open flags* – see the notes under the bullets before approving."
    )
    assert sections[1].startswith("• Der Bundestag")
    one = bk.draft_message(draft(warnings=draft().warnings[:1]), "de")
    assert "*1 offener Hinweis*" in joined(one)
    clean = joined(bk.draft_message(draft(warnings=()), "en"))
    assert "open flag" not in clean
    approved = joined(bk.draft_message(draft(state="approved"), "en"))
    assert "open flag" not in approved  # only a card waiting for review asks for a look


def test_a_flag_says_what_differs_beside_its_bullet_with_the_supporting_sentence() -> None:
    flag = CheckWarning(
        kind="number",
        message_key="check.number_differs",
        bullet_index=0,
        text="21",
        params={"says": "12"},
    )
    view = draft(
        bullets=("Der AVV erhöht die Preise um 21 Prozent.", "Zwei.", "Drei."),
        warnings=(flag,),
        evidence=(Evidence("Der AVV erhöht die Preise um 12 Prozent.", 0.912), None, None),
    )
    blocks = bk.draft_message(view, "en")["blocks"]
    first = next(
        i for i, b in enumerate(blocks) if b.get("text", {}).get("text", "").startswith("• Der AVV")
    )
    notes = joined(blocks[first + 1])
    assert ":warning: 21: the article says 12" in notes
    assert "Source: “Der AVV erhöht die Preise um 12 Prozent.”" in notes
    assert "0.91" not in notes
    german = joined(bk.draft_message(view, "de")["blocks"])
    assert "21: Im Artikel steht 12" in german and "Quelle: „Der AVV erhöht" in german


def test_uses_catalogue_sentence_for_known_check_keys() -> None:
    warning = CheckWarning(kind="x", message_key="slack.draft.warning", bullet_index=0, text="<b>")
    text = joined(bk.draft_message(draft(warnings=(warning,)), "de"))
    assert "Bitte prüfen: &lt;b&gt;" in text


def test_edited_draft_names_the_editor_and_keeps_buttons() -> None:
    message = bk.draft_message(draft(edited_by="U0EDITOR2"), "en")
    assert "Edited by <@U0EDITOR2>" in joined(message)
    assert len(buttons(message)) == 4


@pytest.mark.parametrize("state", ["approved", "published"])
def test_approved_and_published_drafts_have_no_review_buttons(state: str) -> None:
    message = bk.draft_message(draft(state=state), "en")
    text = joined(message)
    buttons = [e["action_id"] for b in action_blocks(message) for e in b["elements"]]
    # Published text can be corrected (Edit) or retracted (behind a confirmation dialog).
    assert buttons == ([ids.ACTION_EDIT, ids.ACTION_RETRACT] if state == "published" else [])
    assert (
        "Approved by <@U0EDITOR> on "
        "<!date^1714737600^{date_short_pretty} {time}|2024-05-03 12:00 UTC>" in text
    )
    assert "Published to the CMS." in text  # the publisher's status line slot
    assert "needs an editor's approval" not in text
    assert "Please check" not in text and "Source:" not in text
    assert "Der Bundesrat berät im Juni." in text


AT = datetime(2024, 5, 3, 12, 5, tzinfo=UTC)
AT_TOKEN = "<!date^1714737900^{time}|12:05 UTC>"


@pytest.mark.parametrize(
    ("status", "lang", "expected"),
    [
        (
            StatusView("publish.published", {"status": 200}, editor="U0EDITOR", at=AT),
            "en",
            f"Published by <@U0EDITOR> at {AT_TOKEN} (CMS answered 200).",
        ),
        (
            StatusView("publish.retrying", {"attempt": 2}, at=AT),
            "de",
            "Die Veröffentlichung verzögert sich: Das CMS ist gerade nicht erreichbar (Versuch 2)."
            f" Nächster Versuch um {AT_TOKEN}.",
        ),
        (
            StatusView(
                "publish.failed_rejected", {"status": 422, "reason": "<!channel> " + "x" * 500}
            ),
            "en",
            "Publishing failed: the CMS rejected it (HTTP 422: &lt;!channel&gt; "
            + "x" * 182
            + "…).",
        ),
        ("Plain <b>text</b>", "en", "Plain &lt;b&gt;text&lt;/b&gt;"),
    ],
)
def test_status_lines_render_mentions_times_and_escaped_values(
    status: StatusView | str, lang: str, expected: str
) -> None:
    assert bk.status_text(status, lang) == expected
    message = bk.draft_message(draft(state="approved", publish_status=status), lang)
    bk.validate_message(message)
    assert expected in joined(message)


def test_status_line_can_ask_for_retry_publishing() -> None:
    status = StatusView("publish.failed_gave_up", {"attempts": 8}, retry=True)
    message = bk.draft_message(draft(state="approved", publish_status=status), "en")
    assert buttons(message) == [(ids.ACTION_RETRY_PUBLISH, "d-42", "primary")]
    assert "couldn't be reached after 8 attempts" in joined(message)


def test_not_configured_webhook_shows_the_recorded_approval() -> None:
    status = StatusView("publish.not_configured")
    text = joined(bk.draft_message(draft(state="approved", publish_status=status), "en"))
    assert "Approved by <@U0EDITOR>" in text
    assert "Approval recorded. No publishing webhook is configured" in text


def test_approval_without_status_line_or_time() -> None:
    message = bk.draft_message(draft(state="approved", publish_status=None, approved_at=None), "en")
    assert "Approved by <@U0EDITOR>" in joined(message)
    assert "Published" not in joined(message)


def test_publish_failed_offers_only_retry_publishing() -> None:
    message = bk.draft_message(
        draft(state="publish_failed", publish_status="The CMS refused it."), "en"
    )
    assert buttons(message) == [(ids.ACTION_RETRY_PUBLISH, "d-42", "primary")]
    assert "The CMS refused it." in joined(message)


def test_rejected_draft_shows_who_and_why_and_drops_text_and_buttons() -> None:
    message = bk.draft_message(draft(state="rejected", reject_reason="<!channel> wrong"), "en")
    text = joined(message)
    assert "Rejected by <@U0EDITOR>: &lt;!channel&gt; wrong" in text
    assert "Bundesrat" not in text
    assert action_blocks(message) == []
    no_reason = joined(bk.draft_message(draft(state="rejected", reject_reason=None), "de"))
    assert "Abgelehnt von <@U0EDITOR>." in no_reason


def test_failed_draft_tells_one_sentence_without_retry_when_it_cannot_help() -> None:
    message = bk.draft_message(draft(state="failed"), "en")
    assert "The page is behind a paywall, so I can't summarize it." in joined(message)
    assert action_blocks(message) == []


def test_failed_draft_offers_retry_when_it_can_help() -> None:
    error = ErrorView(code="http_server_error", params={"status": 503}, retryable=True)
    message = bk.draft_message(draft(state="failed", error=error), "de")
    assert "Die Website hatte selbst ein Problem (HTTP 503)." in joined(message)
    assert buttons(message) == [(ids.ACTION_RETRY, "d-42", None)]


def test_unknown_error_code_falls_back_to_the_generic_sentence() -> None:
    message = bk.failure_message(
        ErrorView(code="no_such_code_xyz", params={"detail": "secret"}), "en"
    )
    assert joined(message) == ":warning: " + t("error.internal", "en")


def test_error_params_from_outside_are_escaped() -> None:
    error = ErrorView(code="not_a_web_page", params={"kind": "<!channel>"})
    assert "&lt;!channel&gt;" in joined(bk.failure_message(error, "en"))


def test_regenerating_and_retracted_drafts_have_no_buttons() -> None:
    regenerating = bk.draft_message(draft(state="regenerating"), "en")
    assert "Writing a new version for <@U0EDITOR>…" in joined(regenerating)
    assert action_blocks(regenerating) == []
    retracted = bk.draft_message(draft(state="retracted"), "de")
    assert "Zurückgezogen von <@U0EDITOR>." in joined(retracted)
    assert action_blocks(retracted) == []


@pytest.mark.parametrize("state", ["queued", "working"])
def test_unfinished_draft_is_the_progress_placeholder(state: str) -> None:
    message = bk.draft_message(draft(state=state), "en")
    assert message == bk.progress_message(ARTICLE, "en")
    assert joined(message).startswith(":hourglass_flowing_sand: Summarizing <https://news.example/")


def test_progress_placeholder_without_a_usable_link() -> None:
    message = bk.progress_message(ArticleRef(url="javascript:x"), "de")
    assert joined(message) == ":hourglass_flowing_sand: Ich fasse den Artikel zusammen …"


def test_extractive_draft_says_no_ai_and_hides_the_model() -> None:
    text = joined(bk.draft_message(draft(engine="extractive", ai_generated=False), "en"))
    assert "Automatic extract (no AI)" in text
    assert "claude-haiku" not in text


def test_german_draft_uses_german_words() -> None:
    message = bk.draft_message(draft(), "de")
    text = joined(message)
    assert "KI-Entwurf – muss von der Redaktion freigegeben werden" in text
    labels = [e["text"]["text"] for b in action_blocks(message) for e in b["elements"]]
    assert labels == ["Freigeben", "Bearbeiten", "Neu erstellen", "Ablehnen"]
    assert message["text"] == "Entwurf einer Zusammenfassung: Bundestag beschließt Haushalt"


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


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("state", STATES)
def test_hostile_huge_drafts_stay_valid_and_inert(state: str, lang: str) -> None:
    message = bk.draft_message(hostile_draft(state), lang)
    bk.validate_message(message)
    assert not LIVE.search(joined(message))
    assert not LIVE.search(message["text"])
    assert "@here" not in joined(message) and "@everyone" not in joined(message)


def test_hostile_ready_draft_says_it_is_shortened_and_keeps_five_bullets() -> None:
    message = bk.draft_message(hostile_draft("ready"), "en")
    bullets = [
        b
        for b in message["blocks"]
        if b["type"] == "section" and b["text"]["text"].startswith("• ")
    ]
    assert len(bullets) == 5
    assert "open Edit to see all of it" in joined(message)
    assert bk.message_text_size(message["blocks"]) <= bk.MESSAGE_TEXT_BUDGET


def test_more_than_five_bullets_are_cut_and_flagged() -> None:
    message = bk.draft_message(draft(bullets=tuple(f"Bullet {i}" for i in range(9))), "en")
    text = joined(message)
    assert "Bullet 4" in text and "Bullet 5" not in text
    assert "open Edit to see all of it" in text


def test_many_warnings_are_summarized_not_listed() -> None:
    warnings = tuple(
        CheckWarning(kind="n", message_key="x", bullet_index=0, text=str(i)) for i in range(6)
    )
    text = joined(bk.draft_message(draft(warnings=warnings), "en"))
    assert "Please check: 0" in text and "Please check: 1" in text and "Please check: 2" not in text
    assert "…and 4 more things to check." in text


@settings(max_examples=40, deadline=None)
@given(
    bullets=st.lists(st.text(max_size=700), min_size=1, max_size=6),
    title=st.text(max_size=300),
    lang=st.sampled_from(LANGS),
)
def test_any_text_gives_a_valid_inert_message(bullets: list[str], title: str, lang: str) -> None:
    view = draft(bullets=tuple(bullets), article=replace(ARTICLE, title=title))
    message = bk.draft_message(view, lang)
    bk.validate_message(message)
    for text in texts(message):
        # the only markup in a draft is what the builder made: the article link and mentions
        markup = re.findall(r"<[^>]*>", text)
        assert all(m.startswith(("<https://news.example/", "<@U0", "<!date^")) for m in markup)


# --- /summarize, replies ----------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_summary_preview_offers_post_for_review_and_dismiss(lang: str) -> None:
    message = bk.summary_preview(draft(), lang)
    bk.validate_message(message)
    assert buttons(message) == [
        (ids.ACTION_POST_FOR_REVIEW, "d-42", "primary"),
        (ids.ACTION_DISMISS, "d-42", None),
    ]
    text = joined(message)
    assert "Der Bundesrat berät im Juni." in text
    assert "Please check" not in text and "Bitte prüfen" not in text
    label = action_blocks(message)[0]["elements"][0]["text"]["text"]
    assert label == {"en": "Post for review in this channel", "de": "Hier zur Prüfung posten"}[lang]


def test_summary_preview_of_hostile_draft_is_valid() -> None:
    message = bk.summary_preview(hostile_draft("ready"), "en")
    bk.validate_message(message)
    assert not LIVE.search(joined(message))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("problem", [None, "missing_url", "invalid_url"])
def test_usage_help(lang: str, problem: Any) -> None:
    message = bk.usage_help(lang, problem=problem)
    bk.validate_message(message)
    text = joined(message)
    assert "`/summarize https://example.com/" in text
    if problem == "missing_url":
        assert MESSAGES["slack.usage.missing_url"][lang] in text
    assert message["text"]


def test_already_summarized_links_to_the_thread() -> None:
    permalink = "https://newsroom.slack.com/archives/C1/p1714737600000100?thread_ts=1714737600.000100&cid=C1"
    message = bk.already_summarized(permalink, "en")
    bk.validate_message(message)
    assert joined(message) == (
        ":information_source: This article was already summarized: "
        "<https://newsroom.slack.com/archives/C1/p1714737600000100?thread_ts=1714737600.000100&amp;cid=C1"
        "|see the thread>."
    )
    assert "<" not in joined(bk.already_summarized("javascript:alert(1)", "de")).replace(
        ":information_source:", ""
    )


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


# --- App Home ---------------------------------------------------------------------------------


def item(n: int, *, minutes: int, user: str = "U0REPORTER") -> HomeItem:
    moment = datetime(2024, 5, 3, 8, 0, tzinfo=UTC) + timedelta(minutes=minutes)
    return HomeItem(
        draft_id=f"d-{n}",
        article=ArticleRef(url=f"https://news.example/{n}", title=f"Artikel {n}"),
        permalink=f"https://newsroom.slack.com/archives/C1/p{n}",
        created_at=moment,
        user_id=user,
        at=moment,
    )


def test_home_for_editors_lists_oldest_pending_first_and_newest_approvals_first() -> None:
    home = HomeView(
        is_editor=True,
        pending=(item(2, minutes=30), item(1, minutes=5), item(3, minutes=60)),
        recent_approvals=(
            item(7, minutes=1, user="U0EDITOR"),
            item(8, minutes=90, user="U0EDITOR"),
        ),
    )
    view = bk.home_view(home, "en")
    bk.validate_view(view)
    text = joined(view)
    assert "*Waiting for review* (3)" in text
    assert text.index("Artikel 1") < text.index("Artikel 2") < text.index("Artikel 3")
    assert text.index("Artikel 8") < text.index("Artikel 7")
    assert (
        "<https://newsroom.slack.com/archives/C1/p1|Artikel 1> · <https://news.example/1|article>"
        in text
    )
    assert "asked by <@U0REPORTER>" in text and "approved by <@U0EDITOR>" in text
    assert "How to use the bot" in text


def test_home_for_everyone_else_shows_only_help() -> None:
    view = bk.home_view(HomeView(is_editor=False, pending=(item(1, minutes=0),)), "de")
    bk.validate_view(view)
    text = joined(view)
    assert "Artikel 1" not in text and "Warten auf Prüfung" not in text
    assert "freigeben kann sie die Redaktion" in text


def test_home_with_a_long_queue_stays_within_limits() -> None:
    pending = tuple(item(n, minutes=-n) for n in range(300))
    view = bk.home_view(
        HomeView(is_editor=True, pending=pending, recent_approvals=pending, pending_total=450), "en"
    )
    bk.validate_view(view)
    text = joined(view)
    assert "*Waiting for review* (450)" in text
    assert "…and 430 more." in text
    assert text.index("Artikel 299") < text.index("Artikel 298")  # oldest first


def test_empty_home_for_an_editor() -> None:
    text = joined(bk.home_view(HomeView(is_editor=True), "en"))
    assert "Nothing is waiting for review." in text and "No approvals yet." in text


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


@pytest.mark.parametrize(
    ("blocks", "surface", "problem"),
    [
        ([section("x")] * 51, "message", "51 blocks"),
        ([section("x" * 3001)], "message", "3001 characters"),
        ([section("")], "message", "at least 1"),
        ([{"type": "section"}], "message", "needs text or fields"),
        ([{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}], "message", "151"),
        ([{"type": "header", "text": {"type": "mrkdwn", "text": "h"}}], "message", "plain_text"),
        (
            [{"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * 11}],
            "message",
            "1..10",
        ),
        (
            [
                {
                    "type": "actions",
                    "elements": [button(text={"type": "plain_text", "text": "b" * 76})],
                }
            ],
            "message",
            "76",
        ),
        ([{"type": "actions", "elements": [button(value="v" * 2001)]}], "message", "2001"),
        ([{"type": "actions", "elements": [button(action_id="a" * 256)]}], "message", "256"),
        (
            [{"type": "actions", "elements": [button(style="green")]}],
            "message",
            "primary or danger",
        ),
        ([{"type": "actions", "elements": [button(), button()]}], "message", "repeats"),
        ([{"type": "actions", "elements": [button(url="javascript:x")]}], "message", "http"),
        ([{"type": "actions", "elements": []}], "message", "1..25"),
        (
            [{**section("a"), "block_id": "b"}, {**section("b"), "block_id": "b"}],
            "message",
            "repeats",
        ),
        ([{**section("a"), "block_id": "b" * 256}], "message", "256"),
        ([{"type": "image", "image_url": "https://x.example/a.png"}], "message", "not supported"),
        (
            [
                {
                    "type": "input",
                    "label": {"type": "plain_text", "text": "l"},
                    "element": {"type": "plain_text_input"},
                }
            ],
            "message",
            "modals",
        ),
        (
            [
                {
                    "type": "input",
                    "label": {"type": "plain_text", "text": "l"},
                    "element": {"type": "plain_text_input", "max_length": 3001},
                }
            ],
            "modal",
            "max_length",
        ),
        (
            [
                {
                    "type": "input",
                    "label": {"type": "plain_text", "text": "l"},
                    "element": {
                        "type": "plain_text_input",
                        "max_length": 5,
                        "initial_value": "123456",
                    },
                }
            ],
            "modal",
            "initial_value",
        ),
        (
            [
                {
                    "type": "actions",
                    "elements": [
                        button(
                            confirm={
                                "title": {"type": "plain_text", "text": "t"},
                                "text": {"type": "plain_text", "text": "x" * 301},
                                "confirm": {"type": "plain_text", "text": "ok"},
                                "deny": {"type": "plain_text", "text": "no"},
                            }
                        )
                    ],
                }
            ],
            "message",
            "301",
        ),
        (
            [{"type": "section", "text": {"type": "plain_text", "text": "x", "verbatim": True}}],
            "message",
            "verbatim",
        ),
    ],
)
def test_validate_blocks_refuses_what_slack_refuses(
    blocks: list[Any], surface: Any, problem: str
) -> None:
    with pytest.raises(bk.BlockKitError, match=re.escape(problem)):
        bk.validate_blocks(blocks, surface)


def test_validate_blocks_allows_100_blocks_in_modals_but_not_messages() -> None:
    bk.validate_blocks([section("x")] * 100, "modal")
    bk.validate_blocks([section("x")] * 50, "message")
    with pytest.raises(bk.BlockKitError):
        bk.validate_blocks([section("x")] * 101, "home")


def test_validate_blocks_enforces_the_cumulative_message_budget() -> None:
    blocks = [section("x" * 3000)] * 4
    bk.validate_blocks(blocks, "modal")
    with pytest.raises(bk.MessageTooLong):
        bk.validate_blocks(blocks, "message")


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"title": {"type": "plain_text", "text": "t" * 25}}, "25 characters"),
        ({"submit": {"type": "plain_text", "text": "s" * 25}}, "25 characters"),
        ({"private_metadata": "m" * 3001}, "3001"),
        ({"callback_id": "c" * 256}, "256"),
        ({"type": "dialog"}, "modal or home"),
    ],
)
def test_validate_view_refuses_bad_modals(changes: dict[str, Any], problem: str) -> None:
    modal = {**bk.reject_modal("d-1", "en"), **changes}
    with pytest.raises(bk.BlockKitError, match=re.escape(problem)):
        bk.validate_view(modal)


def test_validate_view_requires_submit_with_inputs() -> None:
    modal = bk.reject_modal("d-1", "en")
    del modal["submit"]
    with pytest.raises(bk.BlockKitError, match="submit"):
        bk.validate_view(modal)


def test_validate_message_needs_fallback_text() -> None:
    with pytest.raises(bk.BlockKitError, match="text"):
        bk.validate_message({"text": "", "blocks": []})


def test_word_joiner_only_breaks_broadcasts() -> None:
    text = joined(bk.draft_message(draft(bullets=("Kontakt: @here und presse@example.org",)), "en"))
    assert "@" + WORD_JOINER + "here" in text and "presse@example.org" in text
