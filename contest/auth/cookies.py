"""Secure cookies over HTTPS: the session and the remember-me cookie never travel in clear.

Flask and flask-login take `Secure` from a fixed setting. Behind a proxy that terminates TLS
(its X-Forwarded-Proto trusted through TRUSTED_PROXY_HOPS), the request itself says whether it
came over HTTPS, so every cookie the response sets is marked Secure then; SECURE_COOKIES marks
them always. The session cookie, which Flask writes after these hooks, is marked by its own
interface (contest/web/session_cookie.py) by the same rule.
"""

from flask import Flask, Response, request


def mark_secure(response: Response, always: bool) -> Response:
    if not (always or request.is_secure):
        return response
    cookies = response.headers.getlist("Set-Cookie")
    if not cookies:
        return response
    response.headers.remove("Set-Cookie")
    for cookie in cookies:
        attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
        response.headers.add(
            "Set-Cookie", cookie if "secure" in attributes else cookie + "; Secure"
        )
    return response


def register(app: Flask) -> None:
    always = bool(app.config["SECURE_COOKIES"])
    app.after_request(lambda response: mark_secure(response, always))
