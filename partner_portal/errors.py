"""Errors a person can see: each carries an HTTP status and a message in the person's language."""

from __future__ import annotations

from partner_portal.i18n import gettext as _


class PortalError(Exception):
    """Raised anywhere below a view; rendered as an error page (or fragment) with ``status``."""

    status: int = 400

    def __init__(self, message: str | None = None, *, title: str | None = None) -> None:
        self.message = message or self.default_message()
        self.title = title or self.default_title()
        super().__init__(self.message)

    def default_title(self) -> str:
        return _("Något blev fel")

    def default_message(self) -> str:
        return _("Begäran kunde inte behandlas. Kontrollera uppgifterna och försök igen.")


class BadRequest(PortalError):
    status = 400


class NotFound(PortalError):
    """Also what someone without access sees, so that nothing reveals that the object exists."""

    status = 404

    def default_title(self) -> str:
        return _("Sidan finns inte")

    def default_message(self) -> str:
        return _("Sidan du söker finns inte, eller så saknar du behörighet att se den.")


class Forbidden(PortalError):
    status = 403

    def default_title(self) -> str:
        return _("Åtkomst nekad")

    def default_message(self) -> str:
        return _("Du har inte behörighet att göra det här.")


class CsrfFailure(Forbidden):
    def default_title(self) -> str:
        return _("Formuläret kunde inte skickas")

    def default_message(self) -> str:
        return _(
            "Formuläret har blivit för gammalt eller kom inte från Partnerportalen. "
            "Ladda om sidan och försök igen. Om du har varit inaktiv en stund behöver du "
            "logga in igen."
        )


class Gone(PortalError):
    status = 410


class TooManyRequests(PortalError):
    status = 429

    def __init__(self, retry_after: int, message: str | None = None) -> None:
        self.retry_after = retry_after
        super().__init__(message)

    def default_title(self) -> str:
        return _("För många försök")

    def default_message(self) -> str:
        return _("Du har gjort för många försök på kort tid. Vänta en stund och försök igen.")


class ServiceUnavailable(PortalError):
    status = 503

    def default_title(self) -> str:
        return _("Tjänsten är inte tillgänglig just nu")
