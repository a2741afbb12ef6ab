"""Who is acting in this request, for the audit log: the session's account and its address.

Services take an `Actor` as an argument (they import no Flask); views build it here. Behind
TRUSTED_PROXY_HOPS proxies, `request.remote_addr` is the address they forwarded (ProxyFix).
"""

from flask import request
from flask_login import current_user

from contest.audit.service import Actor


def current_actor() -> Actor:
    """The logged-in account (None when nobody is) and the client's address."""
    user_id = current_user.id if current_user.is_authenticated else None
    return Actor(user_id, request.remote_addr)
