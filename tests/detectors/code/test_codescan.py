"""The C module of the source-code stage: the same blocks, runs and gate as the Python path, on real and hostile text."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest

from detectors import code_classifier, code_line_scores
from detectors.code_classifier import CodeBlock, find_blocks, runs
from detectors.code_line_scores import BLANK, fold, native
from detectors.normalize import normalize

pytestmark = pytest.mark.skipif(native is None, reason="detectors._codescan was not built (no C compiler)")

CORPUS = Path(__file__).resolve().parents[3] / "benchmarks" / "corpus" / "source_code" / "samples.jsonl"


def python_blocks(text: str, monkeypatch: pytest.MonkeyPatch) -> list[CodeBlock]:
    """find_blocks as it runs where the C module could not be built."""
    with monkeypatch.context() as m:
        m.setattr(code_classifier, "native", None)
        m.setattr(code_line_scores, "native", None)
        return find_blocks(text)


def test_the_module_is_built_by_the_install() -> None:
    # scripts/install.sh refuses an install without it; this says so again where the tests run.
    assert native is not None


def test_constants_match_the_python_ones() -> None:
    assert native is not None
    assert native.BLANK == BLANK
    assert native.SLOW == code_line_scores._SLOW
    assert native.UNSEEN == code_line_scores._UNSEEN
    assert native.CODE == round(code_classifier.CODE * 4)
    assert native.COMMENT == round(code_classifier.COMMENT * 4)
    assert native.MIN_LINES == code_classifier.MIN_LINES
    assert native.MAX_GAP == code_classifier._MAX_GAP
    assert native.LONG_LINE == 400


def test_corpus_blocks_equal_the_python_path(monkeypatch: pytest.MonkeyPatch) -> None:
    found = 0
    for line in CORPUS.open(encoding="utf-8"):
        text = json.loads(line)["text"]
        for t in (text, normalize(text).text, text.replace("```", "")):
            blocks = find_blocks(t)
            assert blocks == python_blocks(t, monkeypatch)
            found += bool(blocks)
    assert found > 1000  # the comparison covered code, not only texts the gate turns away


def test_prose_and_capitals_through_the_gate_equal_the_python_path(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(3)
    words = ["SELECT", "FROM", "WHERE", "MOVE", "END-IF", "le", "projet", "avance", "A-B", "IBM", "x", "(", ")", ";",
             "=", "{", "}", "<", ">", "$", "[", "]", "é", "’", "\u00a0", "中", "\U0001f600"]
    for _ in range(3000):
        text = "\n".join(" ".join(rng.choice(words) for _ in range(rng.randrange(15))) for _ in range(rng.randrange(4, 12)))
        assert find_blocks(text) == python_blocks(text, monkeypatch)


def test_shouted_counts_as_the_regex() -> None:
    assert native is not None
    rng = random.Random(4)
    alphabet = [*"ABCZ-aé_ 1.É-", "SELECT", "END-IF", "A-", "--", "ÀB"]
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(30)))
        data = fold(text)
        if code_line_scores._SLOW not in data:
            assert native.shouted(data, 10**6) == len(code_classifier._SHOUTED.findall(text)), text


def test_runs_equal_the_numpy_runs() -> None:
    assert native is not None
    rng = random.Random(6)
    values = [BLANK, BLANK, -12, -10, -4, 0, 1, 2, 2, 5, 6, 6, 8, 10, 12]
    for _ in range(20000):
        q = np.array([rng.choice(values) for _ in range(rng.randrange(40))], dtype=np.int8)
        lo = rng.randrange(len(q) + 1)
        hi = rng.randrange(lo, len(q) + 1)
        assert native.runs(q, lo, hi) == runs(q, lo, hi)


def test_runs_refuses_lines_out_of_range() -> None:
    assert native is not None
    with pytest.raises(IndexError):
        native.runs(np.zeros(3, dtype=np.int8), 2, 4)


def test_configure_refuses_a_word_too_long_for_its_sets() -> None:
    assert native is not None
    try:
        with pytest.raises(ValueError, match="bytes"):
            native.configure([b"x" * 40], [], [], b"{}")
    finally:
        code_line_scores.configure_native()


@pytest.mark.parametrize("text", [
    "a(" * 200_000,                                     # one line of 400,000 characters
    ("a(" * 199 + "b\n") * 2_000,                       # lines of 399 characters, all opening
    ("f(g(h(x)))" * 39 + "\n") * 2_000,                 # nesting deeper than a call, at the length limit
    ("]" + " " * 398 + "\n") * 2_000,                   # an operator search that reads to the end of each line
    "\n" * 500_000,                                     # blank lines only
    ("x = 1;\n" * 6 + "```\n") * 5_000,                 # fences everywhere: the Python path
])
def test_hostile_text_is_handled_as_the_python_path(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert find_blocks(text) == python_blocks(text, monkeypatch)
