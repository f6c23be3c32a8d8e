"""The names stage with the real spaCy model through Presidio: persons found, noise filtered, cost bounded."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from detectors.engine import Engine
from detectors.names import NamesStage
from detectors.nlp import Entity, NerModel, shared_model
from detectors.normalize import normalize
from detectors.stage import Document


def persons(engine: Engine, text: str, minimum: int = 2) -> list[str]:
    return [text[f.start:f.end] for f in engine.findings(text) if f.type == "person" and f.confidence >= minimum]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Rendez-vous avec Mme Lefèvre demain matin.", "Lefèvre"),
        ("Bonjour, je suis Hélène Garnier et j'ai une question.", "Hélène Garnier"),
        ("Merci de rappeler M. Jean-Pierre Kerbrat avant midi.", "Jean-Pierre Kerbrat"),
        ("Cordialement,\nAiden Berfauri\nDRH", "Aiden Berfauri"),
        ("Nous confirmons l'embauche de Ophélie Dufauton au poste de comptable.", "Ophélie Dufauton"),
        ("Le dossier de Marie de la Tour est complet.", "Marie de la Tour"),
        ("Please call Jessica Hall about the renewal.", "Jessica Hall"),
        ("Dear Mr. Thornton, thank you for your order.", "Thornton"),
        ("Nom : Dylan Brabouton\nTéléphone : inconnu", "Dylan Brabouton"),
        ("Liste des présents : DUPONT Marie, KERBRAT Julien.", "DUPONT Marie"),
    ],
)
def test_person_found(names_engine: Engine, text: str, name: str) -> None:
    assert name in persons(names_engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "Appelez le service client avant 18h.",
        "Accentuer le contraste du logo sur la page d'accueil.",
        "Customer satisfaction is up this quarter.",
        "Madame, Monsieur,\nVeuillez trouver ci-joint le rapport.",
        "Le serveur redémarre chaque nuit à 3h.",
        "Écrivez à camille.durand@orange.fr pour le suivi.",
        "Livrer au 12 avenue Victor Hugo, 69003 Lyon.",
    ],
)
def test_noise_is_not_a_person(names_engine: Engine, text: str) -> None:
    assert persons(names_engine, text, minimum=1) == []


def test_acronym_is_not_an_uppercase_surname(names_engine: Engine) -> None:
    assert persons(names_engine, "Selon le RGPD Marie doit répondre.", minimum=1) == ["Marie"]


def test_email_is_never_part_of_a_person(names_engine: Engine) -> None:
    text = "Contact : Jean Dupont <jean.dupont@orange.fr>"
    found = names_engine.findings(text)
    email = next(f for f in found if f.type == "email")
    assert all(not (f.start < email.end and email.start < f.end) for f in found if f.type == "person")


def test_lone_first_name_is_low_unless_named_in_full(names_engine: Engine) -> None:
    lone = "Sophie a validé la maquette."
    assert [f.confidence.label for f in names_engine.findings(lone) if f.type == "person"] == ["low"]
    full = "Sophie Kerbrat est arrivée. Ensuite Sophie a validé la maquette."
    assert [f.confidence.label for f in names_engine.findings(full) if f.type == "person"] == ["medium", "medium"]


class CountingModel(NerModel):
    """The real, process-wide model, counting the texts it is asked to read."""

    def __init__(self) -> None:
        super().__init__()
        self.inner = shared_model()
        self.texts: list[str] = []

    def ensure_loaded(self) -> None:
        self.inner.ensure_loaded()

    def supports(self, language: str) -> bool:
        return self.inner.supports(language)

    def entities(self, text: str, language: str) -> list[Entity]:
        self.texts.append(text)
        return self.inner.entities(text, language)


@pytest.fixture(scope="module")
def counting() -> tuple[NamesStage, CountingModel]:
    model = CountingModel()
    return NamesStage(model=model), model


@pytest.mark.parametrize(
    ("text", "ner_calls"),
    [
        ("le serveur redémarre, aucune majuscule ici, 42 requêtes par seconde", 0),
        ("Rendez-vous avec Mme Lefèvre et Sophie Martin.", 0),  # honorific and gazetteer: no NER needed
        ("Nous confirmons l'embauche de Ophélie Dufauton au poste.", 1),
    ],
)
def test_ner_only_when_candidates_need_it(counting: tuple[NamesStage, CountingModel], text: str,
                                          ner_calls: int) -> None:
    stage, model = counting
    model.texts.clear()
    stage.scan(Document(normalize(text)))
    assert len(model.texts) == ner_calls
    assert sum(len(t) for t in model.texts) <= stage.settings.ner_budget


def test_ner_never_reads_code(counting: tuple[NamesStage, CountingModel]) -> None:
    stage, model = counting
    text = "Voici le code :\nclass Ophelie Dufauton extends Base {}\nMerci."
    doc = Document(normalize(text))
    doc.regions["code"] = [(16, 53)]
    model.texts.clear()
    found = stage.scan(doc)
    assert model.texts == [] and found == []


def test_concurrent_scans_match_sequential(names_engine: Engine) -> None:
    texts = [f"Le salarié Ophélie Dufauton {i} a écrit à Mme Lefèvre au sujet de Ilyès Boudu." for i in range(12)]
    expected = [names_engine.findings(t) for t in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(names_engine.findings, texts))
    assert got == expected


def test_scan_without_names_never_imports_spacy() -> None:
    code = ("import sys; from detectors.pipeline import EngineConfig, build_engine; "
            "build_engine(EngineConfig()).scan('Bonjour Sophie Martin, IBAN FR34 8196 7273 1778 4864 8876 634'); "
            "print('spacy' in sys.modules, 'presidio_analyzer' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
