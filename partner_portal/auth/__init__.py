"""Who someone is (OIDC login, server-side sessions) and what they may do (access policies)."""
