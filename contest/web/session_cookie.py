"""Flask's signed-cookie session, with its signing serializer built once per secret key.

Flask builds a new `URLSafeTimedSerializer` to read the session cookie of every request and
again to write it. The serializer depends only on the secret keys, so it is kept per key set.
The cookie is Secure whenever the request came over HTTPS (contest/auth/cookies.py).
"""

from functools import lru_cache

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class SessionCookie(SecureCookieSessionInterface):
    def get_cookie_secure(self, app: Flask) -> bool:
        # Flask saves the session after every after_request hook: the hook that marks the
        # other cookies Secure never sees this one.
        return bool(
            app.config["SECURE_COOKIES"] or app.config["SESSION_COOKIE_SECURE"] or request.is_secure
        )

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        return self._serializer(app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))

    @lru_cache(maxsize=8)  # noqa: B019 - one interface per app, a few keys in its life
    def _serializer(self, secret_key, fallbacks: tuple) -> URLSafeTimedSerializer:
        keys = [*fallbacks, secret_key]  # itsdangerous expects the current key last
        return URLSafeTimedSerializer(
            keys,
            salt=self.salt,
            serializer=self.serializer,
            signer_kwargs={
                "key_derivation": self.key_derivation,
                "digest_method": self.digest_method,
            },
        )
