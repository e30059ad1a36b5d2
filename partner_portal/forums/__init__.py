"""Standing forums: rooms without a process template, and their agreement record."""
