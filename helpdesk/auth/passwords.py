"""Staff passwords: the rule every new password meets, and hashing.

The rule: at least 12 characters and not one of the 10,000 most common passwords. ``common_passwords.txt`` is
the first 10,000 entries (most frequent first, all lower case) of the ``passwords`` frequency list shipped in
the PyPI package zxcvbn 4.5.0 (``zxcvbn/frequency_lists.py``, MIT licence, Dropbox's zxcvbn data).

Hashes use ``PASSWORD_HASH_METHOD`` (werkzeug's scrypt); a hash made another way is replaced at the user's next
sign-in. An unknown e-mail is checked against a dummy hash made the same way, so its answer takes as long as
a real account's.
"""

import secrets
from functools import cache
from pathlib import Path

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 12
COMMON_PASSWORDS = Path(__file__).with_name("common_passwords.txt")


@cache
def _common_passwords() -> frozenset[str]:
    return frozenset(COMMON_PASSWORDS.read_text().split("\n"))


def password_problem(password: str | None) -> str | None:
    """Why ``password`` may not be used, as a field error; None when it may."""
    if not password or len(password) < MIN_LENGTH:
        return f"must have at least {MIN_LENGTH} characters"
    if password.lower() in _common_passwords():
        return "is one of the most common passwords; choose another"
    return None


def _method() -> str:
    return current_app.config["PASSWORD_HASH_METHOD"]


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=_method())


@cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash(secrets.token_hex(16), method=method)


def check_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; with no hash (no such account) a dummy one is checked, as slowly."""
    if password_hash is None:
        check_password_hash(_dummy_hash(_method()), password)
        return False
    return check_password_hash(password_hash, password)


def is_outdated(password_hash: str) -> bool:
    return not password_hash.startswith(_method() + "$")
