"""The extraction benchmark's metrics, checked by hand on tiny inputs (the numbers we report)."""

from __future__ import annotations

import pytest

from benchmarks.extraction import Output, Page, score_scrapinghub, score_snippets, shingle_counts


def test_shingles_as_scrapinghub_counts_them() -> None:
    # 6 tokens -> 3 four-token shingles each; 2 shared, 1 extra, 1 missing; normalised by 4.
    tp, fp, fn = shingle_counts("a b c d e f", "a b c d e x")
    assert (tp, fp, fn) == pytest.approx((0.5, 0.25, 0.25))
    # Texts shorter than four tokens are one shorter shingle; nothing for an empty text.
    assert shingle_counts("a b", "a b") == pytest.approx((1.0, 0.0, 0.0))
    assert shingle_counts("a b c d", "") == pytest.approx((0.0, 0.0, 1.0))


def test_scrapinghub_means_skip_empty_precision() -> None:
    pages = [Page("scrapinghub", str(i), "u", "", body="a b c d e f") for i in range(2)]
    outputs = [Output("a b c d e f", 1.0), Output("", 1.0)]
    scores = score_scrapinghub(pages, outputs)
    # Precision over the one page with output; recall 1 and 0 averaged.
    assert scores["P"] == pytest.approx(1.0)
    assert scores["R"] == pytest.approx(0.5)
    assert scores["F1"] == pytest.approx(2 * 1.0 * 0.5 / 1.5)


def test_snippets_count_leaks_and_misses_after_whitespace_normalisation() -> None:
    page = Page(
        "trafilatura-eval",
        "k",
        "u",
        "",
        with_=["first  passage", "second passage"],
        without=["Newsletter", "Impressum"],
    )
    scores = score_snippets([page], [Output("first passage\nand Newsletter box", 1.0)])
    assert scores["P"] == pytest.approx(0.5)  # 1 tp, 1 fp
    assert scores["R"] == pytest.approx(0.5)  # 1 tp, 1 fn
    assert scores["leak"] == pytest.approx(0.5)
    assert scores["miss"] == pytest.approx(0.5)
