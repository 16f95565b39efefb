"""A publisher process for the crash and multi-process tests (run with ``sys.executable``).

``--mode once``: claim one delivery and attempt it (``--die-after-send``: SIGKILL ourselves
right after the receiver answered, before anything is recorded). ``--mode drain``: print
``ready``, wait for a line on stdin, deliver until nothing is due, print the attempt count.
Logs go to stderr; stdout carries only the protocol lines above.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections.abc import Sequence

from bot.logs import configure_logging
from bot.publisher import AttemptResult, RetryPolicy, WebhookClient
from bot.store import Store
from bot.workflow.publishing import NullNotifier, PublishWorker

# Retries within a fraction of a second, so a drain finishes quickly.
FAST_POLICY = RetryPolicy(schedule_s=(0.05, 0.1, 0.2), min_delay_s=0.01, max_age_s=600)


class DieAfterSend:
    def __init__(self, client: WebhookClient) -> None:
        self.client = client

    def send(self, webhook_id: str, payload: bytes, attempt_no: int) -> AttemptResult:
        self.client.send(webhook_id, payload, attempt_no)
        os.kill(os.getpid(), signal.SIGKILL)
        raise AssertionError("unreachable")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--worker", required=True)
    parser.add_argument("--lease", type=float, default=30.0)
    parser.add_argument("--mode", choices=("once", "drain"), required=True)
    parser.add_argument("--die-after-send", action="store_true")
    args = parser.parse_args(argv)
    configure_logging("warning", "json", stream=sys.stderr)

    with Store(args.db) as store, WebhookClient(args.url, args.secret, timeout_s=120) as client:
        sender = DieAfterSend(client) if args.die_after_send else client
        worker = PublishWorker(
            store, sender, FAST_POLICY, NullNotifier(), worker_id=args.worker, lease_s=args.lease
        )
        if args.mode == "once":
            print(json.dumps({"worked": worker.run_once()}), flush=True)
            return 0
        assert store.ping()  # connect before the start signal
        print("ready", flush=True)
        sys.stdin.readline()
        attempts = worker.run_pending(max_wait_s=5.0)
        print(json.dumps({"attempts": attempts}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
