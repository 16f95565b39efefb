"""The checks benchmark (``benchmarks/checks.py``) and the evaluation set it reads.

The script is run on a tiny data set made here; the real set in ``benchmarks/data/checks`` and
the held-out set in ``benchmarks/data/checks-holdout`` are validated for what the benchmark
relies on (gold sentences verbatim, known error types, planted errors that really are errors of
their type), each for the sizes it promises (issue 11 for the main set, its README for the
held-out one).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from benchmarks.checks import (
    DEFAULT_DATA,
    ERROR_TYPES,
    KINDS,
    LANGUAGES,
    load_cases,
    main,
    same_sentence,
)

# --- the script on a tiny data set --------------------------------------------------------------

_DE_TEXT = (
    "Die Stadtwerke Beispielstadt haben 2025 einen Umsatz von 12 Millionen Euro erzielt. "
    "Das Hallenbad im Ortsteil Nord bleibt bis zum Sommer wegen Bauarbeiten geschlossen.\n\n"
    "Geschäftsführerin Anna Berg kündigte neue Buslinien in die Gewerbegebiete an."
)
_EN_TEXT = (
    "The library in Riverside will open on Sundays from next month.\n\n"
    "The council approved a budget of $3 million for new books and longer opening hours."
)


def _write(folder: Path, name: str, data: dict[str, Any]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _tiny_set(folder: Path) -> None:
    _write(
        folder,
        "de-one.json",
        {
            "id": "de-one",
            "language": "de",
            "kind": "news",
            "title": "Stadtwerke Beispielstadt mit mehr Umsatz",
            "text": _DE_TEXT,
            "bullets": [
                {
                    "text": "Die Stadtwerke Beispielstadt erzielten 2025 einen Umsatz von 12 "
                    "Millionen Euro.",
                    "label": "faithful",
                    "evidence": "Die Stadtwerke Beispielstadt haben 2025 einen Umsatz von 12 "
                    "Millionen Euro erzielt.",
                },
                {
                    "text": "Die Stadtwerke Beispielstadt erzielten 2025 einen Umsatz von 97 "
                    "Millionen Euro.",
                    "label": "error",
                    "type": "number_changed",
                    "wrong": "97",
                },
                {
                    # The article's own sentence labelled as an error: no check can flag it,
                    # so the negation target fails whatever the checks do.
                    "text": "Das Hallenbad im Ortsteil Nord bleibt bis zum Sommer wegen "
                    "Bauarbeiten geschlossen.",
                    "label": "error",
                    "type": "negation_flip",
                    "wrong": "bleibt",
                },
            ],
        },
    )
    _write(
        folder,
        "en-one.json",
        {
            "id": "en-one",
            "language": "en",
            "kind": "sport",
            "title": "Riverside library opens on Sundays",
            "text": _EN_TEXT,
            "bullets": [
                {
                    "text": "The council approved a budget of $3 million for new books.",
                    "label": "faithful",
                    "evidence": "The council approved a budget of $3 million for new books "
                    "and longer opening hours.",
                },
                {
                    "text": "The council approved a budget of $8 million for new books.",
                    "label": "error",
                    "type": "number_changed",
                    "wrong": "$8 million",
                },
            ],
        },
    )


def _row(out: str, name: str) -> str:
    return next(line for line in out.splitlines() if line.startswith(name))


def test_prints_detection_false_flags_evidence_time_and_targets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _tiny_set(tmp_path)

    assert main(["--data", str(tmp_path)]) == 0

    out = capsys.readouterr().out
    assert "2 articles (de 1, en 1), 2 faithful bullets, 3 error bullets" in out
    number_row = _row(out, "number_changed").split()
    assert number_row[1:] == ["1/1", "100%", "1/1", "100%", "2/2", "100%", "2/2", "100%"]
    negation_row = _row(out, "negation_flip").split()
    assert negation_row[1:] == ["0/1", "0%", "–", "0/1", "0%", "0/1", "0%"]
    assert "False flags on faithful bullets" in out
    assert "Right supporting sentence for faithful bullets" in out
    assert "mean ms" in out
    assert "p95 ms" in out
    targets = out.split("Targets (issue 11)", 1)[1]
    assert re.search(
        r"number, name, quote, artefact errors flagged\s+100%\s+100\.0%\s+PASS", targets
    )
    assert re.search(r"negation, attribution errors flagged\s+≥ 80%\s+0\.0%\s+FAIL", targets)
    assert re.search(r"false flags on faithful bullets\s+≤ 5%\s+\d+\.\d%\s+(PASS|FAIL)", targets)
    assert re.search(r"right supporting sentence\s+≥ 97%\s+\d+\.\d%\s+(PASS|FAIL)", targets)
    assert re.search(r"time per bullet \(mean\)\s+≤ 10 ms\s+\d+\.\d\d ms\s+(PASS|FAIL)", targets)


def test_strict_exits_1_when_a_target_fails_and_verbose_lists_the_misses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _tiny_set(tmp_path)

    assert main(["--data", str(tmp_path), "--strict", "--verbose"]) == 1

    out = capsys.readouterr().out
    missed = out.split("Missed errors:", 1)[1].split("False flags:", 1)[0]
    assert "de-one [negation_flip] wrong 'bleibt'" in missed
    assert "number_changed" not in missed


@pytest.mark.parametrize("make", ["missing", "empty"])
def test_no_data_is_one_sentence_on_stderr_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make: str
) -> None:
    folder = tmp_path / "data"
    if make == "empty":
        folder.mkdir()

    assert main(["--data", str(folder)]) == 2

    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip().count("\n") == 0
    assert f"No evaluation data: {folder} holds no *.json article files." in captured.err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not readable as UTF-8 JSON"),
        (
            json.dumps(
                {
                    "id": "x",
                    "language": "de",
                    "kind": "news",
                    "title": "T",
                    "text": "Ein Satz.",
                    "bullets": [{"text": "B", "label": "error", "type": "typo", "wrong": "B"}],
                }
            ),
            "unknown error type 'typo'",
        ),
        (
            json.dumps(
                {
                    "id": "x",
                    "language": "fr",
                    "kind": "news",
                    "title": "T",
                    "text": "Une phrase.",
                    "bullets": [{"text": "B", "label": "faithful", "evidence": "Une phrase."}],
                }
            ),
            "language must be one of de, en",
        ),
    ],
)
def test_a_broken_file_is_named_on_stderr_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    (tmp_path / "broken.json").write_text(content, encoding="utf-8")

    assert main(["--data", str(tmp_path)]) == 2

    err = capsys.readouterr().err
    assert "broken.json" in err
    assert message in err
    assert "Traceback" not in err


def test_same_sentence_tolerates_splitter_differences_but_not_a_whole_paragraph() -> None:
    gold = "Die Kosten steigen auf 23,4 Millionen Euro."
    assert same_sentence("die  Kosten steigen auf 23,4 Millionen Euro.", gold)
    assert same_sentence(gold + " „Das ist zu viel“, sagte sie.", gold)
    paragraph = gold + " Der Rat stimmte am Mittwoch mit großer Mehrheit zu, die Opposition nicht."
    assert not same_sentence(paragraph, gold)
    assert not same_sentence("", gold)
    assert not same_sentence("Der Rat stimmte zu.", gold)


# --- the evaluation set -------------------------------------------------------------------------


HOLDOUT_DATA = DEFAULT_DATA.parent / "checks-holdout"
# Both sets are validated the same way; only the size assertions differ.
DATA_SETS = pytest.mark.parametrize("data", [DEFAULT_DATA, HOLDOUT_DATA], ids=["main", "holdout"])


def _raw_articles(data: Path) -> list[dict[str, Any]]:
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(data.glob("*.json"))]


def _words(text: str) -> int:
    return sum(1 for token in text.split() if any(ch.isalnum() for ch in token))


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _occurs(span: str, folded_text: str) -> bool:
    """``span`` as a whole in the text: "5 Millionen" does not occur in "9,5 Millionen"."""
    return re.search(r"(?<![\w.,])" + re.escape(_fold(span)) + r"(?!\w)", folded_text) is not None


def test_the_evaluation_set_loads_and_has_the_size_issue_11_asks_for() -> None:
    cases = load_cases(DEFAULT_DATA)
    languages = Counter(case.language for case in cases)
    assert len(cases) >= 30
    assert languages["de"] == languages["en"] >= 15
    for language in LANGUAGES:
        assert {case.kind for case in cases if case.language == language} == set(KINDS)

    bullets = [(case.language, bullet) for case in cases for bullet in case.bullets]
    assert sum(b.label == "faithful" for _, b in bullets) >= 120
    assert sum(b.label == "error" for _, b in bullets) >= 80
    per_type = Counter((b.error_type, language) for language, b in bullets if b.error_type)
    for error_type in ERROR_TYPES:
        assert per_type[error_type, "de"] + per_type[error_type, "en"] >= 10, error_type
        assert per_type[error_type, "de"] >= 3, error_type
        assert per_type[error_type, "en"] >= 3, error_type

    raw = [(a["language"], b) for a in _raw_articles(DEFAULT_DATA) for b in a["bullets"]]
    assert sum(b.get("single_word_org") is True for lang, b in raw if lang == "de") >= 5
    assert sum(b.get("negation_substring") is True for _, b in raw) >= 5


def test_the_held_out_set_loads_and_has_the_size_its_readme_states() -> None:
    cases = load_cases(HOLDOUT_DATA)
    languages = Counter(case.language for case in cases)
    assert len(cases) >= 10
    assert languages["de"] == languages["en"] >= 5
    assert {case.kind for case in cases} == set(KINDS)

    bullets = [(case.language, bullet) for case in cases for bullet in case.bullets]
    assert sum(b.label == "faithful" for _, b in bullets) >= 60
    assert sum(b.label == "error" for _, b in bullets) >= 45
    per_type = Counter((b.error_type, language) for language, b in bullets if b.error_type)
    for error_type in ERROR_TYPES:
        assert per_type[error_type, "de"] + per_type[error_type, "en"] >= 6, error_type
        assert per_type[error_type, "de"] >= 3, error_type
        assert per_type[error_type, "en"] >= 3, error_type

    raw = [(a["language"], b) for a in _raw_articles(HOLDOUT_DATA) for b in a["bullets"]]
    assert sum(b.get("single_word_org") is True for lang, b in raw if lang == "de") >= 3
    assert sum(b.get("negation_substring") is True for _, b in raw) >= 3


@DATA_SETS
def test_every_article_and_bullet_is_well_formed(data: Path) -> None:
    ids = set()
    for article in _raw_articles(data):
        ids.add(article["id"])
        text = article["text"]
        assert 250 <= len(text.split()) <= 450, article["id"]
        for bullet in article["bullets"]:
            where = f"{article['id']}: {bullet['text']}"
            assert _words(bullet["text"]) <= 30, where
            if "evidence" in bullet:
                assert bullet["evidence"] in text, where
            if bullet["label"] == "faithful":
                assert "evidence" in bullet, where
                continue
            assert bullet["wrong"] in bullet["text"], where
    assert len(ids) == len(_raw_articles(data))


@DATA_SETS
def test_every_planted_error_is_an_error_of_its_type(data: Path) -> None:
    for article in _raw_articles(data):
        text = article["text"]
        folded = _fold(text)
        for bullet in article["bullets"]:
            if bullet["label"] != "error":
                continue
            wrong, kind = bullet["wrong"], bullet["type"]
            where = f"{article['id']}: {bullet['text']}"
            if kind in ("number_changed", "name_invented", "artefact"):
                assert not _occurs(wrong, folded), where  # not in the article at all
            elif kind == "number_swapped":
                assert wrong in text, where  # taken from elsewhere in the same article
            elif kind == "misattribution":
                assert wrong.split()[-1] in text, where  # another person in the article
            elif kind == "quote_altered" and bullet["negation_substring"]:
                assert _fold(wrong).strip(" .") in folded, where  # inside a real negated quote
            elif kind == "quote_altered":
                assert _fold(wrong).strip(" .") not in folded, where
