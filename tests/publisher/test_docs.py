"""docs/webhook.md and docs/receiver_example.py stay true to what the code sends."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import jsonschema
import pytest
import urllib3

from bot.publisher.client import WebhookClient
from bot.publisher.payload import APPROVED, RETRACTED, UPDATED, build_payload, encode_payload
from bot.publisher.policy import Outcome
from bot.publisher.signing import Signer, new_webhook_id
from bot.store import new_id
from bot.summarizer.prompts import PromptSet
from tests.publisher.samples import DOCS, OLD_SECRET, PUBLISH, RETRACT, SECRET, schema


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("receiver_example", DOCS / "receiver_example.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


example = load_example()


def test_json_examples_in_the_docs_are_what_the_builder_makes() -> None:
    text = (DOCS / "webhook.md").read_text(encoding="utf-8")
    blocks = [json.loads(b) for b in re.findall(r"```json\n(.*?)\n```", text, re.DOTALL)]
    assert blocks == [build_payload(APPROVED, PUBLISH), build_payload(RETRACTED, RETRACT)]
    validator = jsonschema.Draft202012Validator(schema())
    for block in blocks:
        validator.validate(block)


def test_example_verification_accepts_what_our_client_signs() -> None:
    body = encode_payload(build_payload(APPROVED, PUBLISH))
    headers = Signer(f"{SECRET} {OLD_SECRET}").headers("msg_doc", int(time.time()), body)
    assert example.verify_delivery(SECRET, headers, body) == build_payload(APPROVED, PUBLISH)
    assert example.verify_delivery(f"whsec_bm90IHRoaXM= {OLD_SECRET}", headers, body)["type"]
    for bad_headers, bad_body in [
        (headers, body + b" "),
        ({**headers, "webhook-signature": "v1,broken"}, body),
        ({**headers, "webhook-signature": "nonsense"}, body),
        (Signer(SECRET).headers("msg_doc", int(time.time()) - 600, body), body),  # replay
        ({k: v for k, v in headers.items() if k != "webhook-id"}, body),
    ]:
        with pytest.raises(example.Rejected):
            example.verify_delivery(SECRET, bad_headers, bad_body)


@pytest.fixture
def example_server() -> Iterator[tuple[str, Any]]:
    inbox = example.Inbox()
    server = example.make_server(SECRET, inbox, port=0)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", inbox
    server.shutdown()
    server.server_close()


def test_example_receiver_end_to_end(example_server: tuple[str, Any]) -> None:
    url, inbox = example_server
    newer = build_payload(UPDATED, PUBLISH)
    older = build_payload(APPROVED, PUBLISH)
    older["data"]["revision"] = 1
    with WebhookClient(url, SECRET) as client:
        first = client.send("msg_a", newer, 1)
        again = client.send("msg_a", newer, 2)
        late_old = client.send("msg_b", older, 1)
    assert [r.outcome for r in (first, again, late_old)] == [Outcome.DELIVERED] * 3
    assert again.response_snippet == "duplicate"
    assert inbox.seen == {"msg_a", "msg_b"}
    # The late, older revision was acknowledged but did not overwrite the correction.
    assert inbox.summaries[PUBLISH.summary_id] == newer
    with WebhookClient(url, SECRET) as client:
        retracted = client.send("msg_c", build_payload(RETRACTED, RETRACT), 1)
        resurrect = client.send("msg_d", newer, 1)
    assert (retracted.status, resurrect.status) == (200, 200)
    assert inbox.summaries[PUBLISH.summary_id]["type"] == "summary.retracted"


def test_example_receiver_refuses_forgeries_and_odd_payloads(
    example_server: tuple[str, Any],
) -> None:
    url, inbox = example_server
    with WebhookClient(url, OLD_SECRET) as client:
        forged = client.send("msg_f", build_payload(APPROVED, PUBLISH), 1)
    with WebhookClient(url, SECRET) as client:
        odd = client.send("msg_o", {"type": "summary.approved", "data": []}, 1)
    assert (forged.status, forged.outcome) == (401, Outcome.STOP)
    assert (odd.status, odd.response_snippet) == (400, "unexpected payload shape")
    assert inbox.seen == set()
    with urllib3.PoolManager() as pool:
        huge = pool.request("POST", url, headers={"Content-Length": "2000000"}, body=b"")
    assert huge.status == 413


def test_the_receiver_example_without_arguments_prints_its_usage() -> None:
    done = subprocess.run(  # noqa: S603  # our own interpreter and the docs' script
        [sys.executable, str(DOCS / "receiver_example.py")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={k: v for k, v in os.environ.items() if k != "WEBHOOK_SECRET"},
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("usage: receiver_example.py [-h] PORT\n")
    assert "the following arguments are required: PORT" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_receiver_example_names_a_missing_secret_and_a_bad_port(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("WEBHOOK_SECRET", raising=False)
    with pytest.raises(SystemExit) as exited:
        example.main(["8080"])
    assert exited.value.code == 2
    assert "error: set WEBHOOK_SECRET to the secret newsbot signs with" in capsys.readouterr().err
    monkeypatch.setenv("WEBHOOK_SECRET", SECRET)
    with pytest.raises(SystemExit) as exited:
        example.main(["eighty"])
    assert exited.value.code == 2
    assert "argument PORT: invalid int value: 'eighty'" in capsys.readouterr().err


def test_example_ids_in_the_docs_look_like_real_ones() -> None:
    text = (DOCS / "webhook.md").read_text(encoding="utf-8")
    approved, retracted = (
        json.loads(b) for b in re.findall(r"```json\n(.*?)\n```", text, re.DOTALL)
    )
    real_id, real_msg = new_id(), new_webhook_id()
    real_version = PromptSet.load().version
    for data in (approved["data"], retracted["data"]):
        summary_id = data["summary_id"]
        assert len(summary_id) == len(real_id) and summary_id.isascii() and summary_id.isalnum()
        action = data.get("approval") or data["retraction"]
        assert re.fullmatch(r"U[A-Z0-9]{8,10}", action["editor_id"])
        assert re.fullmatch(r"C[A-Z0-9]{8,10}", action["channel_id"])
        assert re.fullmatch(r"\d{10}\.\d{6}", action["thread_ts"])
    version = approved["data"]["provenance"]["prompt_version"]
    assert len(version) == len(real_version) and re.fullmatch(r"[0-9a-f]+", version)
    permalink = approved["data"]["approval"]["permalink"]
    ts = approved["data"]["approval"]["thread_ts"]
    assert permalink.endswith(
        f"/archives/{approved['data']['approval']['channel_id']}/p{ts.replace('.', '')}"
    )
    messages = re.findall(r"msg_[0-9A-Za-z]+", text)
    assert messages and all(len(m) == len(real_msg) and m[4:].isalnum() for m in messages)
