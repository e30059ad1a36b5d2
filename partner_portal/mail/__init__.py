"""Email: messages rendered from templates, a transactional outbox, and delivery over SMTP."""
