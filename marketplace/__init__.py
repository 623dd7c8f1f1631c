"""The national mask marketplace: the Flask application factory."""
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import settings

ROOT = Path(__file__).resolve().parent.parent


def create_app(config=None):
    """Create the application; config is a settings object or an environment name."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
    )
    app.config.from_object(config if config is not None and not isinstance(config, str) else settings.load(config))
    register_proxies(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def register_proxies(app):
    """Believe the forwarded client address, scheme and host of TRUSTED_PROXY_HOPS proxies in front of the app."""
    hops = app.config["TRUSTED_PROXY_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)


def register_extensions(app):
    from workers.celery_app import init_celery

    from .auth.session import load_user
    from .extensions import babel, csrf, db, limiter, login_manager, migrate, talisman
    from .mail import hooks as mail_hooks
    from .web import locale

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=locale.select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = locale.LOGIN_MESSAGE
    login_manager.user_loader(load_user)
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config.get("SESSION_COOKIE_SECURE", False),
        content_security_policy={"default-src": "'self'", "img-src": "'self' data:"},
        frame_options="DENY",
    )
    init_celery(app)
    mail_hooks.register(app)


def register_blueprints(app):
    from .admin import bp as admin_bp
    from .api import bp as api_bp
    from .auth import bp as auth_bp
    from .buyers import bp as buyers_bp
    from .orders import bp as orders_bp
    from .producers import bp as producers_bp
    from .public import bp as public_bp
    from .refunds import bp as refunds_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(producers_bp, url_prefix="/producers-area")
    app.register_blueprint(buyers_bp, url_prefix="/buyers")
    app.register_blueprint(orders_bp, url_prefix="/orders")
    app.register_blueprint(refunds_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")


def register_errorhandlers(app):
    from .web.errors import register

    register(app)


def register_template_helpers(app):
    from .web.filters import register

    register(app)


def register_commands(app):
    from .cli import register

    register(app)
