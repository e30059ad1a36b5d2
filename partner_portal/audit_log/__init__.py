"""The audit log page: who did what, when, for coordinators. It reads what partner_portal.audit
records, kept apart from it so that recording stands below every feature and the page above."""
