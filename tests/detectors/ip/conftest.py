"""Fixtures for the intellectual-property tests: a generated 100,000-row customer table and its EDM index."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest

FIRST = ["Élodie", "Jean-Pierre", "Marie", "Lucas", "Chloé", "Hugo", "Léa", "Nathan", "Camille", "Théo", "Manon",
         "Louis", "Inès", "Gabriel", "Sarah", "Raphaël", "Zoé", "Arthur", "Jade", "Mohamed", "Fatou", "Yanis"]
LAST = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon",
        "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "N'Diaye"]
CITIES = ["Paris", "Lyon", "Marseille", "Toulouse", "Nantes", "Lille", "Rennes", "Saint-Étienne", "Aix-en-Provence"]
COLUMNS = ["customer_id", "first_name", "last_name", "email", "phone", "iban", "city"]


def people(rows: int, seed: int = 7) -> list[list[str]]:
    """Deterministic fake customers; emails, phones and IBANs are unique per row, names and cities repeat."""
    rng = random.Random(seed)
    out = []
    for i in range(rows):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        tail = f"{i:08d}"
        out.append([
            f"C{100000 + i}", first, last,
            f"{first.lower().replace('é', 'e').replace('ë', 'e')}.{last.lower()}{i}@exemple.fr".replace("'", ""),
            f"06 {tail[0:2]} {tail[2:4]} {tail[4:6]} {tail[6:8]}",
            f"FR76 3000 6{rng.randint(0, 999):03d} {tail[:4]} {tail[4:]} {rng.randint(1000, 9999)} {rng.randint(100, 999)}",
            rng.choice(CITIES),
        ])
    return out


def write_people_csv(path: Path, rows: int, seed: int = 7, delimiter: str = ";") -> list[list[str]]:
    data = people(rows, seed)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=delimiter)
        w.writerow(COLUMNS)
        w.writerows(data)
    return data


@pytest.fixture(scope="session")
def customers(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[list[str]]]:
    path = tmp_path_factory.mktemp("edm") / "clients.csv"
    return path, write_people_csv(path, 100_000)
