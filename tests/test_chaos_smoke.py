"""A short chaos run (``benchmarks.chaos --quick``, webhook outage off) must pass every invariant.

The full run (500 events, a one-minute webhook outage) takes minutes and is a benchmark; this
smoke version keeps the script and the invariants it checks from rotting.
"""

from __future__ import annotations

import pytest

from benchmarks import chaos


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_a_quick_chaos_run_passes_every_invariant(capsys: pytest.CaptureFixture[str]) -> None:
    code = chaos.main(["--quick", "--webhook-down-s", "0", "--deadline", "150"])
    out = capsys.readouterr().out
    assert "FAIL" not in out, out
    assert out.count("PASS") == 9, out
    assert code == 0
    assert "restart after SIGKILL: healthy in" in out
