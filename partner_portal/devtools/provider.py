"""A local OpenID Provider (the `oidc-provider-mock` package) with Swedish pages and demo people."""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import werkzeug.serving
from jinja2 import ChoiceLoader, FileSystemLoader

from partner_portal.devtools.people import DEMO_PEOPLE, DemoPerson
from partner_portal.platform.resources import resource_dir

with warnings.catch_warnings():
    # The package still imports authlib.jose, which Authlib has deprecated; not our concern here.
    warnings.simplefilter("ignore", DeprecationWarning)
    import oidc_provider_mock


def provider_app(people: Sequence[DemoPerson] = DEMO_PEOPLE) -> object:
    app = oidc_provider_mock.app(
        require_nonce=True,
        user_claims=[
            oidc_provider_mock.User(
                sub=p.subject,
                claims={"name": p.name, "email": p.email, "email_verified": True},
            )
            for p in people
        ],
    )
    # init_app wraps the app in Werkzeug's interactive debugger; a login page needs none of it.
    app.wsgi_app = app.wsgi_app.app
    app.debug = False
    # Our own pages first: Swedish, and without the package's CDN stylesheet.
    pages = FileSystemLoader(resource_dir("templates") / "devtools" / "provider")
    app.jinja_env.loader = ChoiceLoader([pages, app.jinja_env.loader])
    app.jinja_env.globals["demo_people"] = {p.subject: p for p in people}
    return app


@contextmanager
def running_provider(
    host: str = "127.0.0.1", port: int = 0, people: Sequence[DemoPerson] = DEMO_PEOPLE
) -> Iterator[str]:
    """Serve the provider on a background thread; yields its issuer URL."""
    server = werkzeug.serving.make_server(host, port, provider_app(people), threaded=True)  # type: ignore[arg-type]
    thread = threading.Thread(target=server.serve_forever, name="dev-oidc-provider", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()
