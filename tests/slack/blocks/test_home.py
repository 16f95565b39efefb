"""App Home: the review queue and recent approvals for editors, help for everyone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.slack import blocks as bk
from bot.slack.views import ArticleRef, HomeItem, HomeView
from tests.slack.blocks.samples import joined

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


# --- the queue filter -------------------------------------------------------------------------


def test_filtered_queue_shows_states_newest_first_and_remembers_the_choice() -> None:
    failed = HomeItem(
        draft_id="d-9",
        article=ArticleRef(url="https://news.example/9", title="Kaputt"),
        created_at=datetime(2024, 5, 3, 9, 0, tzinfo=UTC),
        user_id="U0REPORTER",
        state="failed",
    )
    home = HomeView(is_editor=True, pending=(failed,), queue="failed", desk_available=True)
    for lang, title, state in (
        ("en", "*Failed* (1)", "failed"),
        ("de", "*Fehlgeschlagen* (1)", "fehlgeschlagen"),
    ):
        view = bk.home_view(home, lang)
        bk.validate_view(view)
        assert view["private_metadata"] == "failed"
        text = joined(view)
        assert title in text and f"· {state} ·" in text
        [select] = [b["accessory"] for b in view["blocks"] if b.get("block_id") == "home_filter"]
        assert select["type"] == "static_select" and select["action_id"] == "home_filter"
        assert [o["value"] for o in select["options"]] == [
            "waiting", "mine", "desk", "failed", "published_today"
        ]  # fmt: skip
        assert select["initial_option"]["value"] == "failed"


def test_desk_is_offered_only_to_desk_editors_and_not_to_others() -> None:
    editor = bk.home_view(HomeView(is_editor=True), "en")
    [select] = [b["accessory"] for b in editor["blocks"] if b.get("block_id") == "home_filter"]
    assert "desk" not in [o["value"] for o in select["options"]]
    assert editor["private_metadata"] == "waiting"
    outsider = bk.home_view(HomeView(is_editor=False), "en")
    assert all(b.get("block_id") != "home_filter" for b in outsider["blocks"])
    assert "private_metadata" not in outsider


def test_a_full_filtered_queue_stays_within_limits() -> None:
    many = tuple(
        HomeItem(
            draft_id=f"d-{n}",
            article=ArticleRef(url=f"https://news.example/{n}", title="T" * 300),
            created_at=datetime(2024, 5, 3, 9, 0, tzinfo=UTC),
            user_id="U0REPORTER",
            state="published",
        )
        for n in range(50)
    )
    view = bk.home_view(HomeView(is_editor=True, pending=many, queue="mine"), "en")
    bk.validate_view(view)
    assert "…and 30 more." in joined(view)
