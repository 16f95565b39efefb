"""newsbot: AI article summaries for newsrooms, with human review in Slack."""

__version__ = "0.1.0"
