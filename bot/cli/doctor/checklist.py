"""The doctor's checklist: one :class:`Check` per line, printed with its fix by :func:`report`."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

Status = Literal["ok", "warn", "fail", "skip"]
_MARKS: Final = {"ok": "[ok]  ", "warn": "[warn]", "fail": "[FAIL]", "skip": "[skip]"}


@dataclass(frozen=True, slots=True)
class Check:
    """One line of the checklist; ``fix`` says what to do when it is not ok."""

    name: str
    status: Status
    detail: str
    fix: str | None = None

    def lines(self) -> list[str]:
        out = [f"{_MARKS[self.status]} {self.name}: {self.detail}"]
        if self.fix and self.status in ("fail", "warn"):
            out.append(f"       fix: {self.fix}")
        return out


def report(checks: Sequence[Check], out: Any = None) -> int:
    """Print the checklist; 0 when nothing failed."""
    out = out if out is not None else sys.stdout
    for check in checks:
        for line in check.lines():
            print(line, file=out)
    failed = sum(1 for c in checks if c.status == "fail")
    warned = sum(1 for c in checks if c.status == "warn")
    print(f"\n{failed} failed, {warned} warning(s), {len(checks)} checks.", file=out)
    return 1 if failed else 0
