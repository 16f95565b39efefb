"""The :class:`Store`: drafts, revisions, audit, Slack event dedupe, leased work and the outbox.

Every state change is ONE conditional ``UPDATE … WHERE id = ? AND state IN (…)`` (plus the
lease or revision it depends on) with ``RETURNING``; the caller that changed the row "won"
and writes its audit event (and revision or outbox row) in the same transaction. Losers get
``Outcome(won=False, draft=<the draft as it is now>)`` and nothing changes.

Draft transitions (:data:`DRAFT_TRANSITIONS`; any other move is refused):

=================  ===========================================  ==============  =================
action             from                                         to              method
=================  ===========================================  ==============  =================
create             (new row; unique per team/channel/ts/url)    queued          create_draft
claim              queued and due; working whose lease expired  working         claim_draft
exhaust            queued/expired working, attempts >= cap      failed          claim_draft
complete           working, caller holds the lease              ready           complete
fail               working, caller holds the lease              failed          fail
retry_later        working, caller holds the lease              queued (due     retry_later
                                                                later)
retry              failed                                       queued          retry
retry_now          queued, waiting for a later attempt          queued (now)    retry
regenerate         ready (at the revision the editor saw)       queued          regenerate
edit               ready, at the revision the editor saw        ready           edit
correct            published, at the revision the editor saw    ready           correct
approve            ready, at the revision the editor saw        approved        approve
reject             queued, working, ready, failed (at the       rejected        reject
                   revision the editor saw)
publish            approved, publish_failed                     published       mark_delivered
publish_fail       approved                                     publish_failed  mark_delivery_failed
republish          publish_failed                               approved        retry_delivery
retract            approved, published, publish_failed; ready   retracted       retract
                   only as a correction (approved before); at
                   the approved revision the editor saw
stop               queued, working (the workspace removed the   failed          stop_workspace
                   app; its deliveries fail too)
=================  ===========================================  ==============  =================

Automatic retries: :meth:`Store.retry_later` puts a draft whose work failed for a passing
reason back to ``queued`` with ``next_attempt_at`` (claimable only from then on),
``auto_retries`` counted up and a fresh claim budget; the workflow decides when and how often.
The Retry button (:meth:`Store.retry`) makes such a draft due at once.

Corrections: an edit of a ``published`` draft makes it ``ready`` again with the new revision
(``approved_revision`` still names the published one); approving it queues a
``summary.updated`` delivery. Retracting queues ``summary.retracted``.

Deliveries (the outbox): ``pending`` (due at ``next_attempt_at``) → ``delivering`` (leased by
one worker) → ``delivered`` | ``pending`` again (``schedule_retry``) | ``failed``;
``retry_delivery`` moves ``failed`` → ``pending`` with the same ``webhook_id``. Only
``summary.approved`` and ``summary.updated`` deliveries move their draft (publish,
publish_fail, republish); a retraction's delivery never does.

Give-ups at claim time (drafts whose workers kept crashing, deliveries out of attempts) are
committed by whichever claimer found them; pass ``exhausted=[]`` to :meth:`Store.claim_draft`
/ :meth:`Store.claim_delivery` to get them back and tell their threads.

Leases: PostgreSQL picks the row with ``SELECT … FOR UPDATE SKIP LOCKED`` inside the
``UPDATE``; SQLite runs the same ``UPDATE`` inside ``BEGIN IMMEDIATE`` (one writer at a time).
Either way the ``UPDATE`` re-checks state and lease, so exactly one worker wins a row. Lease
times come from this process's clock: hosts sharing a PostgreSQL need synchronized clocks (NTP).
A worker may finish after its lease expired as long as nobody reclaimed the row; once another
worker claimed it, the first one's ``complete``/``fail``/``mark_*`` calls are refused.
"""

from __future__ import annotations

from bot.store.audit import AuditTimeline
from bot.store.base import (
    APPROVED_STATES,
    ATTEMPTS_EXHAUSTED,
    DRAFT_TRANSITIONS,
    SYSTEM_ACTOR,
    encode_body,
    new_id,
    new_webhook_id,
    url_key,
    utcnow,
)
from bot.store.cards import Cards
from bot.store.claims import DraftClaims
from bot.store.convert import open_flags
from bot.store.drafts import Drafts
from bot.store.events import SlackEvents
from bot.store.outbox import Outbox
from bot.store.queues import Queues
from bot.store.retention import Retention
from bot.store.reviews import Reviews
from bot.store.workspaces import Workspaces

__all__ = [
    "APPROVED_STATES",
    "ATTEMPTS_EXHAUSTED",
    "DRAFT_TRANSITIONS",
    "SYSTEM_ACTOR",
    "Store",
    "encode_body",
    "new_id",
    "new_webhook_id",
    "open_flags",
    "url_key",
    "utcnow",
]


class Store(
    SlackEvents,
    Drafts,
    Cards,
    DraftClaims,
    Reviews,
    Outbox,
    Queues,
    AuditTimeline,
    Retention,
    Workspaces,
):
    """The database behind the bot; build one per process from a URL (no I/O until used).

    One class made of one part per concern, each in its own module of :mod:`bot.store`.
    """
