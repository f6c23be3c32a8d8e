"""ScanCache on the real engine: same findings as a fresh scan, bounded, keyed per process, safe across threads."""

from __future__ import annotations

import hashlib
import json
import secrets
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from detectors.engine import Engine
from detectors.finding import Confidence, Finding
from detectors.pipeline import EngineConfig, build_engine
from detectors.scan_cache import MAX_FINDINGS, MIN_CHARS, ScanCache

ROOT = Path(__file__).resolve().parents[2]
CODE = "\n".join(f"def total_{i}(lines):\n    return sum(x.price * x.qty for x in lines) + {i}" for i in range(4))


def _aws_key() -> str:
    return "AKIA" + "".join(secrets.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory) -> tuple[Engine, Engine]:
    """The default pipeline with a cache, and without."""
    cache = tmp_path_factory.mktemp("hs")
    return (build_engine(EngineConfig(cache_dir=cache, scan_cache=64)), build_engine(EngineConfig(cache_dir=cache)))


def _texts() -> list[str]:
    corpus = ROOT / "benchmarks" / "corpus" / "regulated" / "corpus.jsonl"
    prompts = [json.loads(line)["text"] for line in corpus.open(encoding="utf-8")][:40]
    return [*prompts, CODE, f"Pourquoi ce script échoue-t-il ? aws_access_key_id = {_aws_key()} merci d'avance."]


def test_a_text_scanned_again_gets_the_same_findings_from_the_cache(engines: tuple[Engine, Engine]) -> None:
    cached, plain = engines
    texts = [t for t in _texts() if len(t) >= MIN_CHARS]
    assert len(texts) > 20
    first = [cached.scan(t) for t in texts]
    again = [cached.scan(t) for t in texts]
    fresh = [plain.scan(t) for t in texts]
    assert not any(r.cached for r in first) and all(r.cached for r in again)
    assert [r.findings for r in again] == [r.findings for r in first] == [r.findings for r in fresh]
    assert any(r.findings for r in fresh)  # the comparison covers texts with findings, not only clean ones
    assert all(set(r.timings) == {"cache"} for r in again)  # no stage ran
    assert all("cache" in r.timings and "hyperscan" in r.timings for r in first)


def test_code_and_secrets_come_back_from_the_cache(engines: tuple[Engine, Engine]) -> None:
    cached, _ = engines
    leak = f"Voici ma config, aws_access_key_id = {_aws_key()} et la suite du message pour le contexte."
    for text, category in ((CODE, "source_code"), (leak, "credentials")):
        cached.scan(text)
        result = cached.scan(text)
        assert result.cached and category in {f.category for f in result.findings}


def test_short_texts_and_kept_documents_are_always_scanned(engines: tuple[Engine, Engine]) -> None:
    cached, _ = engines
    short = "Bonjour, peux-tu m'aider ?"
    assert len(short) < MIN_CHARS
    cached.scan(short)
    assert not cached.scan(short).cached
    cached.scan(CODE)
    kept = cached.scan(CODE, keep_document=True)
    assert not kept.cached and kept.document is not None


def test_one_character_more_is_another_text(engines: tuple[Engine, Engine]) -> None:
    cached, _ = engines
    text = f"Relis ce paragraphe et propose une version plus courte, s'il te plaît : {secrets.token_hex(8)}"
    cached.scan(text)
    assert not cached.scan(text + " ").cached
    assert not cached.scan(text[:-1]).cached
    assert cached.scan(text).cached


def test_each_scope_has_its_own_entries(engines: tuple[Engine, Engine]) -> None:
    """A hit is faster: a client must not learn by timing that another one just sent the same text."""
    cached, _ = engines
    text = f"Traduis ce paragraphe en anglais, en gardant le ton formel du courrier : {secrets.token_hex(8)}"
    cached.scan(text, scope="user:alice")
    assert not cached.scan(text, scope="user:bob").cached
    assert not cached.scan(text).cached
    assert cached.scan(text, scope="user:alice").cached and cached.scan(text, scope="user:bob").cached
    cache = ScanCache(4)
    assert cache.key("b" * 70, "a") != cache.key("b" * 70, "ab")  # the scope's length is in the key


def _key(cache: ScanCache, text: str) -> bytes:
    key = cache.key(text)
    assert key is not None
    return key


def _finding(i: int) -> Finding:
    return Finding("credentials", "t", "r", i, i + 1, Confidence.HIGH)


def test_entries_are_bounded_least_recently_used_first() -> None:
    cache = ScanCache(3)
    keys = [_key(cache, f"{i:04d}" * 20) for i in range(5)]
    for i, k in enumerate(keys[:3]):
        cache.put(k, (_finding(i),))
    assert cache.get(keys[0]) is not None  # used: the oldest is now keys[1]
    cache.put(keys[3], ())
    assert len(cache) == 3
    assert cache.get(keys[1]) is None
    assert cache.get(keys[0]) == (_finding(0),) and cache.get(keys[2]) is not None
    assert cache.get(keys[3]) == ()  # a clean text is remembered too


def test_findings_held_are_bounded_too() -> None:
    cache = ScanCache(100, findings=10)
    keys = [_key(cache, f"{i:04d}" * 20) for i in range(4)]
    for k in keys:
        cache.put(k, tuple(_finding(j) for j in range(4)))
    assert len(cache) == 2  # 8 findings held, a third entry would make 12
    huge = _key(cache, "x" * 100)
    cache.put(huge, tuple(_finding(j) for j in range(MAX_FINDINGS + 1)))
    assert cache.get(huge) is None  # too many to hold: scanned again next time


def test_keys_are_macs_under_a_key_of_each_cache() -> None:
    text = "Le contrat de prestation prévoit une revue trimestrielle des indicateurs de service."
    a, b = ScanCache(4), ScanCache(4)
    assert a.key(text) == a.key(text) != b.key(text)
    assert a.key(text) != hashlib.blake2b(text.encode(), digest_size=16).digest()  # not guessable without the key
    assert len(a.key(text) or b"") == 16 and a.key(text[:MIN_CHARS - 1]) is None
    with pytest.raises(ValueError, match="room"):
        ScanCache(0)


def test_threads_share_one_cache_and_get_the_same_findings(engines: tuple[Engine, Engine]) -> None:
    cached, plain = engines
    texts = [t for t in _texts() if len(t) >= MIN_CHARS][:30]
    expected = [plain.scan(t).findings for t in texts]
    with ThreadPoolExecutor(4) as pool:
        for _ in range(3):
            got = list(pool.map(lambda t: cached.scan(t).findings, texts * 4))
            assert got == expected * 4
    assert cached.cache is not None and cached.cache.hits > 0
