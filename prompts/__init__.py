"""The summarizer's prompt templates (Markdown), shipped in the package as ``bot.prompt_templates``.

This file only makes the folder an importable package, so :mod:`importlib.resources` finds the
templates in a wheel and in an editable install alike (``pyproject.toml`` maps the folder).
"""
