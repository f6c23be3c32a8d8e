"""Generic checksums shared by many identifiers: Luhn and ISO 7064 mod 97-10."""

from __future__ import annotations

from detectors.validators import validator


def digits_only(value: str) -> str:
    return "".join(c for c in value if c.isdigit())


def luhn_ok(digits: str) -> bool:
    """Luhn (mod 10) over a string of digits."""
    if not digits or not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def mod97_ok(alnum: str) -> bool:
    """ISO 7064 mod 97-10 as used by IBAN: letters count A=10..Z=35, remainder must be 1."""
    if not alnum.isalnum():
        return False
    rem = 0
    for ch in alnum.upper():
        if ch.isdigit():
            rem = (rem * 10 + ord(ch) - 48) % 97
        elif "A" <= ch <= "Z":
            rem = (rem * 100 + ord(ch) - 55) % 97
        else:
            return False
    return rem == 1


@validator("luhn")
def luhn(value: str) -> bool:
    return luhn_ok(digits_only(value))
