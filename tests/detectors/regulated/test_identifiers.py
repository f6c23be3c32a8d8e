"""Structured identifiers through the whole engine: exact spans for real values, silence on look-alikes."""

from __future__ import annotations

import io
import json

import pytest

from detectors.cli import scan_jsonl
from detectors.engine import Engine

# (text, type, the exact value the span must cover)
FOUND = [
    ("Mon numéro de sécu : 1 60 09 69 663 881 31.", "nir", "1 60 09 69 663 881 31"),
    ("n° INSEE 290102B77079281", "nir", "290102B77079281"),
    ("NIR 2.90.10.2B.770.792.81", "nir", "2.90.10.2B.770.792.81"),
    ("Société immatriculée au RCS de Lyon sous le n° 830 911 418", "siren", "830 911 418"),
    ("SIRET : 668 151 889 44724", "siret", "668 151 889 44724"),
    ("TVA intracom FR 82 789 768 462", "fr_vat", "FR 82 789 768 462"),
    ("Passeport n° 00IR76452", "fr_passport", "00IR76452"),
    ("carte d'identité 991075028084", "fr_id_card", "991075028084"),
    ("Appelez-moi au 06 12 34 56 78.", "phone", "06 12 34 56 78"),
    ("Tel: 06-12-34-56-78", "phone", "06-12-34-56-78"),
    ("(+33 6 71 23 45 98)", "phone", "+33 6 71 23 45 98"),
    ("+33 (0)1 42 68 53 00", "phone", "+33 (0)1 42 68 53 00"),
    ("Call +44 20 7946 0321", "phone", "+44 20 7946 0321"),
    ("Livrer au 12 rue des Lilas, 69003 Lyon merci", "postal_address", "12 rue des Lilas, 69003 Lyon"),
    ("Mme Le Goff, née le 02/05/1991 à Brest", "date_of_birth", "02/05/1991"),
    ("IBAN FR34 8196 7273 1778 4864 8876 634 BIC BNPAFRPPXXX", "iban", "FR34 8196 7273 1778 4864 8876 634"),
    ("IBAN FR34 8196 7273 1778 4864 8876 634 BIC BNPAFRPPXXX", "bic", "BNPAFRPPXXX"),
    ("virement sur DE61400297875347787680", "iban", "DE61400297875347787680"),
    ("GB IBAN GB82 WEST 1234 5698 7654 32 ok", "iban", "GB82 WEST 1234 5698 7654 32"),
    ("CB 4486 6283 6016 1056 exp 04/27", "payment_card", "4486 6283 6016 1056"),
    ("RIB 52601 81590 83016613186 06 (Banque Populaire)", "fr_rib", "52601 81590 83016613186 06"),
    ("Amex 3729-836957-93189", "payment_card", "3729-836957-93189"),
    ("mail: camille.durand@orange.fr", "email", "camille.durand@orange.fr"),
    ("IP 82.202.38.59 bloquée", "ip_address", "82.202.38.59"),
    ("NI number MJ 94 06 92 C", "uk_nino", "MJ 94 06 92 C"),
    ("SSN 679-92-8870", "us_ssn", "679-92-8870"),
    ("DNI 63573955T", "es_dni", "63573955T"),
    ("NIE X-4279843-A", "es_nie", "X-4279843-A"),
    ("Codice fiscale UFBURB68S07P828B", "it_fiscal_code", "UFBURB68S07P828B"),
    ("Rijksregister 93.01.05-662.81", "be_national_number", "93.01.05-662.81"),
    ("Steuer-ID 51465908531", "de_tax_id", "51465908531"),
    ("Personalausweis F6HK2HHFJ6", "de_id", "F6HK2HHFJ6"),
    # Non-breaking spaces (normalised for matching) still give a span in the original text.
    ("IBAN FR34\u00a08196\u00a07273\u00a01778\u00a04864\u00a08876\u00a0634", "iban",
     "FR34\u00a08196\u00a07273\u00a01778\u00a04864\u00a08876\u00a0634"),
]

# Look-alikes: order numbers, ISBNs, versions, amounts, timestamps, wrong check digits.
NOT_FOUND = [
    "Commande n° 160096966388100 expédiée",
    "ISBN 978-2-07-036822-8",
    "EAN 9782070368228",
    "version 4.12.1.0 du 12/03/2024",
    "Montant total : 1 234 567,89 €",
    "Montant : 4 486 628 360,16 €",
    "2024-03-12T14:30:22.123Z job 1234",
    "Horodatage 20240312143022",
    "Le contrat a été signé le 14/07/2023.",
    "Ticket 4486 6283 6016 1057",
    "SIRET 668 151 889 44725",
    "IBAN FR35 8196 7273 1778 4864 8876 634",
    "192.168.0.12 et 10.1.2.3 et 127.0.0.1",
    "Numéro de sécu : 160096966388132",
    "uuid 123e4567-e89b-12d3-a456-426614174000",
    "git sha 9fceb02d0ae598e95dc970b74767f19372d61af8",
    "Contact: support@example.com",
    "Lot 830 911 418 livré",
    "Suivi 52601 81590 83016613186 07",
    "Temps de réponse : 12:30:45.123456",
    "phone-like timestamp 06 12 34 56 78 90 12",
]


@pytest.mark.parametrize(("text", "kind", "value"), FOUND)
def test_identifier_found_with_exact_span(engine: Engine, text: str, kind: str, value: str) -> None:
    spans = {(f.type, text[f.start:f.end]) for f in engine.findings(text) if f.category == "regulated_data"}
    assert (kind, value) in spans


@pytest.mark.parametrize("text", NOT_FOUND)
def test_look_alike_not_found(engine: Engine, text: str) -> None:
    found = [(f.type, f.rule) for f in engine.findings(text) if f.category == "regulated_data"]
    assert found == []


@pytest.mark.parametrize(
    ("text", "kind", "confidence"),
    [
        ("160096966388131", "nir", "medium"),
        ("numéro de sécurité sociale 160096966388131", "nir", "high"),
        ("06 12 34 56 78", "phone", "medium"),
        ("mon portable : 06 12 34 56 78", "phone", "high"),
        ("FR34 8196 7273 1778 4864 8876 634", "iban", "high"),
    ],
)
def test_context_words_raise_confidence(engine: Engine, text: str, kind: str, confidence: str) -> None:
    found = [f for f in engine.findings(text) if f.type == kind]
    assert [f.confidence.label for f in found] == [confidence]


def test_jsonl_reports_whole_grouped_iban(engine: Engine) -> None:
    text = "Salut, mon IBAN est FR34 8196 7273 1778 4864 8876 634 et mon tel 06 12 34 56 78."
    out = io.StringIO()
    scan_jsonl(engine, io.BytesIO(json.dumps({"id": "t1", "text": text}).encode() + b"\n"), out)
    line = json.loads(out.getvalue())
    got = {(f["type"], text[f["start"]:f["end"]]) for f in line["findings"] if f["category"] == "regulated_data"}
    assert ("iban", "FR34 8196 7273 1778 4864 8876 634") in got
    assert ("phone", "06 12 34 56 78") in got
