"""The article pipeline: links from Slack messages, safe fetching, extraction."""
