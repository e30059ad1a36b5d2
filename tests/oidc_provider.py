"""A real OpenID Provider on loopback for login tests (the `oidc-provider-mock` package).

Tests can bend its answers the way a broken or hostile provider would: another issuer in
discovery, ID tokens re-signed with other claims or with a key the provider never published.
"""

from __future__ import annotations

import json
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import flask
import werkzeug.serving
from joserfc import jwt
from joserfc.jwk import RSAKey

with warnings.catch_warnings():
    # Authlib puts an "always" filter for its own deprecations in front of every other when
    # it is imported; ours must come after it to win (and leaving this block drops both, so
    # pytest's "error" holds for Authlib's other deprecations).
    import authlib.deprecate  # noqa: F401

    warnings.simplefilter("ignore", DeprecationWarning)  # the mock still imports authlib.jose
    import oidc_provider_mock

Claims = dict[str, Any]


@dataclass
class ProviderControl:
    issuer: str = ""
    tamper_id_token: Callable[[Claims], None] | None = None
    tamper_discovery: Callable[[dict[str, Any]], None] | None = None
    sign_with_foreign_key: bool = False
    token_requests: int = 0
    userinfo_requests: int = 0
    users: dict[str, Claims] = field(default_factory=dict)


@contextmanager
def running_provider(
    users: dict[str, Claims], *, access_token_max_age_seconds: int = 3600
) -> Iterator[ProviderControl]:
    """Serve a provider on 127.0.0.1 on a free port, with ``users`` (sub -> claims)."""
    from datetime import timedelta

    state = ProviderControl(users=users)
    app = oidc_provider_mock.app(
        require_nonce=True,
        access_token_max_age=timedelta(seconds=access_token_max_age_seconds),
        user_claims=[oidc_provider_mock.User(sub=s, claims=c) for s, c in users.items()],
    )
    app.wsgi_app = app.wsgi_app.app  # no Werkzeug debugger
    app.debug = False

    @app.after_request  # type: ignore[untyped-decorator]  # Flask's own hook, typed loosely
    def bend(response: flask.Response) -> flask.Response:
        path = flask.request.path
        if path == "/oauth2/token":
            state.token_requests += 1
        if path == "/userinfo":
            state.userinfo_requests += 1
        if path == "/.well-known/openid-configuration" and state.tamper_discovery:
            document = json.loads(response.get_data())
            state.tamper_discovery(document)
            response.set_data(json.dumps(document))
        bend_token = state.tamper_id_token or state.sign_with_foreign_key
        if path == "/oauth2/token" and response.status_code == 200 and bend_token:
            body = json.loads(response.get_data())
            body["id_token"] = _resign(body["id_token"], state)
            response.set_data(json.dumps(body))
        return response

    server = werkzeug.serving.make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.issuer = f"http://127.0.0.1:{server.server_port}"
    try:
        yield state
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


def _resign(id_token: str, state: ProviderControl) -> str:
    storage = flask.g.oidc_provider_mock_storage
    key = RSAKey.import_key(storage.jwk.as_dict(is_private=True))
    token = jwt.decode(id_token, key)
    claims = dict(token.claims)
    if state.tamper_id_token:
        state.tamper_id_token(claims)
    if state.sign_with_foreign_key:
        kid = token.header.get("kid")
        foreign = RSAKey.generate_key(2048, parameters={"kid": kid} if kid else None)
        return jwt.encode(dict(token.header), claims, foreign)
    return jwt.encode(dict(token.header), claims, key)
