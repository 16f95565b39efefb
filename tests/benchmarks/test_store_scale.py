"""The store-at-scale benchmark runs end to end on a small database and prints its table."""

from __future__ import annotations

import pytest

from benchmarks import store_scale
from tests.store.conftest import pg_base_url, pg_dsn

__all__ = ["pg_dsn"]  # the fixture: skips (or fails on CI) without a PostgreSQL server


@pytest.mark.postgres
def test_the_benchmark_prints_its_table(pg_dsn: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert store_scale.main(["--drafts", "300", "--runs", "2", "--postgres", pg_base_url()]) == 0
    out = capsys.readouterr().out
    assert "| sqlite | /metrics state counts |" in out
    assert "| postgresql | another process sees new work |" in out
