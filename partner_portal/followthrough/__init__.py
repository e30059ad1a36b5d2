"""Who owes what by when: deadline reminders to organisations, and "Väntar på svar"."""
