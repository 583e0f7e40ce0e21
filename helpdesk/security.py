"""What every response promises the browser: security headers, cookies that are Secure over HTTPS, and the
real scheme and client address behind trusted proxies.

- ``Content-Security-Policy``: scripts only from this site (the app's one script is ``static/js/helpdesk.js``;
  no inline script, no event-handler attribute, no ``eval``). Inline styles stay allowed: the dashboard's
  charts are SVG with their own ``<style>``, and a style cannot run code.
- ``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``: no page can be framed (clickjacking).
- ``nosniff``, ``Referrer-Policy: same-origin``, a ``Permissions-Policy`` that turns off what the app never uses.
- ``Strict-Transport-Security`` only on a request that came over HTTPS, so a plain-HTTP development server
  never pins a browser to HTTPS.
- ``TRUSTED_PROXIES`` (the number of proxies in front of the app, 0 by default): ``ProxyFix`` then takes the
  scheme, host and client address from their ``X-Forwarded-*`` headers, so URLs, HSTS, Secure cookies and the
  sign-in limits per address follow the real request. With 0, those headers are ignored (anyone can send them).
"""

from flask import Flask, Response, has_request_context, request
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"


class SecureCookieResponse(Response):
    """Every cookie set over HTTPS is ``Secure``: the session's, the remember-me cookie, any other."""

    def set_cookie(self, key, *args, secure: bool = False, **kwargs) -> None:
        secure = secure or (has_request_context() and request.is_secure)
        super().set_cookie(key, *args, secure=secure, **kwargs)


def behind_proxies(wsgi_app, proxies: int):
    """``wsgi_app`` taking client address, scheme, host and port from the last ``proxies`` proxies' headers."""
    return ProxyFix(wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies)


def init_app(app: Flask) -> None:
    if app.config["TRUSTED_PROXIES"]:
        app.wsgi_app = behind_proxies(app.wsgi_app, app.config["TRUSTED_PROXIES"])
    app.response_class = SecureCookieResponse

    @app.after_request
    def security_headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response
