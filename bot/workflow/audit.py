"""The audit export: who approved which AI text, as JSON, CSV or a readable timeline.

Everything comes from :meth:`bot.store.Store.history` / ``export_since`` (revisions, the audit
log, deliveries and their attempts); nothing is recomputed from Slack.

JSON (:func:`export_record`, one object per draft): ``draft_id``, ``state``, Slack place
(``team_id``, ``channel``, ``thread_ts``, ``message_ts``, ``reporter_id``, ``source``),
``created_at``; ``article`` (url, final/canonical url, title, language, site, author, published,
``text_purged_at``); ``ai_text`` (the first AI revision) and ``final_text`` (the approved
revision), each ``{revision, kind, author, created_at, heading, language, bullets, text,
fields}`` or null (``fields``: the output fields, name → text); ``model``, ``prompt_version``,
``engine`` of the AI revision the final (else the latest) text is based on; ``human_edited``;
``approval`` / ``rejection`` (who, when, which revision / reason); ``approvals`` and
``rejections`` from the audit log; every ``revision`` (with model, prompt version, instruction,
checks, usage); every audit ``event``; every ``delivery`` with every ``attempt`` (time, HTTP
status or error kind, duration, response snippet).

CSV (:data:`CSV_COLUMNS`, one row per draft; times ISO 8601 UTC; texts one ``• bullet`` per
line; delivery columns describe the ``summary.approved`` webhook):

==================  ===========================================================================
column              meaning
==================  ===========================================================================
draft_id, state     the draft and where it ended (``published``, ``rejected``, …)
created_at          when the reporter asked
team_id, channel,   where in Slack; ``source`` is ``message`` or ``slash_command``
thread_ts,
reporter_id, source
article_url,        the article as extracted
article_title,
article_language,
article_published
model,              provenance of the AI text behind the final text
prompt_version,
engine
ai_revision,        the first AI text and its revision number
ai_text
final_revision,     the approved text and its revision number (empty until approved)
final_text
human_edited        ``true`` if the approved text is a human edit
edited_by           Slack ids of everyone who saved an edit, ``;``-separated
approved_by,        the approving editor (id, display name) and when
approved_by_name,
approved_at
rejected_by,        who rejected, when, why
rejected_at,
rejected_reason
delivery_state      ``pending``, ``delivering``, ``delivered`` or ``failed``
webhook_id          the idempotency key the CMS saw
delivered_at        when the CMS accepted it
delivery_attempts   attempts made, ever
attempt_outcomes    ``attempt:answer`` pairs, e.g. ``1:503 2:timeout 3:200``
==================  ===========================================================================

Cells that a spreadsheet would evaluate as a formula (starting with ``=``, ``+``, ``-``, ``@``,
tab or carriage return) get a leading ``'`` (OWASP, "CSV Injection"); the JSON keeps the
exact text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from bot.domain import UserFacingError
from bot.i18n import CATALOGUE, t
from bot.store import Delivery, DeliveryAttempt, DraftHistory, Revision

BULLET: Final = "• "
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")
_TIME_FORMAT: Final = "%Y-%m-%d %H:%M:%S"
_ACTOR_WIDTH: Final = 14
_TEXT_INDENT: Final = " " * (len("2025-01-01 00:00:00") + 2 + _ACTOR_WIDTH + 2)

CSV_COLUMNS: Final = (
    "draft_id",
    "state",
    "created_at",
    "team_id",
    "channel",
    "thread_ts",
    "reporter_id",
    "source",
    "article_url",
    "article_title",
    "article_language",
    "article_published",
    "model",
    "prompt_version",
    "engine",
    "ai_revision",
    "ai_text",
    "final_revision",
    "final_text",
    "human_edited",
    "edited_by",
    "approved_by",
    "approved_by_name",
    "approved_at",
    "rejected_by",
    "rejected_at",
    "rejected_reason",
    "delivery_state",
    "webhook_id",
    "delivered_at",
    "delivery_attempts",
    "attempt_outcomes",
)


class DraftNotFound(UserFacingError):
    code = "draft_not_found"


def iso(when: datetime | None) -> str | None:
    return when.isoformat() if when is not None else None


def bullet_text(bullets: tuple[str, ...]) -> str:
    return "\n".join(BULLET + b.strip() for b in bullets)


# --- what the history says ---------------------------------------------------------------------


def ai_revision(history: DraftHistory) -> Revision | None:
    """The first AI-written revision (the text the model produced before any human touched it)."""
    return next((r for r in history.revisions if r.kind != "edit"), None)


def final_revision(history: DraftHistory) -> Revision | None:
    """The approved revision, or None if the draft was never approved."""
    number = history.draft.approved_revision
    if number is None:
        return None
    return next((r for r in history.revisions if r.number == number), None)


def basis_revision(history: DraftHistory) -> Revision | None:
    """The AI revision the final text (else the newest text) is based on: its provenance."""
    final = final_revision(history)
    limit = final.number if final is not None else None
    candidates = [
        r for r in history.revisions if r.kind != "edit" and (limit is None or r.number <= limit)
    ]
    return candidates[-1] if candidates else None


def approval_delivery(history: DraftHistory) -> Delivery | None:
    approved = [d for d in history.deliveries if d.event_type == "summary.approved"]
    return approved[-1] if approved else None


def attempts_of(history: DraftHistory, delivery: Delivery) -> list[DeliveryAttempt]:
    return [a for a in history.attempts if a.delivery_id == delivery.id]


def answer(attempt: DeliveryAttempt) -> str:
    """``503`` or ``timeout``: what one attempt got back."""
    if attempt.status_code is not None:
        return str(attempt.status_code)
    return attempt.error_kind or "no answer"


# --- JSON ----------------------------------------------------------------------------------------


def _text(revision: Revision | None) -> dict[str, Any] | None:
    if revision is None:
        return None
    return {
        "revision": revision.number,
        "kind": revision.kind,
        "author": revision.author,
        "created_at": iso(revision.created_at),
        "heading": revision.heading,
        "language": revision.language,
        "bullets": list(revision.bullets),
        "text": bullet_text(revision.bullets),
        "fields": dict(revision.fields),
    }


def export_record(history: DraftHistory) -> dict[str, Any]:
    """One draft's complete record (see the module docstring for the fields)."""
    draft = history.draft
    meta: Mapping[str, Any] = draft.article_meta or {}
    final = final_revision(history)
    basis = basis_revision(history)
    events = [
        {"at": iso(e.at), "actor": e.actor, "action": e.action, "detail": dict(e.detail)}
        for e in history.audit
    ]
    return {
        "draft_id": draft.id,
        "state": draft.state,
        "team_id": draft.team_id,
        "channel": draft.channel,
        "thread_ts": draft.thread_ts,
        "message_ts": draft.message_ts,
        "reporter_id": draft.reporter_id,
        "source": draft.source,
        "created_at": iso(draft.created_at),
        "article": {
            "url": draft.url,
            "final_url": meta.get("final_url"),
            "canonical_url": meta.get("canonical_url"),
            "title": draft.article_title,
            "language": draft.article_language,
            "site_name": meta.get("site_name"),
            "author": meta.get("author"),
            "published": meta.get("published"),
            "text_purged_at": iso(draft.article_purged_at),
        },
        "ai_text": _text(ai_revision(history)),
        "final_text": _text(final),
        "model": basis.model if basis else None,
        "prompt_version": basis.prompt_version if basis else None,
        "engine": basis.engine if basis else None,
        "human_edited": final.kind == "edit" if final is not None else None,
        "approval": None
        if draft.approved_by is None
        else {
            "by": draft.approved_by,
            "by_name": draft.approved_by_name,
            "at": iso(draft.approved_at),
            "revision": draft.approved_revision,
        },
        "rejection": None
        if draft.rejected_by is None
        else {
            "by": draft.rejected_by,
            "at": iso(draft.rejected_at),
            "reason": draft.rejected_reason,
        },
        "approvals": [e for e in events if e["action"] == "draft.approved"],
        "rejections": [e for e in events if e["action"] == "draft.rejected"],
        "revisions": [
            {
                "number": r.number,
                "kind": r.kind,
                "author": r.author,
                "created_at": iso(r.created_at),
                "model": r.model,
                "prompt_version": r.prompt_version,
                "engine": r.engine,
                "instruction": r.instruction,
                "heading": r.heading,
                "language": r.language,
                "bullets": list(r.bullets),
                "fields": dict(r.fields),
                "checks": r.checks,
                "usage": r.usage,
            }
            for r in history.revisions
        ],
        "events": events,
        "deliveries": [
            {
                "id": d.id,
                "event_type": d.event_type,
                "revision": d.revision,
                "webhook_id": d.webhook_id,
                "state": d.state,
                "created_at": iso(d.created_at),
                "delivered_at": iso(d.delivered_at),
                "next_attempt_at": iso(d.next_attempt_at) if d.state == "pending" else None,
                "last_status": d.last_status,
                "last_error": d.last_error,
                "attempt_count": d.total_attempts,
                "attempts": [
                    {
                        "attempt": a.attempt,
                        "started_at": iso(a.started_at),
                        "status": a.status_code,
                        "error_kind": a.error_kind,
                        "duration_ms": a.duration_ms,
                        "response": a.response_snippet,
                    }
                    for a in attempts_of(history, d)
                ],
            }
            for d in history.deliveries
        ],
    }


# --- CSV -----------------------------------------------------------------------------------------


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = value.isoformat() if isinstance(value, datetime) else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_row(history: DraftHistory) -> dict[str, str]:
    """One draft as a CSV row keyed by :data:`CSV_COLUMNS`."""
    draft = history.draft
    ai = ai_revision(history)
    final = final_revision(history)
    basis = basis_revision(history)
    delivery = approval_delivery(history)
    editors = list(dict.fromkeys(r.author for r in history.revisions if r.kind == "edit"))
    row: dict[str, object] = {
        "draft_id": draft.id,
        "state": draft.state,
        "created_at": draft.created_at,
        "team_id": draft.team_id,
        "channel": draft.channel,
        "thread_ts": draft.thread_ts,
        "reporter_id": draft.reporter_id,
        "source": draft.source,
        "article_url": draft.url,
        "article_title": draft.article_title,
        "article_language": draft.article_language,
        "article_published": (draft.article_meta or {}).get("published"),
        "model": basis.model if basis else None,
        "prompt_version": basis.prompt_version if basis else None,
        "engine": basis.engine if basis else None,
        "ai_revision": ai.number if ai else None,
        "ai_text": bullet_text(ai.bullets) if ai else None,
        "final_revision": final.number if final else None,
        "final_text": bullet_text(final.bullets) if final else None,
        "human_edited": final.kind == "edit" if final else None,
        "edited_by": ";".join(editors),
        "approved_by": draft.approved_by,
        "approved_by_name": draft.approved_by_name,
        "approved_at": draft.approved_at,
        "rejected_by": draft.rejected_by,
        "rejected_at": draft.rejected_at,
        "rejected_reason": draft.rejected_reason,
        "delivery_state": delivery.state if delivery else None,
        "webhook_id": delivery.webhook_id if delivery else None,
        "delivered_at": delivery.delivered_at if delivery else None,
        "delivery_attempts": delivery.total_attempts if delivery else None,
        "attempt_outcomes": " ".join(
            f"{a.attempt}:{answer(a)}" for a in attempts_of(history, delivery)
        )
        if delivery
        else None,
    }
    return {column: _cell(row[column]) for column in CSV_COLUMNS}


# --- the timeline ---------------------------------------------------------------------------------


_CONCLUSIONS: Final = frozenset(
    {"draft.published", "draft.publish_failed", "delivery.delivered", "delivery.failed"}
)


@dataclass(frozen=True, slots=True)
class _Entry:
    at: datetime
    order: float  # position among the audit events, for steps recorded in the same instant
    actor: str
    line: str
    text: tuple[str, ...] = ()
    sub: int = 0


def _attempt_order(history: DraftHistory, attempt: DeliveryAttempt) -> float:
    """Just before the audit event that settled the attempt's delivery (at or after it)."""
    for index, event in enumerate(history.audit):
        if (
            event.action in _CONCLUSIONS
            and event.detail.get("delivery_id") == attempt.delivery_id
            and event.at >= attempt.started_at
        ):
            return index - 0.5
    return float(len(history.audit))


def _event_line(action: str, detail: Mapping[str, Any], lang: str) -> str:
    key = f"audit.event.{action}"
    if key not in CATALOGUE:
        shown = ", ".join(f"{k}={v}" for k, v in detail.items() if v is not None)
        return f"{action} ({shown})" if shown else action
    params = {k: ("-" if v is None else v) for k, v in detail.items()}
    line = t(key, lang, **params)
    if detail.get("reason"):
        line += "; " + t("audit.reason", lang, reason=detail["reason"])
    if detail.get("instruction"):
        line += "; " + t("audit.instruction", lang, instruction=detail["instruction"])
    return line


def _flag_line(flag: Mapping[str, Any], lang: str) -> str:
    """One open flag as the editor saw it: "bullet 2: 21: the article says 12"."""
    key = str(flag.get("message_key") or "")
    stored = flag.get("params")
    params: Mapping[str, Any] = stored if isinstance(stored, Mapping) else {}
    text = str(flag.get("text") or "")
    try:
        sentence = t(key, lang, **{**params, "text": text}) if key in CATALOGUE else text
    except (KeyError, IndexError, ValueError):  # a stored flag from an older catalogue
        sentence = f"{flag.get('kind')}: {text}"
    bullet = flag.get("bullet")
    where = (
        t("audit.flag_bullet", lang, number=bullet + 1)
        if isinstance(bullet, int)
        else t("audit.flag_draft", lang)
    )
    return f"⚠ {where}: {sentence}"


def timeline(history: DraftHistory, lang: str = "en") -> list[str]:
    """``newsbot audit DRAFT_ID``: a header, then every step in time order (UTC)."""
    draft = history.draft
    revisions = {r.number: r for r in history.revisions}
    lines = [
        t("audit.header", lang, draft_id=draft.id, state=draft.state),
        t(
            "audit.article",
            lang,
            title=draft.article_title or t("audit.untitled", lang),
            url=draft.url,
        ),
        t(
            "audit.requested",
            lang,
            reporter=draft.reporter_id,
            channel=draft.channel,
            thread=draft.thread_ts or "-",
        ),
    ]
    basis = basis_revision(history)
    if basis is not None and basis.model:
        lines.append(
            t(
                "audit.provenance",
                lang,
                model=basis.model,
                prompt_version=basis.prompt_version or "-",
            )
        )
    for delivery in history.deliveries:
        lines.append(
            t(
                "audit.delivery",
                lang,
                webhook_id=delivery.webhook_id,
                event_type=delivery.event_type,
                revision=delivery.revision,
                state=delivery.state,
            )
        )
    lines.append("")

    entries: list[_Entry] = []
    for order, event in enumerate(history.audit):
        text: tuple[str, ...] = ()
        number = event.detail.get("revision")
        if event.action in ("draft.completed", "draft.edited") and number in revisions:
            revision = revisions[number]
            head = t(
                "audit.revision",
                lang,
                number=revision.number,
                kind=revision.kind,
                author=revision.author,
            )
            text = (head, *(BULLET + b for b in revision.bullets))
        line = _event_line(event.action, event.detail, lang)
        if event.action == "draft.approved" and event.detail.get("open_flags"):
            count = event.detail["open_flags"]
            line += "; " + t(
                "audit.open_flag" if count == 1 else "audit.open_flags", lang, count=count
            )
            text = tuple(_flag_line(flag, lang) for flag in event.detail.get("flags") or ())
        entries.append(_Entry(event.at, order, event.actor, line, text))
    for attempt in history.attempts:
        if attempt.status_code is not None:
            got = t("audit.attempt_http", lang, status=attempt.status_code)
            if attempt.response_snippet:
                got += f": {attempt.response_snippet}"
        else:
            got = t("audit.attempt_no_answer", lang, error_kind=attempt.error_kind or "-")
        line = t(
            "audit.attempt",
            lang,
            attempt=attempt.attempt,
            answer=got,
            ms="-" if attempt.duration_ms is None else attempt.duration_ms,
        )
        position = _attempt_order(history, attempt)
        entries.append(_Entry(attempt.started_at, position, "-", line, sub=attempt.attempt))
    entries.sort(key=lambda e: (e.at, e.order, e.sub))
    for entry in entries:
        stamp = entry.at.strftime(_TIME_FORMAT)
        lines.append(f"{stamp}  {entry.actor:<{_ACTOR_WIDTH}}  {entry.line}")
        lines.extend(_TEXT_INDENT + text for text in entry.text)
    return lines
