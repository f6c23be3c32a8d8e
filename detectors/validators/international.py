"""Validators for identifiers used everywhere: payment cards, phones, e-mail, IP addresses, UK NINO, US SSN, dates."""

from __future__ import annotations

import datetime
import ipaddress

import phonenumbers
import regex

from detectors.validators import validator
from detectors.validators.checksums import digits_only, luhn_ok

_CARD_BRANDS = regex.compile(
    r"^(?:4\d{15}|(?:5[1-5]\d\d|222[1-9]|22[3-9]\d|2[3-6]\d\d|27[01]\d|2720)\d{12}|3[47]\d{13}"
    r"|6(?:011|5\d\d|4[4-9]\d)\d{12}|35(?:2[89]|[3-8]\d)\d{12}|3(?:0[0-5]|[689]\d)\d{11})$"
)


@validator("payment_card")
def payment_card(value: str) -> bool:
    """A brand prefix with its length (Visa, Mastercard, Amex, Discover, JCB, Diners), one separator style, Luhn."""
    seps = {c for c in value if not c.isdigit()}
    if len(seps) > 1:
        return False
    digits = digits_only(value)
    if len(set(digits)) < 4:
        return False
    return bool(_CARD_BRANDS.match(digits)) and luhn_ok(digits)


@validator("phone_international")
def phone_international(value: str) -> bool:
    """A +country number that libphonenumber finds valid for its region."""
    try:
        num = phonenumbers.parse(value.strip(), None)
    except phonenumbers.NumberParseException:
        return False
    return bool(phonenumbers.is_valid_number(num))


@validator("phone_us")
def phone_us(value: str) -> bool:
    try:
        num = phonenumbers.parse(value.strip(), "US")
    except phonenumbers.NumberParseException:
        return False
    return bool(phonenumbers.is_valid_number(num))


# Reserved for documentation and tests (RFC 2606, RFC 6761) or file names mistaken for addresses.
_RESERVED_DOMAINS = ("example.com", "example.org", "example.net", "localhost", "invalid", "test", "local")
_FILE_SUFFIXES = frozenset("png jpg jpeg gif svg webp bmp ico css js ts py java map json yaml yml txt md pdf".split())


@validator("email")
def email(value: str) -> bool:
    """A mailbox on a real-looking domain: not a reserved example domain, not `icon@2x.png`."""
    local, _, domain = value.rpartition("@")
    domain = domain.lower()
    if not local or local.startswith(".") or local.endswith(".") or ".." in local:
        return False
    tld = domain.rsplit(".", 1)[-1]
    if tld in _FILE_SUFFIXES:
        return False
    return not any(domain == d or domain.endswith("." + d) for d in _RESERVED_DOMAINS)


@validator("ip_address")
def ip_address(value: str) -> bool:
    """A public IPv4 or IPv6 address: private, loopback, link-local and documentation-free; not `1.2.3.4`."""
    try:
        ip = ipaddress.ip_address(value)
    except ValueError:
        return False
    if ip.version == 4:
        octets = [int(p) for p in value.split(".")]
        # Version strings (1.2.3.4, 4.12.1.0) have small parts; hosts rarely end in .0 or .255.
        if max(octets) < 20 or octets[3] in (0, 255):
            return False
    return bool(ip.is_global) and not ip.is_multicast


_NINO_BAD_PREFIX = frozenset({"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"})


@validator("uk_nino")
def uk_nino(value: str) -> bool:
    v = "".join(value.split()).upper()
    return len(v) == 9 and v[:2] not in _NINO_BAD_PREFIX and v[2:8].isdigit() and v[8] in "ABCD"


@validator("us_ssn")
def us_ssn(value: str) -> bool:
    """Area not 000, 666 or 900-999; group not 00; serial not 0000; not the famous advertised numbers."""
    d = digits_only(value)
    if len(d) != 9:
        return False
    if len({c for c in value if not c.isdigit()}) > 1:
        return False
    area, group, serial = int(d[:3]), int(d[3:5]), int(d[5:])
    if area == 0 or area == 666 or area >= 900 or group == 0 or serial == 0:
        return False
    return d not in ("078051120", "219099999", "123456789")


_MONTHS = {
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12, "decembre": 12,
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
}
_WORD = regex.compile(r"[^\W\d_]+")


def parse_date(value: str) -> datetime.date | None:
    """Day/month/year, ISO year-month-day, or a written month in French or English."""
    nums = [int(n) for n in regex.findall(r"\d+", value)]
    words = [w.lower() for w in _WORD.findall(value)]
    month_word = next((_MONTHS[w] for w in words if w in _MONTHS), None)
    try:
        if month_word is not None and len(nums) >= 2:
            year = next(n for n in nums if n > 31)
            day = next(n for n in nums if n <= 31)
            return datetime.date(year, month_word, day)
        if len(nums) == 3:
            if nums[0] > 31:
                return datetime.date(nums[0], nums[1], nums[2])
            return datetime.date(nums[2], nums[1], nums[0])
    except (ValueError, StopIteration):
        return None
    return None


@validator("date_of_birth")
def date_of_birth(value: str) -> bool:
    """A real calendar date between 1900 and today."""
    d = parse_date(value)
    return d is not None and 1900 <= d.year and d <= datetime.date.today()
