"""Fingerprints over a real code base (standard library + pip, 2,000+ files): disguised copies found, others not."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from detectors.errors import ConfigError
from detectors.fingerprint import MIN_CODE_MARKS, FingerprintStage
from detectors.fingerprint_index import FingerprintIndex, build_fingerprint_index
from detectors.fingerprint_tokens import code_marks
from detectors.normalize import normalize
from detectors.pipeline import EngineConfig, build_engine
from detectors.stage import Document
from gardefou.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
from fingerprint_samples import (
    disguise,
    fingerprint_roots,
    is_copy,
    other_code_roots,
    python_files,
    samples,
    stdlib_roots,
)


@pytest.fixture(scope="module")
def stdlib_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, FingerprintIndex]:
    path = tmp_path_factory.mktemp("fp") / "code.fp.npz"
    index, stats = build_fingerprint_index(fingerprint_roots())
    assert stats.files >= 2000
    index.save(path)
    return path, FingerprintIndex.load(path)


def test_disguised_excerpts_are_found(stdlib_index: tuple[Path, FingerprintIndex]) -> None:
    _, index = stdlib_index
    stage = FingerprintStage(index)
    rng = random.Random(11)
    found = 0
    pos = samples(python_files(stdlib_roots()), 200, 12)
    for src, ex in pos:
        want = str(src.resolve())
        # Code held alike by many files (generated codecs) names the best of them and the others.
        named = {f for m in stage.matches("Optimise :\n" + disguise(ex, rng)) for f in (m[0], *m[4])}
        found += any(index.files[f].path == want for f in named)
    assert found / len(pos) >= 0.9, f"{found} of {len(pos)}"


def test_code_held_by_many_files_names_one_and_counts_the_others(
        stdlib_index: tuple[Path, FingerprintIndex]) -> None:
    _, index = stdlib_index
    src = next(p for p in python_files(stdlib_roots()) if p.name == "euc_kr.py" and p.parent.name == "encodings")
    prompt = "Explique ce module :\n" + disguise(src.read_text(encoding="utf-8"), random.Random(3))
    findings = FingerprintStage(index).scan(Document(normalize(prompt)))
    assert len(findings) == 1 and int(findings[0].attribute("other_sources") or 0) >= 10
    assert "other indexed files holding the same code" in findings[0].explanation[0]


def test_prose_skips_the_code_stream(stdlib_index: tuple[Path, FingerprintIndex]) -> None:
    prose = ("Bonjour, pourriez-vous relire le compte rendu de la réunion de lundi ? Nous avons parlé du budget, "
             "des recrutements (deux postes) et du calendrier de livraison. ") * 20
    assert code_marks(prose) < MIN_CODE_MARKS
    assert FingerprintStage(stdlib_index[1]).matches(prose) == []


def test_other_code_bases_are_not_reported(stdlib_index: tuple[Path, FingerprintIndex]) -> None:
    _, index = stdlib_index
    stage = FingerprintStage(index)
    false_positives = 0
    neg = samples(python_files(other_code_roots()), 300, 13)
    for _, ex in neg:
        m = stage.matches(ex)
        if m and not is_copy(ex, Path(index.files[m[0][0]].path).read_text(encoding="utf-8", errors="replace")):
            false_positives += 1
    assert false_positives <= 0.01 * len(neg), false_positives


def test_finding_names_the_source_and_points_at_the_fragment(stdlib_index: tuple[Path, FingerprintIndex]) -> None:
    _path, index = stdlib_index
    src = next(p for p in python_files(stdlib_roots()) if p.name == "textwrap.py")
    lines = src.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if "def _split(self, text)" in line)
    fragment = "\n".join(lines[start:start + 15])
    prompt = "Bonjour, que fait cette méthode ?\n" + disguise(fragment, random.Random(1)) + "\nMerci"
    findings = FingerprintStage(index).scan(Document(normalize(prompt)))
    assert findings and findings[0].attribute("source") == str(src.resolve())
    f = findings[0]
    assert (f.category, f.type) == ("intellectual_property", "fingerprint_match")
    assert "Bonjour" not in prompt[f.start:f.end] and f.end > f.start


def test_index_holds_hashes_and_paths_only(stdlib_index: tuple[Path, FingerprintIndex]) -> None:
    path, _ = stdlib_index
    data = path.read_bytes()
    src = next(p for p in python_files(stdlib_roots()) if p.name == "textwrap.py")
    lines = [line.strip() for line in src.read_text(encoding="utf-8").splitlines() if len(line.strip()) > 25]
    assert len(lines) > 50
    assert not any(line.encode() in data for line in lines)
    assert str(src.resolve()).encode() in data  # the path is metadata the company chose to index


def test_incremental_rebuild_reads_only_changed_files(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "pkg").mkdir(parents=True)
    for i in range(5):
        (repo / "pkg" / f"m{i}.py").write_text(f"def f{i}(x):\n    return [y * {i} for y in range(x) if y % 2]\n" * 20)
    (repo / ".git").mkdir()
    (repo / ".git" / "ignored.py").write_text("x = 1\n")
    first, s1 = build_fingerprint_index([repo])
    assert (s1.files, s1.read, s1.reused) == (5, 5, 0)
    (repo / "pkg" / "m2.py").write_text("def changed(a, b):\n    return {k: v for k, v in zip(a, b)}\n" * 10)
    _second, s2 = build_fingerprint_index([repo], previous=first)
    assert (s2.files, s2.read, s2.reused) == (5, 1, 4)


def test_documents_are_matched_by_words(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    text = ("Le projet Hélios vise à réduire de trente pour cent la consommation énergétique des entrepôts "
            "logistiques de la région lyonnaise grâce à un pilotage prédictif des groupes froids, "
            "financé par la direction industrielle sur trois exercices budgétaires consécutifs.")
    (docs / "strategie.md").write_text("# Stratégie 2026\n\n" + text + "\n")
    (docs / "autre.txt").write_text("Compte rendu de la réunion du comité social et économique du mois de mars.\n")
    index, _ = build_fingerprint_index([docs])
    prompt = "Reformule ce paragraphe : " + text.upper().replace("é", "e").replace(",", "")
    findings = FingerprintStage(index).scan(Document(normalize(prompt)))
    assert [Path(f.attribute("source")).name for f in findings] == ["strategie.md"]
    assert findings[0].attribute("kind") == "text"
    assert FingerprintStage(index).scan(Document(normalize("Le projet avance bien, merci à tous."))) == []


def test_cli_builds_and_engine_loads(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    code = "\n".join(f"def handler_{i}(request, session):\n    user = session.get(request.user_id)\n"
                     f"    if user is None or not user.active:\n        raise PermissionError({i})\n"
                     f"    return [o.to_dict() for o in user.orders if o.total > {i * 10}]\n" for i in range(6))
    (repo / "api.py").write_text(code)
    out = tmp_path / "idx.npz"
    assert main(["index", "fingerprints", str(repo), "--out", str(out)]) == 0
    assert "1 files (1 read" in capsys.readouterr().out
    assert main(["index", "fingerprints", str(repo), "--out", str(out)]) == 0
    assert "0 read, 1 unchanged" in capsys.readouterr().out
    engine = build_engine(EngineConfig(fingerprint_index=out))
    findings = [f for f in engine.findings("Can you review this?\n" + code.replace("user", "u")) if
                f.type == "fingerprint_match"]
    assert [Path(f.attribute("source")).name for f in findings] == ["api.py"]


def test_bad_inputs_are_clear_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["index", "fingerprints", str(tmp_path / "nope"), "--out", str(tmp_path / "o.npz")]) == 2
    assert "no such file or directory" in capsys.readouterr().err
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"\x00" * 100)
    with pytest.raises(ConfigError, match=r"bad\.npz"):
        build_engine(EngineConfig(fingerprint_index=bad, source_code=False))
