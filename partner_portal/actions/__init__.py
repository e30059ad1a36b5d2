"""Actions: who does what next, owned by an organisation, from a meeting or a room's phase."""
