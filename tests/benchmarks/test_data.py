"""The benchmarks that read data from outside the repository end in one sentence without it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from benchmarks import extraction, summarize


@pytest.mark.parametrize(
    ("main", "missing"),
    [
        (extraction.main, "scrapinghub/ground-truth.json"),
        (summarize.main, "seed-article.txt"),
    ],
)
def test_a_missing_data_folder_ends_in_one_sentence(
    main: Callable[[Sequence[str]], int],
    missing: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = tmp_path / "no-such-folder"
    assert main(["--data", str(data)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.splitlines()
    assert line.startswith("Benchmark data not found: ")
    assert str(data / missing) in line and "README" in line


def test_a_partly_copied_data_folder_names_the_missing_part(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "scrapinghub").mkdir()
    (tmp_path / "scrapinghub" / "ground-truth.json").write_text("{}", encoding="utf-8")
    assert extraction.main(["--data", str(tmp_path)]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert str(tmp_path / "trafilatura-eval" / "evaldata.json") in line
