"""Phone numbers in E.164, parsed with ``phonenumbers``."""

import re
from collections.abc import Iterable
from functools import lru_cache

import phonenumbers

_PHONE_LIKE = re.compile(r"^[+\d\s().\-/]{6,40}$")


def normalize_phone(raw: str, default_region: str | None = None) -> str:
    """Return ``raw`` as E.164; raise ValueError with a readable reason when it is not a valid number."""
    text = (raw or "").strip()
    if not text:
        raise ValueError("is empty")
    if len(text) > 40 or not _PHONE_LIKE.match(text):
        raise ValueError("is not a phone number")
    try:
        number = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException as exc:
        if exc.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE:
            raise ValueError("needs an international prefix such as +48") from exc
        raise ValueError("is not a phone number") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError("is not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def looks_like_phone(text: str) -> bool:
    return bool(_PHONE_LIKE.match(text)) and sum(c.isdigit() for c in text) >= 6


def phone_candidates(raw: str, regions: Iterable[str | None]) -> list[str]:
    """Every E.164 reading of ``raw`` in the given regions (a national number means different things)."""
    found = []
    for region in regions:
        try:
            number = normalize_phone(raw, region)
        except ValueError:
            continue
        if number not in found:
            found.append(number)
    return found


@lru_cache(maxsize=1024)
def region_of(e164: str) -> str | None:
    """The country of a number (a program's hotline, read once per row of an import: cached)."""
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(e164))
    except phonenumbers.NumberParseException:
        return None


def display_phone(e164: str | None) -> str:
    if not e164:
        return ""
    try:
        return phonenumbers.format_number(phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        return e164
