"""The password-reset mail, in plain Vietnamese text, through Flask-Mailman's SMTP backend.

The SMTP settings are read from the app's config when a mail is sent (not once when the app
starts), so changing MAIL_SERVER or MAIL_PORT in the config takes effect at once.
"""

import logging
from urllib.parse import urlsplit

from flask import Flask, current_app, request, url_for
from flask_mailman import EmailMessage, Mail

log = logging.getLogger(__name__)

mail = Mail()

SUBJECT = "Đặt lại mật khẩu tài khoản Thi Trực Tuyến"

BODY = """Xin chào {name},

Chúng tôi nhận được yêu cầu đặt lại mật khẩu cho tài khoản của bạn trên trang Thi Trực Tuyến.
Để đặt mật khẩu mới, hãy mở liên kết sau (có hiệu lực trong {minutes} phút và chỉ dùng được một lần):

{link}

Nếu bạn không yêu cầu đặt lại mật khẩu, hãy bỏ qua thư này: mật khẩu của bạn vẫn giữ nguyên.

Ban Tổ chức cuộc thi
"""


def init_app(app: Flask) -> None:
    mail.init_app(app)


def mail_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def absolute_url(endpoint: str, **values) -> str:
    """The endpoint's link on PUBLIC_URL (scheme and host) when it is set, so that a forged
    Host header cannot steer links in mails; else on the address the request came to."""
    base = current_app.config.get("PUBLIC_URL")
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def sender() -> str:
    config = current_app.config
    if config.get("MAIL_DEFAULT_SENDER"):
        return config["MAIL_DEFAULT_SENDER"]
    if "@" in (config.get("MAIL_USERNAME") or ""):
        return config["MAIL_USERNAME"]
    host = urlsplit(config.get("PUBLIC_URL") or request.host_url).hostname or "localhost"
    return f"no-reply@{host}"


def send_reset_mail(to: str, name: str, link: str, minutes: int) -> bool:
    """Send the reset link; False (and the failure logged) when the mail server refuses or
    does not answer: the page the person sees must not depend on it."""
    config = current_app.config
    try:
        connection = mail.get_connection(
            backend=config.get("MAIL_BACKEND") or "smtp",
            host=config["MAIL_SERVER"],
            port=int(config.get("MAIL_PORT") or 25),
            username=config.get("MAIL_USERNAME"),
            password=config.get("MAIL_PASSWORD"),
            use_tls=bool(config.get("MAIL_USE_TLS")),
            use_ssl=bool(config.get("MAIL_USE_SSL")),
            timeout=config.get("MAIL_TIMEOUT"),
        )
        message = EmailMessage(
            subject=SUBJECT,
            body=BODY.format(name=name, link=link, minutes=minutes),
            from_email=sender(),
            to=[to],
            connection=connection,
        )
        return message.send() == 1
    except Exception:
        log.exception("password-reset mail to account could not be sent")
        return False
