"""Deterministic generator of the labelled regulated-data corpus (French and English prompts, with and without PII)."""

from __future__ import annotations

import argparse
import json
import random
import string
import sys
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import fakes  # noqa: E402

# Generated people: first names partly outside the engine's gazetteer on purpose, surnames from syllables.
FIRST_IN_GAZETTEER = ["Camille", "Julien", "Sophie", "Nicolas", "Hélène", "Mathieu", "Nathalie", "Thomas", "Léa",
                      "Karim", "Fatima", "Olivier", "Chloé", "Antoine", "Isabelle", "Youssef", "Jennifer",
                      "Michael", "Sarah", "David", "Emily", "Robert", "Laura", "Peter"]
FIRST_OUTSIDE = ["Gwenaëlle", "Maëlys", "Ilyès", "Soizic", "Enzo", "Tiphaine", "Ambroise", "Anouk", "Corentin",
                 "Ewen", "Loane", "Maïwenn", "Brayden", "Kayla", "Dylan", "Aiden", "Ophélie", "Swann"]
_SYLLABLES = ["ker", "bra", "mou", "lin", "gar", "nier", "du", "pont", "ber", "trand", "le", "goff", "rous",
              "seau", "fau", "cher", "mar", "chal", "bou", "vier", "lam", "bert", "che", "val", "ier", "dan",
              "ton", "wal", "ker", "son", "ri", "vard", "mo", "rin"]


def surname(rng: random.Random) -> str:
    s = "".join(rng.choice(_SYLLABLES) for _ in range(rng.choice([2, 2, 3])))
    return s.capitalize()


def first_name(rng: random.Random) -> str:
    return rng.choice(FIRST_OUTSIDE) if rng.random() < 0.3 else rng.choice(FIRST_IN_GAZETTEER)


STREETS = ["rue des Lilas", "avenue Victor Hugo", "boulevard de la République", "impasse du Moulin",
           "rue de la Paix", "chemin des Vignes", "allée des Tilleuls", "place du Marché", "quai de la Loire"]
CITIES = [("69003", "Lyon"), ("75011", "Paris"), ("13001", "Marseille"), ("44000", "Nantes"), ("31000", "Toulouse"),
          ("33000", "Bordeaux"), ("59000", "Lille"), ("67000", "Strasbourg"), ("35000", "Rennes"), ("06000", "Nice")]
COMPANIES = ["Renault", "Crédit Agricole", "Société Générale", "Decathlon", "Orange", "Airbus", "Michelin"]


def address(rng: random.Random) -> str:
    pc, city = rng.choice(CITIES)
    return f"{rng.randint(1, 180)} {rng.choice(STREETS)}, {pc} {city}"


def email_of(rng: random.Random, first: str, last: str) -> str:
    fold = str.maketrans("éèêëïîôöüçàâ", "eeeeiioouca a".replace(" ", ""))
    user = f"{first.lower().translate(fold)}.{last.lower()}"
    return f"{user}@{rng.choice(['gmail.com', 'orange.fr', 'free.fr', 'outlook.com', 'acme-industries.fr'])}"


def dob(rng: random.Random, lang: str) -> str:
    d, m, y = rng.randint(1, 28), rng.randint(1, 12), rng.randint(1950, 2002)
    if lang == "en":
        months = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                  "October", "November", "December"]
        return rng.choice([f"{months[m - 1]} {d}, {y}", f"{y}-{m:02d}-{d:02d}"])
    return rng.choice([f"{d:02d}/{m:02d}/{y}", f"{d} {['janvier', 'mars', 'juin', 'octobre'][m % 4]} {y}"])


def unlabelled(rng: random.Random) -> dict[str, Callable[[], str]]:
    """Values that look like identifiers but are not personal data."""
    return {
        "order": lambda: f"CMD-{rng.randint(100000, 999999)}",
        "order_digits": lambda: "".join(rng.choice(string.digits) for _ in range(rng.choice([9, 12, 14, 15, 16]))),
        "isbn": lambda: f"978-2-{rng.randint(10, 99)}-{rng.randint(100000, 999999)}-{rng.randint(0, 9)}",
        "version": lambda: f"{rng.randint(1, 9)}.{rng.randint(0, 19)}.{rng.randint(0, 9)}.{rng.randint(0, 9)}",
        "amount": lambda: f"{rng.randint(1, 99)} {rng.randint(100, 999)},{rng.randint(10, 99)} €",
        "timestamp": lambda: f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:"
                             f"{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}",
        "date": lambda: f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2024",
        "company": lambda: rng.choice(COMPANIES),
        "city": lambda: rng.choice(CITIES)[1],
        "private_ip": lambda: f"192.168.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
    }


FR_TEMPLATES = [
    # HR letters
    "Objet : avenant au contrat de travail\n\nMadame, Monsieur,\n\nNous confirmons l'embauche de {person}, "
    "né le {dob}, demeurant {address}, au poste de chargé de clientèle chez {company}. Son numéro de sécurité sociale "
    "est le {nir} et le salaire sera versé sur le compte {iban}.\nPour toute question, contactez {person2} au {phone}."
    "\n\nCordialement,\n{person3}\nDRH",
    "Peux-tu reformuler ce courrier ? « Bonjour {person}, suite à votre entretien du {date}, nous avons le plaisir "
    "de vous proposer un CDI. Merci de nous retourner votre RIB ({iban}) et une copie de votre carte d'identité "
    "n° {fr_id_card}. » Le dossier est suivi par {person2} ({email}).",
    "Résume la situation de la salariée {person} (matricule interne {order}) : arrêt maladie depuis le {date}, "
    "numéro de sécu {nir_spaced}, adresse {address}. Son manager, M. {surname2}, demande un point avec les RH.",
    # customer records
    "Fiche client\nNom : {person}\nTéléphone : {phone}\nE-mail : {email}\nAdresse : {address}\n"
    "Carte bancaire : {card}\nDernière commande : {order} ({amount})\nRemarque : client fidèle depuis 2015.",
    "Voici un export CRM, peux-tu détecter les doublons ?\n{person} ; {email} ; {phone} ; {city}\n"
    "{person2} ; {email2} ; {phone2} ; {city}\n{person3} ; {email3} ; {phone3} ; {city}",
    # invoices
    "Facture {order} du {date}\nÉmetteur : {company} SAS, SIRET {siret}, TVA intracommunautaire {fr_vat}\n"
    "Client : {person}, {address}\nMontant TTC : {amount}\nRèglement par virement : IBAN {iban} BIC {bic}",
    "Rédige une relance pour la facture {order} ({amount}) adressée à {company}, société immatriculée au RCS "
    "sous le numéro {siren}. Interlocuteur : Mme {surname}, téléphone {phone}. Paiement sur le RIB {fr_rib}.",
    # support tickets
    "Ticket #{order_digits} – Bonjour, je m'appelle {person} et je n'arrive plus à me connecter depuis "
    "l'adresse IP {ip}. Mon identifiant est {email}. Pouvez-vous me rappeler au {phone} ? Merci d'avance.",
    "Le client {person} signale un double prélèvement sur sa carte {card} le {date}. Il demande le remboursement "
    "sur son IBAN {iban}. Version de l'application : {version}.",
    "Traduire en anglais : « Mon passeport n° {fr_passport} a été volé, mon numéro de sécurité sociale est "
    "{nir}. Je suis joignable au {phone}. » Signé {person}.",
    # EU identifiers in French prose
    "Dossier de {person}, ressortissant espagnol, DNI {es_dni}, et de son épouse italienne, codice fiscale "
    "{it_fiscal_code}. Adresse en France : {address}.",
    "Pour la paie belge de {person}, numéro de registre national {be_national_number}, IBAN {iban_be}.",
]

EN_TEMPLATES = [
    "Please summarise this HR note: {person} (date of birth: {dob}) joined {company} on {date}. "
    "National Insurance number: {uk_nino}. Salary paid to {iban_gb}. Manager: {person2}.",
    "Customer record\nName: {person}\nEmail: {email}\nPhone: {phone_intl}\nCard: {card}\n"
    "Last order {order} for {amount}. Notes: prefers contact by email.",
    "Draft a reply to {person}, who wrote from {email} about a failed payment with card {card}. "
    "Her SSN {us_ssn} was entered by mistake in the form; ask her to call us on {phone_intl}.",
    "Support ticket {order_digits}: user {person} cannot log in from IP {ip}. Contact: {email}. "
    "App version {version}, error at {timestamp}.",
    "Invoice {order}: bill to {person}, {company} Ltd. Please wire {amount} to IBAN {iban_de}, BIC {bic}. "
    "Questions: {person2}, {phone_intl}.",
    "Rewrite this reference letter: I have worked with {person} for five years at {company}. "
    "{first} is reliable and kind. You can reach me at {email2}. Regards, {person2}",
    "Employee onboarding: {person}, German tax ID (Steuer-ID) {de_tax_id}, Spanish NIE {es_nie}, "
    "starts on {date}. Home address abroad, phone {phone_intl}.",
]

FR_CLEAN = [
    "Peux-tu m'expliquer la différence entre un CDD et un CDI, et les règles de la période d'essai ?",
    "Rédige un paragraphe sur l'histoire de {city} pour une brochure touristique, ton chaleureux, 150 mots.",
    "Notre chiffre d'affaires a progressé de 12 % ; la commande {order_digits} ({amount}) est livrée. "
    "Référence ISBN {isbn}, version {version}, horodatage {timestamp}.",
    "Analyse ce log : {timestamp} INFO serveur {private_ip} démarré, version {version}, 4 workers. "
    "{timestamp} WARN latence 250 ms sur la commande {order}.",
    "Quelle est la meilleure façon d'organiser une réunion d'équipe hebdomadaire efficace ? Donne 5 conseils.",
    "Compare les offres cloud de {company} et de ses concurrents pour une PME de 50 salariés.",
]
EN_CLEAN = [
    "Explain the difference between a stack and a queue with a short example in plain English.",
    "Write a product description for our new hiking backpack, 100 words, friendly tone.",
    "Our Q3 revenue grew 8%; order {order_digits} shipped, invoice total {amount}, build {version}, "
    "logged at {timestamp}.",
    "What are the main obligations of a data controller under the GDPR? Keep it short.",
]
CODE_CLEAN = [
    "Pourquoi ce code plante ?\n```python\ndef total(items):\n    return sum(i.price * i.qty for i in items)\n\n"
    "print(total(load('orders.json')))  # version {version}\n```",
    "Refactor this:\n```js\nconst Customer = require('./models/Customer');\nasync function findByName(Name) {{\n"
    "  return Customer.findOne({{ where: {{ name: Name }} }});\n}}\nmodule.exports = {{ findByName }};\n```",
    "```java\npublic class InvoiceService {{\n    private final OrderRepository orders;\n    public Invoice build(Long id) "
    "{{\n        return new Invoice(orders.find(id), Instant.now());\n    }}\n}}\n```\nAjoute des tests unitaires.",
]


class Doc:
    """A text being built piece by piece, with the labelled spans."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.labels: list[dict[str, object]] = []
        self.pos = 0

    def add(self, s: str, label: str | None = None) -> None:
        if label:
            self.labels.append({"type": label, "start": self.pos, "end": self.pos + len(s)})
        self.parts.append(s)
        self.pos += len(s)


def render(template: str, rng: random.Random, lang: str) -> tuple[str, list[dict[str, object]]]:
    people = [(first_name(rng), surname(rng)) for _ in range(3)]
    plain = unlabelled(rng)
    labelled: dict[str, tuple[Callable[[], str], str]] = {
        "person": (lambda: " ".join(people[0]), "person"),
        "person2": (lambda: " ".join(people[1]), "person"),
        "person3": (lambda: " ".join(people[2]), "person"),
        "first": (lambda: people[0][0], "person"),
        "surname": (lambda: surname(rng), "person"),
        "surname2": (lambda: people[1][1], "person"),
        "nir": (lambda: fakes.nir(rng, corsica=rng.random() < 0.15), "nir"),
        "nir_spaced": (lambda: fakes.nir_spaced(fakes.nir(rng)), "nir"),
        "iban": (lambda: rng.choice([fakes.grouped, str])(fakes.iban(rng, "FR")), "iban"),
        "iban_be": (lambda: fakes.grouped(fakes.iban(rng, "BE")), "iban"),
        "iban_gb": (lambda: fakes.grouped(fakes.iban(rng, "GB")), "iban"),
        "iban_de": (lambda: fakes.iban(rng, "DE"), "iban"),
        "bic": (lambda: rng.choice(["BNPAFRPPXXX", "AGRIFRPP882", "SOGEFRPP", "DEUTDEFF500"]), "bic"),
        "phone": (lambda: fakes.fr_phone_formatted(rng, rng.randint(0, 3)), "phone"),
        "phone2": (lambda: fakes.fr_phone_formatted(rng, rng.randint(0, 3)), "phone"),
        "phone3": (lambda: fakes.fr_phone_formatted(rng, rng.randint(0, 3)), "phone"),
        "phone_intl": (lambda: rng.choice(["+44 20 7946 ", "+1 415-555-", "+49 30 9018 "]) +
                       "".join(rng.choice(string.digits) for _ in range(4)), "phone"),
        "email": (lambda: email_of(rng, *people[0]), "email"),
        "email2": (lambda: email_of(rng, *people[1]), "email"),
        "email3": (lambda: email_of(rng, *people[2]), "email"),
        "address": (lambda: address(rng), "postal_address"),
        "dob": (lambda: dob(rng, lang), "date_of_birth"),
        "card": (lambda: fakes.grouped(fakes.payment_card(rng, rng.choice(["visa", "mastercard"]))), "payment_card"),
        "siren": (lambda: fakes.siren(rng), "siren"),
        "siret": (lambda: fakes.siret(rng), "siret"),
        "fr_vat": (lambda: fakes.fr_vat(rng), "fr_vat"),
        "fr_id_card": (lambda: fakes.fr_id_card_old(rng), "fr_id_card"),
        "fr_passport": (lambda: fakes.fr_passport(rng), "fr_passport"),
        "fr_rib": (lambda: fakes.fr_rib(rng), "fr_rib"),
        "ip": (lambda: fakes.public_ipv4(rng), "ip_address"),
        "es_dni": (lambda: fakes.es_dni(rng), "es_dni"),
        "es_nie": (lambda: fakes.es_nie(rng), "es_nie"),
        "it_fiscal_code": (lambda: fakes.it_fiscal_code(rng), "it_fiscal_code"),
        "be_national_number": (lambda: fakes.be_national_number(rng), "be_national_number"),
        "de_tax_id": (lambda: fakes.de_tax_id(rng), "de_tax_id"),
        "uk_nino": (lambda: fakes.uk_nino(rng), "uk_nino"),
        "us_ssn": (lambda: fakes.us_ssn(rng), "us_ssn"),
    }
    doc = Doc()
    i = 0
    while i < len(template):
        if template.startswith("{{", i) or template.startswith("}}", i):
            doc.add(template[i])
            i += 2
            continue
        if template[i] == "{":
            j = template.index("}", i)
            key = template[i + 1:j]
            if key in labelled:
                make, label = labelled[key]
                doc.add(make(), label)
            else:
                doc.add(plain[key]())
            i = j + 1
            continue
        k = i
        while k < len(template) and template[k] not in "{}":
            k += 1
        doc.add(template[i:k])
        i = k
    return "".join(doc.parts), doc.labels


def build(seed: int, per_template: int) -> list[dict[str, object]]:
    rng = random.Random(seed)
    out: list[dict[str, object]] = []
    groups = [("fr", "pii", FR_TEMPLATES), ("en", "pii", EN_TEMPLATES), ("fr", "clean", FR_CLEAN),
              ("en", "clean", EN_CLEAN), ("fr", "code", CODE_CLEAN)]
    for lang, kind, templates in groups:
        for t_index, template in enumerate(templates):
            for n in range(per_template):
                text, labels = render(template, rng, lang)
                out.append({"id": f"{lang}-{kind}-{t_index:02d}-{n:02d}", "lang": lang, "kind": kind,
                            "text": text, "labels": labels})
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--per-template", type=int, default=8)
    p.add_argument("-o", "--output", type=Path, default=HERE / "corpus.jsonl")
    args = p.parse_args()
    docs = build(args.seed, args.per_template)
    with args.output.open("w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    n_labels = sum(len(d["labels"]) for d in docs)  # type: ignore[arg-type]
    print(f"{len(docs)} documents, {n_labels} labels -> {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
