"""``newsbot audit``: the JSON and CSV exports and the one-draft timeline, through ``bot.cli.main``.

The database is a temporary SQLite file filled through the store API with a fake clock: one
draft edited, approved and published after a failed attempt, one rejected, one still queued
two days later.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

import pytest

import bot.cli
from bot.cli import audit as audit_command
from bot.cli import main
from bot.domain import Article
from bot.store import Draft, NewRevision, Store
from bot.workflow.audit import CSV_COLUMNS
from tests.store.conftest import FakeClock

AI_BULLETS = ("Der Bundestag hat den Haushalt beschlossen.", "Die Opposition klagt.")
EDITED_BULLETS = ("Der Bundestag hat den Haushalt 2025 beschlossen.", "Die Opposition klagt.")


@dataclass
class Newsroom:
    url: str
    clock: FakeClock
    published: Draft
    rejected: Draft
    queued: Draft
    webhook_id: str


@pytest.fixture(autouse=True)
def _audit_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``newsbot audit`` available whether or not the CLI root registers it yet."""
    if audit_command not in bot.cli.COMMANDS:
        monkeypatch.setattr(bot.cli, "COMMANDS", (*bot.cli.COMMANDS, audit_command))


def ai_text(bullets: tuple[str, ...] = AI_BULLETS) -> NewRevision:
    return NewRevision(
        kind="ai",
        bullets=bullets,
        author="claude-haiku-5-5",
        heading="Zusammenfassung",
        language="de",
        model="claude-haiku-5-5",
        prompt_version="sha256:3f9a1c2b",
        engine="claude",
        checks={"flags": []},
        usage={"input_tokens": 1200, "output_tokens": 90},
    )


def article(url: str, title: str) -> Article:
    return Article(
        url=url,
        final_url=url,
        title=title,
        text="Der Text.",
        language="de",
        published="2025-03-01",
        site_name="Example Zeitung",
    )


def summarized(store: Store, url: str, title: str, ts: str) -> Draft:
    created = store.create_draft(
        team_id="T1", channel="C_NEWS", message_ts=ts, url=url, reporter_id="U_REPORTER"
    )
    claimed = store.claim_draft("summarizer-1", lease_s=60)
    assert claimed is not None and claimed.id == created.draft.id
    done = store.complete(claimed.id, "summarizer-1", ai_text(), article=article(url, title))
    assert done.won and done.draft is not None
    return done.draft


@pytest.fixture
def newsroom(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Newsroom:
    url = f"sqlite:///{tmp_path / 'audit.db'}"
    clock = FakeClock()
    with Store(url, clock=clock) as store:
        store.upgrade()
        first = summarized(store, "https://zeitung.example/haushalt", "Haushalt 2025", "1.000100")
        clock.advance(60)
        assert store.edit(
            first.id, editor_id="U_EDITOR", base_revision=1, bullets=list(EDITED_BULLETS)
        ).won
        clock.advance(60)
        approved = store.approve(
            first.id,
            editor_id="U_CHIEF",
            editor_name="Erika Mustermann",
            revision=2,
            payload={"type": "summary.approved", "data": {"summary_id": first.id}},
        )
        assert approved.delivery is not None
        delivery = approved.delivery
        claim = store.claim_delivery("publisher-1", lease_s=60)
        assert claim is not None
        store.record_attempt(
            claim.id,
            attempt=1,
            started_at=clock(),
            status_code=503,
            duration_ms=120,
            response_snippet="busy",
        )
        assert store.schedule_retry(claim.id, "publisher-1", clock(), status=503, error="HTTP 503")
        clock.advance(30)
        claim = store.claim_delivery("publisher-1", lease_s=60)
        assert claim is not None
        store.record_attempt(
            claim.id, attempt=2, started_at=clock(), status_code=201, duration_ms=40
        )
        published = store.mark_delivered(claim.id, "publisher-1", status=201)
        assert published.won and published.draft is not None

        second = summarized(store, "https://zeitung.example/formel", "=HYPERLINK(1)", "1.000200")
        rejected = store.reject(second.id, "U_CHIEF", "not newsworthy")
        assert rejected.won and rejected.draft is not None

        clock.advance(2 * 86400)
        queued = store.create_draft(
            team_id="T1",
            channel="C_NEWS",
            message_ts="1.000300",
            url="https://zeitung.example/später",
            reporter_id="U_REPORTER",
        ).draft
    monkeypatch.setenv("DATABASE_URL", url)
    return Newsroom(
        url, clock, published.draft, rejected.draft, queued, webhook_id=delivery.webhook_id
    )


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["audit", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_json_export_holds_every_draft_and_every_step(
    newsroom: Newsroom, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys)
    assert (code, err) == (0, "")
    records = json.loads(out)
    assert [r["draft_id"] for r in records] == [
        newsroom.published.id,
        newsroom.rejected.id,
        newsroom.queued.id,
    ]
    first, second, third = records

    assert first["state"] == "published"
    assert first["article"]["url"] == "https://zeitung.example/haushalt"
    assert first["article"]["title"] == "Haushalt 2025"
    assert first["article"]["published"] == "2025-03-01"
    assert first["ai_text"]["bullets"] == list(AI_BULLETS)
    assert first["ai_text"]["author"] == "claude-haiku-5-5"
    assert first["final_text"]["bullets"] == list(EDITED_BULLETS)
    assert first["final_text"]["author"] == "U_EDITOR"
    assert first["final_text"]["text"].startswith("• Der Bundestag hat den Haushalt 2025")
    assert (first["model"], first["prompt_version"]) == ("claude-haiku-5-5", "sha256:3f9a1c2b")
    assert first["human_edited"] is True
    assert [(r["number"], r["kind"], r["author"]) for r in first["revisions"]] == [
        (1, "ai", "claude-haiku-5-5"),
        (2, "edit", "U_EDITOR"),
    ]
    assert first["approval"]["by"] == "U_CHIEF"
    assert first["approval"]["by_name"] == "Erika Mustermann"
    assert first["approval"]["revision"] == 2
    [approval_event] = first["approvals"]
    assert approval_event["actor"] == "U_CHIEF"
    assert approval_event["detail"]["revision"] == 2
    assert approval_event["at"] == first["approval"]["at"]
    assert first["rejections"] == []
    actions = [e["action"] for e in first["events"]]
    assert actions == [
        "draft.created",
        "draft.claimed",
        "draft.completed",
        "draft.edited",
        "draft.approved",
        "draft.published",
    ]
    [delivery] = first["deliveries"]
    assert delivery["webhook_id"] == newsroom.webhook_id
    assert (delivery["state"], delivery["attempt_count"]) == ("delivered", 2)
    assert [(a["attempt"], a["status"], a["response"]) for a in delivery["attempts"]] == [
        (1, 503, "busy"),
        (2, 201, None),
    ]

    assert second["state"] == "rejected"
    assert second["final_text"] is None and second["approval"] is None
    assert second["rejection"]["reason"] == "not newsworthy"
    assert [e["actor"] for e in second["rejections"]] == ["U_CHIEF"]
    assert second["deliveries"] == []

    assert third["state"] == "queued" and third["ai_text"] is None and third["model"] is None


def test_since_keeps_drafts_with_steps_at_or_after_it(
    newsroom: Newsroom, capsys: pytest.CaptureFixture[str]
) -> None:
    day_after = newsroom.published.created_at + timedelta(days=1)
    code, out, _ = run(capsys, "--since", day_after.date().isoformat())
    assert code == 0
    assert [r["draft_id"] for r in json.loads(out)] == [newsroom.queued.id]

    with_offset = (newsroom.published.created_at - timedelta(hours=1)).astimezone()
    code, out, _ = run(capsys, "--since", with_offset.isoformat())
    assert code == 0 and len(json.loads(out)) == 3

    later = newsroom.clock() + timedelta(seconds=1)
    code, out, _ = run(capsys, "--since", later.replace(tzinfo=None).isoformat())  # naive: UTC
    assert (code, json.loads(out)) == (0, [])


def test_since_must_be_a_date(newsroom: Newsroom, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["audit", "--since", "last tuesday"])
    assert exit_info.value.code == 2
    assert "not an ISO date" in capsys.readouterr().err


def test_csv_export_has_one_row_per_draft(
    newsroom: Newsroom, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--format", "csv")
    assert code == 0
    reader = csv.DictReader(io.StringIO(out))
    assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
    rows = list(reader)
    assert [r["draft_id"] for r in rows] == [
        newsroom.published.id,
        newsroom.rejected.id,
        newsroom.queued.id,
    ]
    first, second, third = rows
    assert first["ai_text"] == "\n".join("• " + b for b in AI_BULLETS)
    assert first["final_text"] == "\n".join("• " + b for b in EDITED_BULLETS)
    assert (first["ai_revision"], first["final_revision"]) == ("1", "2")
    assert (first["human_edited"], first["edited_by"]) == ("true", "U_EDITOR")
    assert (first["approved_by"], first["approved_by_name"]) == ("U_CHIEF", "Erika Mustermann")
    assert first["model"] == "claude-haiku-5-5"
    assert first["prompt_version"] == "sha256:3f9a1c2b"
    assert (first["delivery_state"], first["webhook_id"]) == ("delivered", newsroom.webhook_id)
    assert (first["delivery_attempts"], first["attempt_outcomes"]) == ("2", "1:503 2:201")
    assert first["delivered_at"].startswith(newsroom.published.created_at.date().isoformat())
    # A title a spreadsheet would run as a formula is defused.
    assert second["article_title"] == "'=HYPERLINK(1)"
    assert (second["rejected_by"], second["rejected_reason"]) == ("U_CHIEF", "not newsworthy")
    assert (second["final_text"], second["delivery_state"]) == ("", "")
    assert third["state"] == "queued"


def test_one_draft_as_a_timeline(newsroom: Newsroom, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, newsroom.published.id)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"Draft {newsroom.published.id}: published"
    assert lines[1] == "Article: Haushalt 2025 (https://zeitung.example/haushalt)"
    assert "Model claude-haiku-5-5, prompt version sha256:3f9a1c2b." in lines
    assert f"Webhook {newsroom.webhook_id} (summary.approved, revision 2): delivered" in lines

    def index(fragment: str) -> int:
        [found] = [i for i, line in enumerate(lines) if fragment in line]
        return found

    steps = [
        index("asked for a summary"),
        index("wrote revision 1 (ai)"),
        index(f"• {AI_BULLETS[0]}"),
        index("edited the text (revision 2)"),
        index(f"• {EDITED_BULLETS[0]}"),
        index("approved revision 2"),
        index("webhook attempt 1: HTTP 503: busy after 120 ms"),
        index("webhook attempt 2: HTTP 201 after 40 ms"),
        index("published it (the CMS answered 201)"),
    ]
    assert steps == sorted(steps)
    assert "U_CHIEF" in lines[index("approved revision 2")]
    assert "U_EDITOR" in lines[index("edited the text")]
    assert "publisher-1" in lines[index("published it")]


def test_a_rejection_shows_its_reason(
    newsroom: Newsroom, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, newsroom.rejected.id)
    assert code == 0
    assert any(
        line.endswith("rejected the draft; reason: not newsworthy") for line in out.splitlines()
    )


def test_one_draft_as_json(newsroom: Newsroom, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, newsroom.rejected.id, "--format", "json")
    assert code == 0
    assert json.loads(out)["rejection"]["by"] == "U_CHIEF"


def test_an_unknown_id_is_one_sentence_and_exit_1(
    newsroom: Newsroom, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(capsys, "nope") == (1, "", "There is no draft with the id nope.\n")
    monkeypatch.setenv("BOT_LANGUAGE", "de")
    assert run(capsys, "nope") == (1, "", "Es gibt keinen Entwurf mit der Kennung nope.\n")
    code, out, _ = run(capsys, newsroom.queued.id)
    assert code == 0 and out.startswith(f"Entwurf {newsroom.queued.id}: queued\n")


def test_since_is_refused_with_a_draft_id(
    newsroom: Newsroom, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["audit", newsroom.queued.id, "--since", "2025-01-01"])
    assert exit_info.value.code == 2


def test_an_unmigrated_database_asks_for_the_upgrade(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    code, out, err = run(capsys)
    assert (code, out) == (2, "")
    assert "newsbot db upgrade" in err and err.count("\n") == 1


def test_an_empty_database_exports_an_empty_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    with Store(url) as store:
        store.upgrade()
    capsys.readouterr()  # the setup's own log lines are not the command's output
    monkeypatch.setenv("DATABASE_URL", url)
    assert run(capsys) == (0, "[]\n", "")
    code, out, _ = run(capsys, "--format", "csv")
    assert code == 0 and out.splitlines() == [",".join(CSV_COLUMNS)]


def test_approving_with_open_flags_is_recorded_with_the_flags(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'flags.db'}"
    flags = [
        {
            "kind": "number",
            "bullet": 0,
            "text": "21",
            "message_key": "check.number_differs",
            "params": {"says": "12"},
        },
        {
            "kind": "quote",
            "bullet": 1,
            "text": "Jeder wird Erfolg haben",
            "message_key": "check.quote_negated",
            "params": {"says": "Nicht jeder wird Erfolg haben"},
        },
    ]
    with Store(url, clock=FakeClock()) as store:
        store.upgrade()
        created = store.create_draft(
            team_id="T1",
            channel="C_NEWS",
            message_ts="1.1",
            url="https://z.example/a",
            reporter_id="U_REPORTER",
        )
        claimed = store.claim_draft("summarizer-1", lease_s=60)
        assert claimed is not None
        text = replace(ai_text(), checks=flags)
        done = store.complete(claimed.id, "summarizer-1", text, article=article("u", "Titel"))
        assert done.won
        assert store.approve(
            created.draft.id, editor_id="U_CHIEF", editor_name="Erika", revision=1
        ).won
        clean = summarized(store, "https://z.example/b", "Sauber", "1.2")
        assert store.approve(clean.id, editor_id="U_CHIEF", editor_name="Erika", revision=1).won
        history = store.history(created.draft.id)
        assert history is not None
        approved = history.audit[-1]
        assert approved.action == "draft.approved"
        assert approved.detail["open_flags"] == 2 and approved.detail["flags"] == flags
    monkeypatch.setenv("DATABASE_URL", url)
    capsys.readouterr()  # the store's own log lines while the draft was set up

    code, out, err = run(capsys, created.draft.id)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    [line] = [x for x in lines if "approved revision 1" in x]
    assert line.endswith("approved revision 1; approved with 2 open flags")
    start = lines.index(line)
    assert lines[start + 1].strip() == "⚠ bullet 1: 21: the article says 12"
    assert lines[start + 2].strip() == (
        "⚠ bullet 2: Quote cut before a negation: the article says “Nicht jeder wird Erfolg haben”"
    )

    code, out, _ = run(capsys, clean.id)
    assert code == 0 and "open flag" not in out and "approved revision 1" in out
    code, out, _ = run(capsys, "--format", "json")
    records = {r["draft_id"]: r for r in json.loads(out)}
    [event] = records[clean.id]["approvals"]
    assert event["detail"]["open_flags"] == 0 and event["detail"]["flags"] == []
