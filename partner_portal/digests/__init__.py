"""Digests: each person's summary mail of what changed for their organisations, their mail
preferences (how often a digest comes, whether reminders do), and one-click unsubscribe."""
