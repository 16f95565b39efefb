"""Desks (``DESKS_FILE``): per-channel house style, editors and publishing webhook."""

from bot.desks.directory import Desk, Desks, DesksError, load_desks

__all__ = ["Desk", "Desks", "DesksError", "load_desks"]
