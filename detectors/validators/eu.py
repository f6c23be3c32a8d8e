"""Validators for EU identifiers: IBAN, BIC, Spanish DNI/NIE, Italian codice fiscale, Belgian and German numbers."""

from __future__ import annotations

from detectors.validators import validator
from detectors.validators.checksums import mod97_ok
from detectors.validators.france import compact

# IBAN length per country (ISO 13616 registry): the whole IBAN, country code and check digits included.
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BI": 27,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27,
    "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25,
    "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18,
    "NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33,
    "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28,
    "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}

# ISO 3166 alpha-2 codes a BIC's country part may hold (IBAN countries and other common ones).
BIC_COUNTRIES = frozenset(IBAN_LENGTHS) | frozenset(
    "US CA MX AR CL CO PE VE CN JP KR IN ID TH VN MY SG PH HK TW AU NZ ZA NG KE MA DZ SN CI CM GH".split()
)


def iban_ok(value: str) -> bool:
    v = compact(value)
    want = IBAN_LENGTHS.get(v[:2])
    if want is None or len(v) != want or not v[2:4].isdigit():
        return False
    return mod97_ok(v[4:] + v[:4])


@validator("iban")
def iban(value: str) -> bool:
    """Registered country, that country's exact length, ISO 7064 mod 97-10 check digits."""
    return iban_ok(value)


@validator("bic")
def bic(value: str) -> bool:
    """8 or 11 characters: bank (letters), a real country code, location, optional branch."""
    v = value.strip()
    if len(v) not in (8, 11) or not v[:4].isalpha() or v[4:6] not in BIC_COUNTRIES:
        return False
    # All-letter words of 8 or 11 characters ("BUSINESS", "DEFINITIONS") are far likelier than BICs.
    return any(c.isdigit() for c in v[6:]) or v[6:8] in ("PP", "PX", "2X", "22", "MM") or len(v) == 11


_DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def dni_letter(number: int) -> str:
    return _DNI_LETTERS[number % 23]


@validator("es_dni")
def es_dni(value: str) -> bool:
    v = compact(value)
    return len(v) == 9 and v[:8].isdigit() and v[8] == dni_letter(int(v[:8]))


@validator("es_nie")
def es_nie(value: str) -> bool:
    v = compact(value)
    if len(v) != 9 or v[0] not in "XYZ" or not v[1:8].isdigit():
        return False
    return v[8] == dni_letter(int(str("XYZ".index(v[0])) + v[1:8]))


_CF_ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23]
_CF_OMOCODE = "LMNPQRSTUV"  # letters that replace digits when two people share a code


def it_fiscal_code_check(first15: str) -> str:
    total = 0
    for i, ch in enumerate(first15):
        k = int(ch) if ch.isdigit() else ord(ch) - 65
        total += _CF_ODD[k] if i % 2 == 0 else k
    return chr(65 + total % 26)


@validator("it_fiscal_code")
def it_fiscal_code(value: str) -> bool:
    """16 characters: surname, name, birth date and place, then a check letter over odd/even tables."""
    v = value.upper()
    if len(v) != 16 or not v.isalnum() or not v[:6].isalpha():
        return False
    day = v[9:11].translate(str.maketrans(_CF_OMOCODE, "0123456789"))
    if not day.isdigit() or not (1 <= int(day) <= 31 or 41 <= int(day) <= 71):
        return False
    return it_fiscal_code_check(v[:15]) == v[15]


@validator("be_national_number")
def be_national_number(value: str) -> bool:
    """YY.MM.DD-SSS.CC: CC = 97 - (9 digits mod 97), with a leading 2 for people born from 2000."""
    v = compact(value)
    if len(v) != 11 or not v.isdigit():
        return False
    month = int(v[2:4])
    # Month 0 (unknown date) and +20/+40 for bis numbers are allowed.
    if not (month <= 12 or 20 <= month <= 32 or 40 <= month <= 52) or int(v[4:6]) > 31:
        return False
    key = int(v[9:])
    return key == 97 - int(v[:9]) % 97 or key == 97 - int("2" + v[:9]) % 97


def iso7064_mod11_10(digits: str) -> int:
    product = 10
    for ch in digits:
        total = (int(ch) + product) % 10 or 10
        product = (total * 2) % 11
    return (11 - product) % 10


@validator("de_tax_id")
def de_tax_id(value: str) -> bool:
    """Steuer-IdNr: 11 digits, no leading 0, one digit repeated 2 or 3 times in the first ten, mod 11,10 check."""
    v = compact(value)
    if len(v) != 11 or not v.isdigit() or v[0] == "0":
        return False
    counts = sorted((v[:10].count(d) for d in set(v[:10])), reverse=True)
    if counts[0] not in (2, 3) or (len(counts) > 1 and counts[1] > 1):
        return False
    return iso7064_mod11_10(v[:10]) == int(v[10])


_DE_ID_ALPHABET = "0123456789CFGHJKLMNPRTVWXYZ"


def de_id_check(body: str) -> int:
    weights = (7, 3, 1)
    total = 0
    for i, ch in enumerate(body):
        n = int(ch) if ch.isdigit() else ord(ch) - 55
        total += n * weights[i % 3]
    return total % 10


@validator("de_id_card")
def de_id_card(value: str) -> bool:
    """Personalausweis (2010+): 9 characters of a reduced alphabet and a 7-3-1 weighted check digit."""
    v = compact(value)
    if len(v) != 10 or not v[9].isdigit() or any(c not in _DE_ID_ALPHABET for c in v[:9]):
        return False
    return v[0] in "CFGHJKLMNPRTVWXYZ" and de_id_check(v[:9]) == int(v[9])
