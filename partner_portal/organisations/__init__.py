"""Partner organisations, the people who act for them, and invitations by email."""
