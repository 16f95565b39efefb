"""Deterministic checks on a draft, shown beside each bullet, and per-bullet evidence.

They run on every draft, AI-written or edited by a human, and flag what needs a human look.
Each bullet is first tied to its supporting sentence(s) in the article (content words and
figures, IDF-weighted); then its numbers, quotes and speakers are checked against *those*
sentences (a figure from elsewhere in the article is still wrong here), its names against
the whole article (German compounds and hyphens split into parts), its wording for chatbot
artefacts and its negations against the supporting sentence. They never change the text.
All module-level tables are immutable, so the checks are safe from any thread.

- :mod:`.evidence`: the article indexed once per draft, and each bullet's supporting sentences.
- :mod:`.vocabulary`: the article's words and the word lists of the name check.
- :mod:`.numbers`, :mod:`.quotes`, :mod:`.names`, :mod:`.artefacts`, :mod:`.negation`: one kind
  of check each.
- :mod:`.run`: all of them on a draft, and the language check.
"""

from bot.summarizer.checks.artefacts import find_artefacts
from bot.summarizer.checks.evidence import ArticleIndex, Support, word_count
from bot.summarizer.checks.names import find_absent_names
from bot.summarizer.checks.negation import negated_source, negation_difference
from bot.summarizer.checks.numbers import NumberMention, find_numbers, number_matches
from bot.summarizer.checks.quotes import (
    QuoteSpan,
    find_quote_spans,
    find_quotes,
    find_words,
    fold,
    quote_in_article,
)
from bot.summarizer.checks.run import language_checks, run_checks
from bot.summarizer.checks.vocabulary import Vocabulary

__all__ = [
    "ArticleIndex",
    "NumberMention",
    "QuoteSpan",
    "Support",
    "Vocabulary",
    "find_absent_names",
    "find_artefacts",
    "find_numbers",
    "find_quote_spans",
    "find_quotes",
    "find_words",
    "fold",
    "language_checks",
    "negated_source",
    "negation_difference",
    "number_matches",
    "quote_in_article",
    "run_checks",
    "word_count",
]
