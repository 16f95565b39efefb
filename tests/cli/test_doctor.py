"""``newsbot doctor`` against the loopback fakes: the checklist, the fixes, the exit code, and
that it changes nothing anywhere."""

from __future__ import annotations

import io
import socket
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.cli.doctor import Check, Doctor, report
from bot.settings import load_settings
from bot.store import Store
from bot.summarizer.prompts import TEMPLATE_FILES, default_prompt_dir
from tests.fakes.anthropic_api import FakeAnthropic
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.static_http import StaticHTTP
from tests.fakes.webhook_receiver import WebhookReceiver

TOKEN = "xoxb-doctor-token"
WEBHOOK_SECRET = "whsec_c2VjcmV0c2VjcmV0c2VjcmV0"


@pytest.fixture
def fakes() -> Iterator[tuple[FakeSlackAPI, FakeAnthropic]]:
    slack = FakeSlackAPI(token=TOKEN).start()
    model = FakeAnthropic().start()
    yield slack, model
    model.stop()
    slack.stop()


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver(WEBHOOK_SECRET) as running:
        yield running


@pytest.fixture
def env(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fakes: tuple[FakeSlackAPI, FakeAnthropic],
    receiver: WebhookReceiver,
) -> Path:
    """A healthy configuration: every check can pass; returns the database file."""
    slack, model = fakes
    db = tmp_path / "doctor.db"
    with Store(f"sqlite:///{db}") as store:
        store.upgrade()
    for name, value in {
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": "doctor-secret",
        "SLACK_API_URL": slack.base_url,
        "ANTHROPIC_API_KEY": "test-key",
        "ANTHROPIC_BASE_URL": model.base_url,
        "DATABASE_URL": f"sqlite:///{db}",
        "EDITOR_USER_IDS": "U0EDITOR",
        "PUBLISH_WEBHOOK_URL": receiver.url,
        "PUBLISH_WEBHOOK_SECRET": WEBHOOK_SECRET,
    }.items():
        monkeypatch.setenv(name, value)
    return db


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_healthy_setup_passes_and_touches_nothing(
    env: Path,
    fakes: tuple[FakeSlackAPI, FakeAnthropic],
    receiver: WebhookReceiver,
    capsys: pytest.CaptureFixture[str],
) -> None:
    slack, model = fakes
    size = env.stat().st_size
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "[ok]   Slack auth.test: workspace Newsroom, bot user @newsbot" in out
    assert "[ok]   Slack scopes: all 8 scopes granted" in out
    assert "[ok]   Model API: model claude-haiku-5-5 answers" in out
    assert "[ok]   Database: sqlite:///" in out and "is current" in out
    assert "[ok]   Webhook DNS: 127.0.0.1 → 127.0.0.1" in out
    where = f"127.0.0.1:{receiver.port}"
    assert f"[ok]   Webhook connect: {where} accepts connections" in out
    assert f"[warn] Webhook TLS: {where} is plain http" in out
    assert f"[ok]   Prompts: all {len(TEMPLATE_FILES)} templates render (prompt version " in out
    assert "0 failed" in out
    assert receiver.requests == []  # a TCP connection only: the CMS saw no request
    # Read-only: one auth.test, one token count, no completion, no database write.
    assert [c.method for c in slack.calls()] == ["auth.test"]
    assert [r.path for r in model.requests] == ["/v1/messages/count_tokens"]
    assert env.stat().st_size == size


def test_broken_setup_fails_with_a_fix_for_each_problem(
    env: Path,
    fakes: tuple[FakeSlackAPI, FakeAnthropic],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    slack, _model = fakes
    slack.scopes = ["chat:write", "commands"]
    missing_db = tmp_path / "nowhere.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{missing_db}")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", f"http://127.0.0.1:{_closed_port()}")
    monkeypatch.delenv("EDITOR_USER_IDS")
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "[FAIL] Slack scopes: missing channels:history, groups:history" in out
    assert "reinstall the app" in out
    assert "[FAIL] Model API: cannot reach" in out
    assert "fix: check network egress and ANTHROPIC_BASE_URL" in out
    assert "[FAIL] Database: " in out and "fix: run `newsbot db upgrade`" in out
    assert "[warn] Editors: no EDITOR_USER_IDS" in out
    assert "3 failed" in out
    assert not missing_db.exists()  # doctor never creates the database


def test_wrong_token_and_old_schema(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-revoked")
    empty = env.with_name("empty.db")
    Store(f"sqlite:///{empty}").ping()  # a database file without the schema
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{empty}")
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "[FAIL] Slack auth.test: Slack refused the token (invalid_auth)" in out
    assert "fix: reinstall the app to the workspace" in out
    assert "is at schema (empty)" in out


def test_webhook_dns_and_tls_failures(env: Path) -> None:
    settings = load_settings(publish_webhook_url="https://cms.example.invalid/hook")

    def no_dns(host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    [dns] = Doctor(settings, resolve=no_dns).webhook()
    assert dns.status == "fail" and "does not resolve" in dns.detail

    def bad_cert(address: str, port: int, name: str) -> str:
        error = ssl.SSLCertVerificationError("certificate verify failed")
        error.verify_message = "self-signed certificate"
        raise error

    checks = list(
        Doctor(settings, resolve=lambda h, p: ["192.0.2.7"], tls_probe=bad_cert).webhook()
    )
    assert [c.status for c in checks] == ["ok", "fail"]
    assert "self-signed certificate" in checks[1].detail
    assert checks[1].fix is not None and "certificate" in checks[1].fix
    good = Doctor(settings, resolve=lambda h, p: ["192.0.2.7"], tls_probe=lambda a, p, n: "TLSv1.3")
    assert [c.status for c in good.webhook()] == ["ok", "ok"]


def test_report_exit_code_counts_only_failures() -> None:
    sink = io.StringIO()
    assert report([Check("a", "ok", "x"), Check("b", "warn", "y", "do z")], out=sink) == 0
    assert "fix: do z" in sink.getvalue()
    assert report([Check("a", "fail", "x", "fix it")], out=sink) == 1


# --- the webhook: something must answer at host:port ---------------------------------------------


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_a_webhook_on_a_dead_port_fails(
    scheme: str, env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    port = _closed_port()
    monkeypatch.setenv("PUBLISH_WEBHOOK_URL", f"{scheme}://127.0.0.1:{port}/hooks/newsbot")
    assert main(["doctor"]) == 1
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "crashed" not in out
    assert "[ok]   Webhook DNS: 127.0.0.1 → 127.0.0.1" in out
    assert (
        f"[FAIL] Webhook connect: nothing answers at 127.0.0.1:{port} (connection refused)" in out
    )
    assert "fix: check the host and port in PUBLISH_WEBHOOK_URL, that the CMS receiver runs" in out
    assert "1 failed" in out


def test_a_webhook_that_times_out_says_so(env: Path) -> None:
    settings = load_settings(publish_webhook_url="http://cms.example.org:8080/hook")

    def black_hole(address: str, port: int) -> None:
        raise TimeoutError("timed out")

    checks = list(
        Doctor(settings, resolve=lambda h, p: ["192.0.2.7"], connect_probe=black_hole).webhook()
    )
    assert [c.status for c in checks] == ["ok", "fail"]
    assert checks[1].detail == "nothing answers at cms.example.org:8080 within 10 s"


# --- the model API: answering is not enough, it must be the Messages API -----------------------


@pytest.mark.parametrize(
    "answer",
    [
        (200, b"<html><body>Welcome to our CMS</body></html>", "text/html"),
        (200, b"{}", "application/json"),
        (404, b"<html>Not Found</html>", "text/html"),
        (404, b'{"detail": "Not Found"}', "application/json"),
    ],
)
def test_a_base_url_that_is_not_the_messages_api(
    answer: tuple[int, bytes, str],
    env: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with StaticHTTP(*answer) as other:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", other.url)
        assert main(["doctor"]) == 1
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "crashed" not in out
    assert (
        f"[FAIL] Model API: ANTHROPIC_BASE_URL ({other.url}) answers, but not as the Claude "
        "Messages API" in out
    )
    assert "fix: set ANTHROPIC_BASE_URL to the API's root, without /v1" in out
    assert "tokens)" not in out  # never "a test prompt counts None tokens"
    assert "1 failed" in out


# --- the prompt templates: every one renders ----------------------------------------------------


def _prompt_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "prompts"
    folder.mkdir()
    for filename in TEMPLATE_FILES.values():
        (folder / filename).write_text(
            (default_prompt_dir() / filename).read_text(encoding="utf-8"), encoding="utf-8"
        )
    return folder


def _prompt_check(capsys: pytest.CaptureFixture[str]) -> list[str]:
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "1 failed" in out
    lines = out.splitlines()
    index = next(i for i, line in enumerate(lines) if " Prompts: " in line)
    return lines[index : index + 2]


def test_a_missing_template_fails_with_its_fix(
    env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _prompt_copy(tmp_path)
    (folder / "summary-correction.md").unlink()
    monkeypatch.setenv("SUMMARY_PROMPT_DIR", str(folder))
    line, fix = _prompt_check(capsys)
    assert line.startswith(f"[FAIL] Prompts: {folder}: cannot read prompt template ")
    assert "summary-correction.md" in line
    assert fix.strip().startswith("fix: restore the template (see prompts/README.md)")


def test_a_template_with_an_unknown_placeholder_fails(
    env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _prompt_copy(tmp_path)
    task = folder / "summary-task.md"
    task.write_text(task.read_text(encoding="utf-8") + "\nTone: {{tone}}\n", encoding="utf-8")
    monkeypatch.setenv("SUMMARY_PROMPT_DIR", str(folder))
    line, _fix = _prompt_check(capsys)
    assert line == f"[FAIL] Prompts: {folder}: prompt placeholder(s) without a value: tone"


def test_an_empty_template_fails(
    env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _prompt_copy(tmp_path)
    (folder / "summary-editor-request.md").write_text("\n", encoding="utf-8")
    monkeypatch.setenv("SUMMARY_PROMPT_DIR", str(folder))
    line, _fix = _prompt_check(capsys)
    assert line == f"[FAIL] Prompts: empty template(s) in {folder}: summary-editor-request.md"


def test_an_unsupported_database_url_is_a_failed_check(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql://newsbot:s3cret@db.example/newsbot")
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "[FAIL] Database: DATABASE_URL is not supported" in out
    assert "fix: DATABASE_URL uses mysql://, which newsbot does not support." in out
    assert "s3cret" not in out and "crashed" not in out


def test_oauth_mode_counts_installations_instead_of_auth_test(
    env: Path, fakes: tuple[FakeSlackAPI, FakeAnthropic], monkeypatch: pytest.MonkeyPatch
) -> None:
    slack, _ = fakes
    monkeypatch.delenv("SLACK_BOT_TOKEN")
    monkeypatch.setenv("SLACK_CLIENT_ID", FakeSlackAPI.client_id)
    monkeypatch.setenv("SLACK_CLIENT_SECRET", FakeSlackAPI.client_secret)
    checks = {c.name: c for c in Doctor(load_settings()).run()}
    assert checks["Slack OAuth"].status == "ok"
    assert checks["Slack installations"].status == "warn"  # none yet: open /slack/install
    assert "0 workspace" in checks["Slack installations"].detail
    assert checks["Slack auth.test"].status == "skip"
    assert [c.method for c in slack.calls()] == []
    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)  # both modes at once
    both = {c.name: c for c in Doctor(load_settings()).run()}
    assert both["Slack OAuth"].status == "fail" and "exclude" in both["Slack OAuth"].detail


# --- desks (DESKS_FILE) ----------------------------------------------------------------------


def test_doctor_lists_the_desks_and_probes_each_desks_webhook(
    env: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with WebhookReceiver(WEBHOOK_SECRET, path="/sport") as sport:
        desks = tmp_path / "desks.toml"
        desks.write_text(
            f"""
[desks.politik]
channels = ["C0POL", "C0POL2"]
language = "de"
[desks.politik.fields]
headline = 70
teaser = 300

[desks.sport]
channels = ["C0SPORT"]
webhook_url = "{sport.url}"
webhook_secret_env = "SPORT_SECRET"
""",
            encoding="utf-8",
        )
        monkeypatch.setenv("DESKS_FILE", str(desks))
        monkeypatch.setenv("SPORT_SECRET", WEBHOOK_SECRET)
        assert main(["doctor"]) == 0
        out = capsys.readouterr().out
        assert sport.requests == []  # a TCP connection only
    assert (
        '[ok]   Desk "politik": channels C0POL, C0POL2; language de; fields headline 70, '
        "teaser 300; webhook 127.0.0.1" in out
    )
    assert (
        '[ok]   Desk "sport": channels C0SPORT; language of the article; fields none; '
        "webhook 127.0.0.1" in out
    )
    where = f"127.0.0.1:{sport.port}"
    assert f'[ok]   Desk "sport" webhook connect: {where} accepts connections' in out


def test_doctor_with_a_broken_desks_file_exits_2_with_one_sentence(
    env: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    desks = tmp_path / "desks.toml"
    desks.write_text('[desks.sport]\nchannels = ["C0SPORT"]\nbullets = 9\n', encoding="utf-8")
    monkeypatch.setenv("DESKS_FILE", str(desks))
    assert main(["doctor"]) == 2
    out, err = capsys.readouterr()
    assert err == (
        'newsbot: desks.toml: desk "sport", key "bullets": must be a whole number from 2 to 5.\n'
    )
    assert out == ""
