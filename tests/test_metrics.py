"""Metrics: the registry's exposition, and ``GET /metrics`` of a running bot after a draft."""

from __future__ import annotations

import re
import threading
import urllib.request
from decimal import Decimal
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from bot.metrics import Metrics
from bot.server import HttpServer, Router
from bot.slack import ids
from bot.slack.app import build_app
from tests.slack.conftest import EDITOR, Flow, flow, flow_factory  # noqa: F401  # fixtures


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_metrics_record_drafts_tokens_and_states() -> None:
    metrics = Metrics()
    metrics.watch_states(lambda: {"drafts": {"ready": 2, "failed": 1}, "deliveries": {}})
    metrics.draft_processed(
        "ready",
        article_s=0.5,
        model="m1",
        model_s=2.0,
        tokens={"input": 100, "output": 20, "cache_read": 0},
        cost_usd=Decimal("0.25"),
    )
    metrics.draft_processed("refused")
    metrics.delivery_attempt("delivered")
    body, content_type = metrics.render()
    assert content_type.startswith("text/plain")
    samples = _samples(body.decode())
    assert samples[("newsbot_drafts_processed_total", (("outcome", "ready"),))] == 1
    assert samples[("newsbot_drafts_processed_total", (("outcome", "refused"),))] == 1
    assert samples[("newsbot_model_tokens_total", (("kind", "input"), ("model", "m1")))] == 100
    assert ("newsbot_model_tokens_total", (("kind", "cache_read"), ("model", "m1"))) not in samples
    assert samples[("newsbot_model_cost_usd_total", (("model", "m1"),))] == 0.25
    assert samples[("newsbot_model_seconds_count", (("model", "m1"),))] == 1
    assert samples[("newsbot_drafts", (("state", "ready"),))] == 2
    assert samples[("newsbot_delivery_attempts_total", (("outcome", "delivered"),))] == 1


def test_a_failing_state_query_does_not_break_the_scrape() -> None:
    metrics = Metrics()

    def broken() -> dict[str, dict[str, int]]:
        raise RuntimeError("database down")

    metrics.watch_states(broken)
    metrics.slack_request("block_actions")
    assert b"newsbot_slack_requests_total" in metrics.render()[0]


def test_metrics_endpoint_of_a_running_bot(flow: Flow) -> None:  # noqa: F811  # the fixture
    draft = flow.ready_draft()
    flow.click(ids.ACTION_APPROVE, draft, user=EDITOR)
    flow.wait_state(draft.id, "approved")
    # The harness's router has no /metrics; serve this bot's app as `newsbot serve` does.
    router = Router(build_app(flow.services), flow.store.ping, flow.services.metrics.render)
    server = HttpServer(router, host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.port}/metrics"
        with urllib.request.urlopen(url, timeout=10) as response:  # loopback URL
            assert response.status == 200
            samples = _samples(response.read().decode())
    finally:
        server.close()
        thread.join(5)
    assert samples[("newsbot_slack_requests_total", (("kind", "event:message"),))] >= 1
    assert samples[("newsbot_slack_requests_total", (("kind", "block_actions"),))] >= 1
    assert samples[("newsbot_drafts_processed_total", (("outcome", "ready"),))] == 1
    assert samples[("newsbot_drafts", (("state", "approved"),))] == 1
    assert (
        samples[("newsbot_model_tokens_total", (("kind", "output"), ("model", "claude-haiku-5-5")))]
        > 0
    )


def _readme_label_values() -> dict[str, tuple[str, ...]]:
    """``metric -> values`` from the README's /metrics table (rows with ``label: values``)."""
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    rows: dict[str, tuple[str, ...]] = {}
    for metric, cell in re.findall(r"^  \| `(newsbot_\w+)` \| (.+) \|$", readme, re.MULTILINE):
        for _label, values in re.findall(r"`?(\w+)`?: ((?:`[^`]+`(?:, )?)+)", cell):
            rows[metric] = tuple(re.findall(r"`([^`]+)`", values))
    return rows


def test_one_set_of_label_values_in_the_help_texts_the_readme_and_the_code() -> None:
    from bot.metrics import DELIVERY_OUTCOMES, DRAFT_OUTCOMES, SLACK_REQUEST_KINDS, TOKEN_KINDS
    from bot.slack.listeners import _KNOWN_KINDS
    from bot.workflow import trace

    expected = {
        "newsbot_slack_requests_total": SLACK_REQUEST_KINDS,
        "newsbot_drafts_processed_total": DRAFT_OUTCOMES,
        "newsbot_model_tokens_total": TOKEN_KINDS,
        "newsbot_delivery_attempts_total": DELIVERY_OUTCOMES,
    }
    readme = _readme_label_values()
    assert {name: readme.get(name) for name in expected} == expected

    body, _ = Metrics().render()
    helps = {
        family.name: family.documentation
        for family in text_string_to_metric_families(body.decode())
    }
    for name, values in expected.items():
        assert helps[name.removesuffix("_total")].endswith(f"({', '.join(values)}).")

    # What the code records is in the set.
    drafts_package = Path(__file__).parents[1] / "bot" / "workflow" / "drafts"
    source = "\n".join(p.read_text("utf-8") for p in sorted(drafts_package.glob("*.py")))
    assigned = set(re.findall(r'trace\.outcome(?:, trace\.code)? = "(\w+)"', source))
    assert assigned == set(DRAFT_OUTCOMES)
    assert set(trace._DELIVERY_OUTCOMES.values()) == set(DELIVERY_OUTCOMES)
    kinds = {k for k in _KNOWN_KINDS if not k.startswith("event:")} | {"event:<type>", "other"}
    assert kinds == set(SLACK_REQUEST_KINDS)
    trace_source = Path(trace.__file__).read_text(encoding="utf-8")
    [tokens] = re.findall(r"self\.tokens = \{(.*?)\}", trace_source, re.DOTALL)
    assert tuple(re.findall(r'"(\w+)":', tokens)) == TOKEN_KINDS
