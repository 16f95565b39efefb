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
