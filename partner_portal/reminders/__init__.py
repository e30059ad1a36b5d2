"""The record of reminders sent: one row per organisation, thing owed and step."""
