"""Widgets shared by the screens: Markdown of a card, rating buttons, countdown, review history."""
