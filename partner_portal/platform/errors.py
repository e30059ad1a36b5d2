"""Errors a person can see: each carries an HTTP status and a message in the person's language."""

from __future__ import annotations

import errno
from collections.abc import Mapping

from partner_portal.platform.i18n import gettext as _


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


# errno values that mean "the file store cannot take this now": full, over quota, read-only or
# not ours to write. Trying again does not help until an operator acts.
STORAGE_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EFBIG}
)


def is_storage_error(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in STORAGE_ERRNOS


class StorageUnavailable(PortalError):
    """The portal could not store a file: the disk is full, or the store cannot be written.
    Nothing was saved. 507 (Insufficient Storage) when it is full, 503 otherwise; the cause
    goes to the log as one error line (see error_pages), which is how the operator is told."""

    def __init__(self, cause: OSError) -> None:
        super().__init__()
        self.cause = cause
        self.status = 507 if cause.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG) else 503

    def default_title(self) -> str:
        return _("Filen kunde inte sparas")

    def default_message(self) -> str:
        return _(
            "Portalen kunde inte lagra filen just nu, så ingenting av det du skickade sparades. "
            "Felet har loggats för driften av portalen. Försök igen senare; om det brådskar, "
            "kontakta Botkyrka kommun."
        )


class Invalid(BadRequest):
    """Input a rule refused, by field: ``errors`` maps each field's name to its message.
    Raised by forms (parsing) and services (rules); a view re-renders the form with each
    message beside its field (status 400)."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__(_("Formuläret innehåller fel. Rätta dem och försök igen."))
