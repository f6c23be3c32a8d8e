"""Validators for French identifiers: NIR, SIREN, SIRET, VAT number, RIB, ID card, postcode, phone."""

from __future__ import annotations

import phonenumbers
import regex

from detectors.validators import validator
from detectors.validators.checksums import digits_only, luhn_ok

# La Poste's SIREN: its establishments' SIRETs fail Luhn, their digit sum is a multiple of 5 instead.
LA_POSTE_SIREN = "356000000"
_POSTCODE = regex.compile(r"(?<!\d)\d{5}(?!\d)")


def compact(value: str) -> str:
    """The value without the separators people type inside identifiers."""
    return "".join(c for c in value if c not in " .-/\u00a0\t").upper()


def nir_key(first13: str) -> int:
    """The NIR key: 97 minus the 13 digits mod 97, Corsica's 2A and 2B counted as 19 and 18."""
    body = first13.upper()
    if body[5:7] == "2A":
        body = body[:5] + "19" + body[7:]
    elif body[5:7] == "2B":
        body = body[:5] + "18" + body[7:]
    return 97 - int(body) % 97


@validator("fr_nir")
def nir(value: str) -> bool:
    """15 characters: sex, year, month, department (2A/2B for Corsica), commune, order, key mod 97."""
    v = compact(value)
    if len(v) != 15 or not v[13:].isdigit() or not (v[:5] + v[7:13]).isdigit():
        return False
    if v[0] not in "123478":
        return False
    month = int(v[3:5])
    # 01-12, or 20-42 and 50-99 for people whose birth month is unknown (INSEE conventions).
    if not (1 <= month <= 12 or 20 <= month <= 42 or 50 <= month <= 99):
        return False
    dept = v[5:7]
    if not (dept.isdigit() or dept in ("2A", "2B")) or dept == "00":
        return False
    if v[5:13].isdigit() and int(v[7:10]) == 0 and int(v[10:13]) == 0:
        return False
    return nir_key(v[:13]) == int(v[13:])


def siren_ok(digits: str) -> bool:
    return len(digits) == 9 and digits.isdigit() and digits != "000000000" and luhn_ok(digits)


@validator("fr_siren")
def siren(value: str) -> bool:
    return siren_ok(compact(value))


def siret_ok(digits: str) -> bool:
    if len(digits) != 14 or not digits.isdigit() or int(digits) == 0:
        return False
    if digits.startswith(LA_POSTE_SIREN) and digits != LA_POSTE_SIREN + "00001":
        return sum(int(c) for c in digits) % 5 == 0
    return luhn_ok(digits)


@validator("fr_siret")
def siret(value: str) -> bool:
    return siret_ok(compact(value))


def vat_key(siren_digits: str) -> int:
    return (12 + 3 * (int(siren_digits) % 97)) % 97


@validator("fr_vat")
def vat(value: str) -> bool:
    """FR, a two-digit key, then a valid SIREN: key = (12 + 3 × (SIREN mod 97)) mod 97."""
    v = compact(value)
    if len(v) != 13 or not v.startswith("FR") or not v[2:].isdigit():
        return False
    s = v[4:]
    return (siren_ok(s) or s == LA_POSTE_SIREN) and int(v[2:4]) == vat_key(s)


# Letters in a RIB account number count as digits: A,J=1 B,K,S=2 C,L,T=3 ... I,R,Z=9.
_RIB_LETTERS = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "12345678912345678923456789")


@validator("fr_rib")
def rib(value: str) -> bool:
    """Bank (5), branch (5), account (11, letters allowed), key = 97 - ((89 bank + 15 branch + 3 account) mod 97)."""
    v = compact(value)
    if len(v) != 23 or not v[:10].isdigit() or not v[21:].isdigit() or not v[10:21].isalnum():
        return False
    account = v[10:21].translate(_RIB_LETTERS)
    if int(v[:5]) == 0 or len(set(v[:21])) < 4:
        return False
    return 97 - (89 * int(v[:5]) + 15 * int(v[5:10]) + 3 * int(account)) % 97 == int(v[21:])


@validator("fr_id_card")
def id_card(value: str) -> bool:
    """Old CNI: 12 digits starting with issue year and month; new (2021) CNI: 9 letters and digits, mixed."""
    v = compact(value)
    if len(v) == 12 and v[:4].isdigit() and v[7:].isdigit():
        return 1 <= int(v[2:4]) <= 12 and len(set(v)) > 3
    if len(v) == 9 and v.isalnum():
        letters = sum(c.isalpha() for c in v)
        return 1 <= letters <= 8 and len(set(v)) > 4
    return False


@validator("fr_postcode")
def postcode_in_address(value: str) -> bool:
    """An address whose postcode is a real French department prefix (01-95, Corsica 20, overseas 97/98)."""
    codes = _POSTCODE.findall(value)
    if not codes:
        return False
    best = codes[-1]
    dept = int(best[:2])
    return 1 <= dept <= 95 or dept in (97, 98)


@validator("fr_phone")
def phone(value: str) -> bool:
    """A French number that libphonenumber considers possible and valid."""
    raw = value.strip()
    try:
        num = phonenumbers.parse(raw, "FR")
    except phonenumbers.NumberParseException:
        return False
    return bool(phonenumbers.is_valid_number(num))


@validator("digits_not_repeated")
def digits_not_repeated(value: str) -> bool:
    d = digits_only(value)
    return len(set(d)) > 2
