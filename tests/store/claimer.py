"""A worker process for the store's multi-process tests (not a test module).

``python claimer.py URL WORKER_ID GO_FILE MODE`` waits until GO_FILE exists (so all processes
start together), then:

* ``drafts``: claims drafts until none is left, completing each; prints one id per line.
* ``deliveries``: claims deliveries until none is left, marking each delivered; prints ids.
* ``crash``: claims one draft, prints its id and dies without completing (``os._exit``).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from bot.logs import configure_logging
from bot.store import NewRevision, Store


def main(url: str, worker: str, go_file: str, mode: str) -> int:
    configure_logging("warning", "json")  # logs to stderr; stdout carries the ids
    store = Store(url)
    store.ping()  # connect before the start signal
    deadline = time.monotonic() + 60
    while not Path(go_file).exists():
        if time.monotonic() > deadline:
            return 2
        time.sleep(0.002)
    revision = NewRevision(kind="ai", bullets=["Punkt."], author="test-model")
    if mode == "crash":
        draft = store.claim_draft(worker, lease_s=60)
        print(draft.id if draft else "", flush=True)
        os._exit(1)  # a crash: no complete, no cleanup
    while True:
        if mode == "drafts":
            draft = store.claim_draft(worker, lease_s=60)
            if draft is None:
                break
            print(draft.id, flush=True)
            assert store.complete(draft.id, worker, revision).won
        else:
            delivery = store.claim_delivery(worker, lease_s=60)
            if delivery is None:
                break
            print(delivery.id, flush=True)
            assert store.mark_delivered(delivery.id, worker, status=200).won
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
