"""Test data made at test time: credentials of the right shape and personal data with valid checksums."""

from __future__ import annotations

import random
import string


def aws_key(rng: random.Random | None = None) -> str:
    rng = rng or random.Random()
    return "AKIA" + "".join(rng.choice(string.ascii_uppercase + "234567") for _ in range(16))


def email(rng: random.Random | None = None) -> str:
    rng = rng or random.Random()
    return f"jeanne.{''.join(rng.choice(string.ascii_lowercase) for _ in range(8))}@societe-exemple.fr"


def french_iban(rng: random.Random | None = None) -> str:
    """FR IBAN with a valid RIB key and mod-97 check digits."""
    rng = rng or random.Random()
    bank, branch = f"{rng.randrange(10000, 99999):05d}", f"{rng.randrange(10000, 99999):05d}"
    account = f"{rng.randrange(10**10, 10**11):011d}"
    rib_key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97
    bban = f"{bank}{branch}{account}{rib_key:02d}"
    numeric = "".join(str(int(c, 36)) for c in bban + "FR00")
    check = 98 - int(numeric) % 97
    return f"FR{check:02d}{bban}"


def grouped(iban: str) -> str:
    return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))
