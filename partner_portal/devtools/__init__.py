"""The embedded development default (`partner-portal dev`): a local OpenID Provider to log in
as any demo person, a local SMTP catcher whose mails are readable at /dev/mail, and demo data.

Nothing here is imported outside development; production refuses to start with it.
"""
