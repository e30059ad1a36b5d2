"""The pages of identity: logging in and out, and the coordinator's page of portal-wide roles.
They stand on partner_portal.auth (people, sessions, the OpenID Connect client, roles), which
stands below the request context and every feature."""
