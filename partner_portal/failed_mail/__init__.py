"""Mail that could not be delivered, for coordinators: every failed outbox message of any kind,
its reason, and a retry."""
