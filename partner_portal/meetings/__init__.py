"""Dialogue meetings: invitations with iCalendar, RSVPs, attendance, minutes and reminders."""
