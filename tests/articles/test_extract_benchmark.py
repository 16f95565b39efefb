"""The extraction benchmark's metrics, checked by hand on tiny inputs (the numbers we report)."""

from __future__ import annotations

import pytest

from benchmarks.extraction import (
    Output,
    Page,
    Target,
    score_scrapinghub,
    score_snippets,
    shingle_counts,
    targets,
    targets_table,
)


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


def _target_run(ours_text: str, leak_text: str) -> list[Target]:
    sh = [Page("scrapinghub", "1", "u", "", body="a b c d e f")]
    te = [Page("trafilatura-eval", "k", "u", "", with_=["body text"], without=["Newsletter"])]
    results = {
        "scrapinghub": {
            "ours": [Output(ours_text, 1.0)],
            "trafilatura default": [Output("a b c d e x", 1.0)],
        },
        "trafilatura-eval": {
            "ours": [Output(leak_text, 1.0)],
            "trafilatura default": [Output("body text", 1.0)],
        },
    }
    return targets({"scrapinghub": sh, "trafilatura-eval": te}, results)


def test_targets_pass_when_ours_is_at_least_trafilatura_and_leaks_little() -> None:
    found = _target_run("a b c d e f", "body text")
    assert [t.met for t in found] == [True, True, True]
    assert targets_table(found).endswith("all targets met")


def test_targets_fail_on_lower_f1_or_a_leak() -> None:
    found = _target_run("a b c x y z", "body text Newsletter")
    assert [t.met for t in found] == [False, False, False]
    table = targets_table(found)
    assert "| TE leak ≤ 5% | 100.0% | 0.0% | FAIL |" in table
    assert table.endswith("targets NOT met")
