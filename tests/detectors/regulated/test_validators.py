"""Validators against independently generated valid values and their one-character corruptions."""

from __future__ import annotations

import random
from collections.abc import Callable
from types import ModuleType

import pytest

from detectors import validators

# validator name -> generator name in fakes.py
GENERATED = [
    ("fr_nir", "nir"),
    ("fr_siren", "siren"),
    ("fr_siret", "siret"),
    ("fr_vat", "fr_vat"),
    ("iban", "iban"),
    ("payment_card", "payment_card"),
    ("es_dni", "es_dni"),
    ("es_nie", "es_nie"),
    ("it_fiscal_code", "it_fiscal_code"),
    ("be_national_number", "be_national_number"),
    ("de_tax_id", "de_tax_id"),
    ("de_id_card", "de_id_card"),
    ("uk_nino", "uk_nino"),
    ("us_ssn", "us_ssn"),
    ("ip_address", "public_ipv4"),
    ("fr_rib", "fr_rib"),
]

# Check-digit validators: changing the last character must break them.
CHECKSUMMED = {"fr_rib", "fr_nir", "fr_siren", "fr_siret", "fr_vat", "iban", "payment_card", "es_dni", "es_nie",
               "it_fiscal_code", "be_national_number", "de_tax_id", "de_id_card"}


def _corrupt_last(value: str, rng: random.Random) -> str:
    last = value[-1]
    pool = "0123456789" if last.isdigit() else "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return value[:-1] + rng.choice([c for c in pool if c != last])


@pytest.mark.parametrize(("name", "generator"), GENERATED)
def test_generated_values_validate(name: str, generator: str, fakes: ModuleType, rng: random.Random) -> None:
    check = validators.get(name)
    make: Callable[[random.Random], str] = getattr(fakes, generator)
    for _ in range(300):
        value = make(rng)
        assert check(value), f"{name} rejected a valid generated value"


@pytest.mark.parametrize(("name", "generator"), [g for g in GENERATED if g[0] in CHECKSUMMED])
def test_corrupted_check_digit_fails(name: str, generator: str, fakes: ModuleType, rng: random.Random) -> None:
    check = validators.get(name)
    make: Callable[[random.Random], str] = getattr(fakes, generator)
    # Luhn and mod 97 catch every single-character change of the check digit.
    for _ in range(300):
        assert not check(_corrupt_last(make(rng), rng))


@pytest.mark.parametrize(
    ("name", "value", "valid"),
    [
        ("fr_nir", "2 90 10 2B 770 792 81", True),  # Corsica, spaced
        ("fr_nir", "290102A77079281", False),  # 2A and 2B give different keys
        ("fr_nir", "590102077079281", False),  # sex digit 5 does not exist
        ("fr_nir", "190132077079281", False),  # month 13
        ("fr_siret", "35600000049247", True),  # La Poste: digit sum multiple of 5, fails Luhn
        ("fr_siret", "35600000049248", False),
        ("fr_vat", "FR82789768462", True),
        ("iban", "FR34 8196 7273 1778 4864 8876 634", True),
        ("iban", "fr34 8196 7273 1778 4864 8876 634", True),
        ("iban", "FR34 8196 7273 1778 4864 8876 6345", False),  # wrong length for FR
        ("bic", "BNPAFRPPXXX", True),
        ("bic", "BUSINESS", False),
        ("bic", "ABCDQQ12", False),  # QQ is not a country
        ("payment_card", "4486 6283 6016 1056", True),
        ("payment_card", "4486-6283 6016 1056", False),  # mixed separators
        ("payment_card", "9782070368228000", False),  # no brand
        ("payment_card", "4444 4444 4444 4448", False),  # too few distinct digits
        ("us_ssn", "666-12-3456", False),
        ("us_ssn", "900-12-3456", False),
        ("us_ssn", "123-00-4567", False),
        ("us_ssn", "123-45-0000", False),
        ("us_ssn", "078-05-1120", False),
        ("uk_nino", "GB123456A", False),
        ("uk_nino", "AB 12 34 56 C", True),
        ("email", "camille@orange.fr", True),
        ("email", "icon@2x.png", False),
        ("email", "admin@example.com", False),
        ("ip_address", "10.0.0.1", False),
        ("ip_address", "127.0.0.1", False),
        ("ip_address", "2a01:cb00:82d:3a00:4c1e:9f2b:11d6:7a3e", True),
        ("ip_address", "::1", False),
        ("date_of_birth", "1er mars 1979", True),
        ("date_of_birth", "31/02/1980", False),
        ("date_of_birth", "12/03/2199", False),
        ("date_of_birth", "March 3, 1990", True),
        ("fr_phone", "06 12 34 56 78", True),
        ("fr_phone", "+33 6 12 34 56 78", True),
        ("fr_phone", "00 12 34 56 78", False),
        ("phone_international", "+44 20 7946 0321", True),
        ("phone_international", "+12 34", False),
        ("fr_postcode", "12 rue des Lilas, 69003 Lyon", True),
        ("fr_postcode", "12 rue des Lilas, 00003 Lyon", False),
        ("fr_id_card", "991075028084", True),
        ("fr_id_card", "RECTIFIEE", False),
        ("es_dni", "63573955-T", True),
        ("it_fiscal_code", "UFBURB68S07P828B", True),
        ("be_national_number", "93.01.05-662.81", True),
        ("de_tax_id", "11223456780", False),  # two different digits repeated
    ],
)
def test_validator_table(name: str, value: str, valid: bool) -> None:
    assert validators.get(name)(value) is valid
