"""What flask-login keeps in the session: the account's id and session version, as text.

No framework import: the user loader, the answer save and the models all read it.
"""


def session_token(user_id: int, session_version: int) -> str:
    return f"{user_id}:{session_version}"


def parse_session_token(token: object) -> tuple[int, int] | None:
    """(id, session version) from `session_token`'s text; None for anything else."""
    if not isinstance(token, str):
        return None
    user_id, sep, version = token.partition(":")
    if not (sep and (user_id + version).isascii() and user_id.isdigit() and version.isdigit()):
        return None
    if len(user_id) > 18 or len(version) > 9:  # beyond the columns' integers: no such account
        return None
    return int(user_id), int(version)
