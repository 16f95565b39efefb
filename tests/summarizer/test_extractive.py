"""Extractive bullets: lead sentences only, never a byline or a promotion line."""

from __future__ import annotations

from bot.domain import Article
from bot.summarizer import ExtractiveSummarizer, HouseStyle

TWEET = (
    "“Meth is IN our state. People can make a joke of it, but it is a serious problem here."
    " We are here to Get. It. OUT,” the governor wrote on Monday."
)


def test_bullets_skip_bylines_and_promotions_and_keep_a_quote_whole() -> None:
    text = "\n".join(
        [
            "Von Anna Beispiel, Jonas Muster und Lea Probe, NDR",
            "By Jane Doe and John Roe",
            "Das neue Heft gibt es jetzt am Kiosk oder hier zu bestellen.",
            "Sign up for our newsletter to get the day's top stories every morning.",
            TWEET,
            "The campaign cost the state about $449,000 and was produced out of state.",
            "Critics said the money would have been better spent on treatment beds. " * 8,
        ]
    )
    article = Article(url="u", final_url="u", title=None, text=text, language="en")
    summarizer = ExtractiveSummarizer(
        HouseStyle(bullets=2, max_words_per_bullet=60), disclaimer="Not AI.", min_words=20
    )
    draft = summarizer.summarize(article)
    assert draft.bullets == (
        TWEET,
        "The campaign cost the state about $449,000 and was produced out of state.",
    )
