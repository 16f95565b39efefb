"""The draft card in every state, and the ``/summarize`` preview: structure, escaping of
outside text, huge and hostile input, en + de."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.i18n import t
from bot.slack import blocks as bk
from bot.slack import ids
from bot.slack.views import ArticleRef, CheckWarning, ErrorView, Evidence, StatusView
from tests.slack.blocks.samples import (
    ARTICLE,
    LANGS,
    LIVE,
    STATES,
    action_blocks,
    buttons,
    draft,
    hostile_draft,
    joined,
    texts,
)

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
