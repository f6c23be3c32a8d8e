"""The C module of the source-code stage: the same blocks, runs and gate as the Python path, on real and hostile text."""

from __future__ import annotations

import json
import random
import shutil
import sysconfig
from pathlib import Path

import numpy as np
import pytest

from detectors import code_classifier, code_line_scores
from detectors.code_classifier import CodeBlock, find_blocks, runs
from detectors.code_line_scores import BLANK, fold, native
from detectors.code_lines import CODE_CHARS
from detectors.normalize import normalize

needs_native = pytest.mark.skipif(native is None, reason="detectors._codescan not built, or older than its source")

CORPUS = Path(__file__).resolve().parents[3] / "benchmarks" / "corpus" / "source_code" / "samples.jsonl"


def python_blocks(text: str, monkeypatch: pytest.MonkeyPatch) -> list[CodeBlock]:
    """find_blocks as it runs where the C module could not be built."""
    with monkeypatch.context() as m:
        m.setattr(code_classifier, "native", None)
        m.setattr(code_line_scores, "native", None)
        return find_blocks(text)


@pytest.mark.skipif(shutil.which("cc") is None or not Path(sysconfig.get_paths()["include"], "Python.h").exists(),
                    reason="no C compiler or no Python headers: the numpy path runs (setup.py)")
def test_the_module_is_built_from_this_source() -> None:
    # Where a compiler exists the install builds the module, and it must be built from the source in the tree:
    # code_line_scores does not use a module older than detectors/_codescan.c (it checks the hash built in).
    from detectors import _codescan

    assert native is not None, "detectors._codescan is not used: run make install"
    assert _codescan.SOURCE == code_line_scores.source_digest(), "_codescan.c changed since the build: make install"


@needs_native
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
    assert native.FENCED_CODE == round(code_classifier.FENCED_CODE * 4)
    assert native.MIN_FENCED_CODE_LINES == code_classifier.MIN_FENCED_CODE_LINES


@needs_native
def test_corpus_blocks_equal_the_python_path(monkeypatch: pytest.MonkeyPatch) -> None:
    found = 0
    for line in CORPUS.open(encoding="utf-8"):
        text = json.loads(line)["text"]
        for t in (text, normalize(text).text, text.replace("```", "")):
            blocks = find_blocks(t)
            assert blocks == python_blocks(t, monkeypatch)
            found += bool(blocks)
    assert found > 1000  # the comparison covered code, not only texts the gate turns away


@needs_native
def test_prose_and_capitals_through_the_gate_equal_the_python_path(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(3)
    words = ["SELECT", "FROM", "WHERE", "MOVE", "END-IF", "le", "projet", "avance", "A-B", "IBM", "x", "(", ")", ";",
             "=", "{", "}", "<", ">", "$", "[", "]", "é", "’", "\u00a0", "中", "\U0001f600"]
    for _ in range(3000):
        text = "\n".join(" ".join(rng.choice(words) for _ in range(rng.randrange(15))) for _ in range(rng.randrange(4, 12)))
        assert find_blocks(text) == python_blocks(text, monkeypatch)


@needs_native
def test_shouted_counts_as_the_regex() -> None:
    assert native is not None
    rng = random.Random(4)
    alphabet = [*"ABCZ-aé_ 1.É-", "SELECT", "END-IF", "A-", "--", "ÀB"]
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(30)))
        data = fold(text)
        if code_line_scores._SLOW not in data:
            assert native.shouted(data, 10**6) == len(code_classifier._SHOUTED.findall(text)), text


@needs_native
def test_runs_equal_the_numpy_runs() -> None:
    assert native is not None
    rng = random.Random(6)
    values = [BLANK, BLANK, -12, -10, -4, 0, 1, 2, 2, 5, 6, 6, 8, 10, 12]
    for _ in range(20000):
        q = np.array([rng.choice(values) for _ in range(rng.randrange(40))], dtype=np.int8)
        lo = rng.randrange(len(q) + 1)
        hi = rng.randrange(lo, len(q) + 1)
        assert native.runs(q, lo, hi) == runs(q, lo, hi)


@needs_native
def test_runs_refuses_lines_out_of_range() -> None:
    assert native is not None
    with pytest.raises(IndexError):
        native.runs(np.zeros(3, dtype=np.int8), 2, 4)


@needs_native
def test_configure_refuses_a_word_too_long_for_its_sets() -> None:
    assert native is not None
    try:
        with pytest.raises(ValueError, match="bytes"):
            native.configure([b"x" * 40], [], [], CODE_CHARS.encode())
    finally:
        code_line_scores.configure_native()


@needs_native
def test_configure_refuses_code_characters_the_module_was_not_built_for() -> None:
    # The gate's comparisons are compiled in: a CODE_CHARS edited without a rebuild must fail, not count wrong.
    assert native is not None
    try:
        with pytest.raises(ValueError, match="rebuild"):
            native.configure([], [], [], b"{}")
    finally:
        code_line_scores.configure_native()


@needs_native
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


CODE = "x = f(a, b);\nif (x > 1) {\n    y += x;\n}\nreturn y;\n"


@needs_native
@pytest.mark.parametrize("text", [
    f"```python\n{CODE}```\n",
    f"~~~\n{CODE}~~~\n",
    f"````js\n{CODE}```\n{CODE}````\n",            # a shorter run does not close
    f"```\n{CODE}~~~\n{CODE}```",                   # the other character does not close
    f"```js\n{CODE}```js\n{CODE}```\n",             # a run with an info string does not close
    f"    ```\n{CODE}    ```\n",                    # indented four: not a fence
    f"   ```c\n{CODE}   ```\n",                     # indented three: a fence
    f"```c `x`\n{CODE}```\n",                       # a backtick after the info: not a fence
    f"\t```C++\n{CODE}```",                         # the info as written, read case-insensitively
    f"```\n{CODE}",                                 # never closed
    f"Voici le code :\n```Rust\n{CODE}```\nEt la suite :\n{CODE}{CODE}",
    f"```\n```\n```\n{CODE}```\n",
    "```\n" + "\n" * 20 + "```",
])
def test_fences_are_paired_as_the_python_path(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert find_blocks(text) == python_blocks(text, monkeypatch)


@needs_native
def test_random_input_gives_the_python_path_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Random pieces, bytes and code points: no crash, and the same blocks as the Python path (run under
    AddressSanitizer by scripts/sanitize-codescan.sh)."""
    assert native is not None
    rng = random.Random(8)
    pieces = ["```", "~~~", "`", "~", "\n", " ", "\t", "(", ")", "[", "]", "{", "}", ";", ":", "=", "-", ">", "<",
              "$", "#", "@", "'", '"', "def ", "SELECT ", "END-IF.", "import x", "a", "Z", "é", "中", "\U0001f600",
              "\x00", "\x85", "\u2028", "•", "0", "12:00:00", "[ERROR]"]
    ascii_pieces = [p for p in pieces if p.isascii()]
    for i in range(2000):
        if i % 4 == 0:
            text = "".join(rng.choice(pieces) for _ in range(rng.randrange(1500)))
        elif i % 4 == 1:
            text = bytes(rng.randrange(256) for _ in range(rng.randrange(1500))).decode("latin-1")
        elif i % 4 == 2:  # ASCII is read in place, not folded: control characters and fences up to the last byte
            text = "".join(rng.choice(ascii_pieces) if rng.random() < 0.9 else chr(rng.randrange(128))
                           for _ in range(rng.randrange(1500))) + rng.choice(["", "`", "``", "```", "~~", "\x01"])
        else:
            width = rng.choice([399, 400, 401])
            text = "\n".join("".join(rng.choice(pieces) for _ in range(width))[:width] for _ in range(rng.randrange(1, 12)))
        assert find_blocks(text) == python_blocks(text, monkeypatch)
        data = fold(text)
        native.shouted(data, rng.randrange(100))
        q = bytes(rng.randrange(256) for _ in range(rng.randrange(60)))
        lo = rng.randrange(len(q) + 1)
        native.runs(q, lo, rng.randrange(lo, len(q) + 1))
