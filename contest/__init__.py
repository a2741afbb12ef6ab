"""Thi Trực Tuyến: timed multiple-choice contests on administrative-procedure control."""

import os
from pathlib import Path

from flask import Flask

from contest import config as app_config
from contest.extensions import compress, csrf, db, limiter, login_manager, migrate

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS_DIR = str(Path(__file__).resolve().parent / "migrations")


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    configure(app, test_config)
    register_proxy(app)
    register_extensions(app)
    register_request_log(app)
    register_jobs(app)
    register_url_converters(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_response_headers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def configure(app: Flask, test_config: dict | None) -> None:
    app.config.from_mapping(app_config.DEFAULTS)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app_config.apply_environment(app.config)
    else:
        app.config.from_mapping(test_config)
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", app_config.sqlite_url(app.instance_path))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = app_config.instance_secret_key(app.instance_path)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:"):
        os.makedirs(app.instance_path, exist_ok=True)


def register_proxy(app: Flask) -> None:
    """Behind TRUSTED_PROXY_HOPS reverse proxies, the client's address and scheme are the ones
    they forwarded: without it everybody behind nginx is 127.0.0.1, one address for limits."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    from contest.auth import cookies

    hops = int(app.config["TRUSTED_PROXY_HOPS"])
    if hops < 0:
        raise RuntimeError("TRUSTED_PROXY_HOPS must be 0 or more")
    if hops:
        # Not X-Forwarded-Host: nginx passes a client's own through, and links in e-mails use Host.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    cookies.register(app)


def register_extensions(app: Flask) -> None:
    from contest import sqlite_tuning
    from contest.web.session_cookie import SessionCookie

    app.session_interface = SessionCookie()
    db.init_app(app)
    sqlite_tuning.install()
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
    csrf.init_app(app)
    compress.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
    login_manager.login_message_category = "info"

    from contest.web.account_loader import load_user

    login_manager.user_loader(load_user)


def register_jobs(app: Flask) -> None:
    """The background jobs' task queue (contest/jobs): built on first use from the config."""
    from contest.jobs import queue

    queue.init_app(app)


def register_request_log(app: Flask) -> None:
    """One JSON line per request (contest/web/request_log.py). Before the blueprints: its
    clock starts before their hooks, and its line is written after every other hook."""
    from contest.web import request_log

    request_log.register(app)


def register_url_converters(app: Flask) -> None:
    from contest.web import bounded

    bounded.register(app)


def register_blueprints(app: Flask) -> None:
    from contest.account.history import bp as account_history_bp
    from contest.account.routes import bp as account_bp
    from contest.agencies.routes import bp as agencies_bp
    from contest.attempts.routes import bp as quiz_bp
    from contest.audit.routes import bp as audit_bp
    from contest.auth.routes import bp as auth_bp
    from contest.bank.routes import bp as bank_bp
    from contest.eligibility.routes import bp as eligibility_bp
    from contest.focal_points.routes import bp as focal_bp
    from contest.integrity.routes import bp as integrity_bp
    from contest.jobs.routes import bp as jobs_bp
    from contest.main.routes import bp as main_bp
    from contest.people.routes import bp as people_bp
    from contest.privacy.routes import bp as privacy_bp
    from contest.privacy.routes import public as privacy_public_bp
    from contest.regrade.routes import bp as regrade_bp
    from contest.results.routes import bp as judge_bp
    from contest.setup.contest_routes import bp as contests_bp
    from contest.setup.contest_routes import public as contests_public_bp
    from contest.setup.routes import bp as admin_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(quiz_bp)
    app.register_blueprint(admin_bp, url_prefix="/to-chuc")
    app.register_blueprint(contests_bp, url_prefix="/to-chuc/cuoc-thi")
    app.register_blueprint(contests_public_bp)
    app.register_blueprint(bank_bp, url_prefix="/to-chuc/ngan-hang")
    app.register_blueprint(agencies_bp, url_prefix="/to-chuc/co-quan")
    app.register_blueprint(focal_bp, url_prefix="/don-vi")
    app.register_blueprint(people_bp, url_prefix="/to-chuc/nguoi")
    app.register_blueprint(audit_bp, url_prefix="/to-chuc/nhat-ky")
    app.register_blueprint(judge_bp, url_prefix="/giam-khao")
    app.register_blueprint(eligibility_bp, url_prefix="/to-chuc/xet-giai")
    app.register_blueprint(privacy_bp, url_prefix="/to-chuc/du-lieu-ca-nhan")
    app.register_blueprint(privacy_public_bp)
    app.register_blueprint(account_bp, url_prefix="/tai-khoan")
    app.register_blueprint(account_history_bp, url_prefix="/giam-khao/thay-doi-ho-so")
    app.register_blueprint(integrity_bp, url_prefix="/giam-khao/kiem-tra")
    app.register_blueprint(regrade_bp, url_prefix="/giam-khao/cham-lai")
    app.register_blueprint(jobs_bp, url_prefix="/giam-khao/viec")


def register_errorhandlers(app: Flask) -> None:
    from contest.web.errors import register

    register(app)


def register_response_headers(app: Flask) -> None:
    from contest.web import security_headers

    security_headers.register(app)


def register_template_helpers(app: Flask) -> None:
    from contest.web.templating import register

    register(app)


def register_commands(app: Flask) -> None:
    from contest.cli import register

    register(app)
