"""Fabricated identifiers with valid checksums, from a seeded generator (test data and the labelled corpus)."""

from __future__ import annotations

import random
import string

# Check digits are computed here independently of detectors/validators, so tests compare two implementations.
IBAN_LENGTHS = {"FR": 27, "DE": 22, "GB": 22, "ES": 24, "IT": 27, "BE": 16, "NL": 18, "LU": 20, "CH": 21, "PT": 25}


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def nir_key(first13: str) -> int:
    return 97 - int(first13.replace("2A", "19").replace("2B", "18")) % 97


def vat_key(siren: str) -> int:
    return (12 + 3 * (int(siren) % 97)) % 97


def dni_letter(n: int) -> str:
    return "TRWAGMYFPDXBNJZSQVHLCKE"[n % 23]


def it_fiscal_code_check(first15: str) -> str:
    odd = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23]
    total = 0
    for i, ch in enumerate(first15):
        k = int(ch) if ch.isdigit() else ord(ch) - ord("A")
        total += odd[k] if i % 2 == 0 else k
    return chr(ord("A") + total % 26)


def iso7064_mod11_10(digits: str) -> int:
    product = 10
    for ch in digits:
        product = (((int(ch) + product) % 10 or 10) * 2) % 11
    return (11 - product) % 10


def de_id_check(body: str) -> int:
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in body]
    return sum(v * (7, 3, 1)[i % 3] for i, v in enumerate(values)) % 10


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def luhn_complete(rng: random.Random, prefix: str, length: int) -> str:
    """Random digits after `prefix`, last digit chosen so the whole passes Luhn."""
    body = prefix + _digits(rng, length - len(prefix) - 1)
    for d in "0123456789":
        if luhn_ok(body + d):
            return body + d
    raise AssertionError("unreachable")


def nir(rng: random.Random, corsica: bool = False) -> str:
    sex = rng.choice("12")
    year = f"{rng.randint(40, 99):02d}"
    month = f"{rng.randint(1, 12):02d}"
    dept = rng.choice(["2A", "2B"]) if corsica else f"{rng.choice([1, 6, 13, 31, 33, 44, 59, 67, 69, 75, 92, 93]):02d}"
    body = sex + year + month + dept + f"{rng.randint(1, 999):03d}" + f"{rng.randint(1, 999):03d}"
    return body + f"{nir_key(body):02d}"


def nir_spaced(value: str) -> str:
    return " ".join([value[0], value[1:3], value[3:5], value[5:7], value[7:10], value[10:13], value[13:]])


def siren(rng: random.Random) -> str:
    return luhn_complete(rng, str(rng.randint(1, 9)), 9)


def siret(rng: random.Random) -> str:
    return luhn_complete(rng, siren(rng), 14)


def fr_vat(rng: random.Random) -> str:
    s = siren(rng)
    return f"FR{vat_key(s):02d}{s}"


def iban(rng: random.Random, country: str = "FR") -> str:
    length = IBAN_LENGTHS[country]
    bban = _digits(rng, length - 4)
    rearranged = bban + country + "00"
    num = int("".join(str(int(c, 36)) for c in rearranged))
    return f"{country}{98 - num % 97:02d}{bban}"


def grouped(value: str, size: int = 4, sep: str = " ") -> str:
    return sep.join(value[i:i + size] for i in range(0, len(value), size))


def payment_card(rng: random.Random, brand: str = "visa") -> str:
    prefix, length = {"visa": ("4", 16), "mastercard": ("5" + rng.choice("12345"), 16), "amex": ("37", 15)}[brand]
    return luhn_complete(rng, prefix, length)


# Allocated ranges of the French numbering plan (ARCEP): 06, 073-079 mobiles, and common geographic blocks.
_FR_PREFIXES = ["06", "073", "075", "076", "077", "078", "0142", "0145", "0153", "0472", "0491", "0549",
                "0240", "0388", "0561", "0320", "0556"]


def fr_phone_digits(rng: random.Random) -> str:
    prefix = rng.choice(_FR_PREFIXES)
    return prefix + _digits(rng, 10 - len(prefix))


def fr_phone_formatted(rng: random.Random, style: int = 0) -> str:
    n = fr_phone_digits(rng)
    pairs = [n[i:i + 2] for i in range(0, 10, 2)]
    if style == 1:
        return ".".join(pairs)
    if style == 2:
        return "+33 " + n[1] + " " + " ".join(pairs[1:])
    if style == 3:
        return n
    return " ".join(pairs)


def es_dni(rng: random.Random) -> str:
    n = rng.randint(10_000_000, 99_999_999)
    return f"{n}{dni_letter(n)}"


def es_nie(rng: random.Random) -> str:
    k = rng.randint(0, 2)
    n = rng.randint(1_000_000, 9_999_999)
    return f"{'XYZ'[k]}{n}{dni_letter(int(str(k) + str(n)))}"


def it_fiscal_code(rng: random.Random) -> str:
    letters = "".join(rng.choice(string.ascii_uppercase) for _ in range(6))
    body = f"{letters}{rng.randint(40, 99):02d}{rng.choice('ABCDEHLMPRST')}{rng.randint(1, 28):02d}"
    body += rng.choice(string.ascii_uppercase) + f"{rng.randint(100, 999)}"
    return body + it_fiscal_code_check(body)


def be_national_number(rng: random.Random) -> str:
    body = f"{rng.randint(50, 99):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(1, 997):03d}"
    return body + f"{97 - int(body) % 97:02d}"


def de_tax_id(rng: random.Random) -> str:
    while True:
        digits = [str(rng.randint(1, 9))] + [rng.choice(string.digits) for _ in range(9)]
        body = "".join(digits)
        counts = sorted((body.count(d) for d in set(body)), reverse=True)
        if counts[0] in (2, 3) and (len(counts) < 2 or counts[1] == 1):
            return body + str(iso7064_mod11_10(body))


def de_id_card(rng: random.Random) -> str:
    alphabet = "CFGHJKLMNPRTVWXYZ"
    body = rng.choice(alphabet) + "".join(rng.choice(alphabet + string.digits) for _ in range(8))
    return body + str(de_id_check(body))


def uk_nino(rng: random.Random) -> str:
    first = rng.choice("ABCEHJKLMPRSWXY")
    second = rng.choice("ABCEHJLMPRSTWXY")
    return f"{first}{second}{_digits(rng, 6)}{rng.choice('ABCD')}"


def us_ssn(rng: random.Random) -> str:
    area = rng.choice([n for n in range(1, 900) if n != 666])
    return f"{area:03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"


def public_ipv4(rng: random.Random) -> str:
    first = rng.choice([23, 31, 46, 51, 62, 78, 80, 81, 82, 90, 91, 109, 145, 176, 185, 212, 217])
    return f"{first}.{rng.randint(1, 254)}.{rng.randint(1, 254)}.{rng.randint(1, 254)}"


def fr_passport(rng: random.Random) -> str:
    return f"{_digits(rng, 2)}{rng.choice(string.ascii_uppercase)}{rng.choice(string.ascii_uppercase)}{_digits(rng, 5)}"


def fr_id_card_old(rng: random.Random) -> str:
    return f"{rng.randint(94, 99):02d}{rng.randint(1, 12):02d}{rng.choice(['750', '692', '130', '2A0', '330'])}" \
           f"{_digits(rng, 5)}"


def fr_rib(rng: random.Random) -> str:
    bank, branch, account = _digits(rng, 5), _digits(rng, 5), _digits(rng, 11)
    key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97
    return f"{bank} {branch} {account} {key:02d}"
