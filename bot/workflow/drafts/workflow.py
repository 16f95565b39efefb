"""The draft workflow: every step a draft goes through, one part per concern."""

from __future__ import annotations

from bot.workflow.drafts.intake import Intake
from bot.workflow.drafts.processing import Processing
from bot.workflow.drafts.review import ReviewActions


class DraftWorkflow(Intake, Processing, ReviewActions):
    """Every step a draft goes through; the Slack listeners call one method per interaction."""
