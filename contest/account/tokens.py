"""Signed password-reset links: who, and a fingerprint of the password they replace.

The link carries the account's id and a fingerprint of its current password hash, signed with
the app's secret key and a timestamp. It is refused after `RESET_MAX_AGE` seconds, and as soon
as the password changes (the fingerprint no longer matches): so it works once. No table keeps
the links. The fingerprint is a hash of the hash: the link shows nothing of the password hash.
"""

import hashlib
import hmac

from itsdangerous import BadData, URLSafeTimedSerializer

SALT = "password-reset"
RESET_MAX_AGE = 30 * 60


def fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def same_fingerprint(password_hash: str, expected: str) -> bool:
    return hmac.compare_digest(fingerprint(password_hash), expected)


def serializer(secret_keys: list[str]) -> URLSafeTimedSerializer:
    """Signs with the last key; reads links signed with any (SECRET_KEY_FALLBACKS first)."""
    return URLSafeTimedSerializer(secret_keys, salt=SALT)


def make_token(secret_keys: list[str], user_id: int, password_hash: str) -> str:
    return serializer(secret_keys).dumps({"id": user_id, "fp": fingerprint(password_hash)})


def read_token(
    secret_keys: list[str], token: str, max_age: int = RESET_MAX_AGE
) -> tuple[int, str] | None:
    """(account id, fingerprint) of a link signed here within `max_age` seconds; else None
    (expired, tampered with, signed with another key, or not a link at all)."""
    try:
        data = serializer(secret_keys).loads(token, max_age=max_age)
    except (BadData, UnicodeError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    user_id, print_ = data.get("id"), data.get("fp")
    if type(user_id) is not int or not 0 < user_id < 2**63 or not isinstance(print_, str):
        return None
    return user_id, print_
