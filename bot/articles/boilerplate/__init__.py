"""News-page chrome, found by generic markup and phrase patterns; removed around extraction.

Two passes around trafilatura. :func:`prune_chrome` removes, in the parsed page, elements whose
class, id or ARIA role names them as navigation, consent banners, newsletter and subscription
boxes, related-article teasers, comments, share bars, author boxes, captions or summary boxes,
plus "read also" blocks, link-only teaser lines and AI-summary boxes found by their wording; the
container holding most of the page's prose is never removed, whatever its class names say.
:func:`clean_lines` then drops what survives extraction line by line: teaser and subscription
prompts, AI disclaimers, photo credits, labels, bare dates, and the headline repeated on top.

The vocabulary is generic (class-name tokens and phrases in the languages our newsrooms read),
never a single site's markup; every rule was kept only if it helped on both benchmark sets
(``benchmarks/extraction.py``).

- :mod:`.vocabulary`: the class-name tokens and phrases both passes match.
- :mod:`.tree`: the tree pass, :func:`prune_chrome`.
- :mod:`.lines`: the line pass, :func:`clean_lines`.
"""

from bot.articles.boilerplate.lines import clean_lines, is_date_line, is_disclaimer, junk_reason
from bot.articles.boilerplate.tree import prune_chrome

__all__ = ["clean_lines", "is_date_line", "is_disclaimer", "junk_reason", "prune_chrome"]
