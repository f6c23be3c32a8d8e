"""The fast line scores, in C and in numpy: the same numbers as `line_score`, line by line, on real and awkward text."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from detectors.code_line_scores import BLANK, fold, fold_numpy, native, quarters, quarters_numpy
from detectors.code_lines import line_score
from detectors.normalize import normalize

CORPUS = Path(__file__).resolve().parents[3] / "benchmarks" / "corpus" / "source_code" / "samples.jsonl"


def reference(text: str) -> list[tuple[int, int, float | None]]:
    """Lines as the classifier cuts them (no line after a final newline), each with `line_score`."""
    out = []
    pos = 0
    while pos < len(text):
        nl = text.find("\n", pos)
        end = len(text) if nl < 0 else nl
        out.append((pos, end, line_score(text[pos:end])))
        pos = end + 1
    return out


# Both fast paths: the C module (built by the install) and the numpy one that runs where no compiler was found.
IMPLEMENTATIONS = [
    pytest.param("c", marks=pytest.mark.skipif(native is None, reason="detectors._codescan was not built")),
    "numpy",
]


def fast(text: str, impl: str) -> list[tuple[int, int, float | None]]:
    if impl == "c":
        starts, ends, q = quarters(text)
    else:
        starts, ends, q = quarters_numpy(text, fold_numpy(text))
    return [(a, b, None if v == BLANK else v / 4) for a, b, v in zip(starts.tolist(), ends.tolist(), q.tolist(), strict=True)]


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
def test_every_line_of_the_corpus_scores_as_line_score(impl: str) -> None:
    for line in CORPUS.open(encoding="utf-8"):
        text = json.loads(line)["text"]
        for t in (text, normalize(text).text):
            assert fast(t, impl) == reference(t)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n",
        "x = 1\n\n",
        "   \n\t\n",
        "À faire cette semaine :\nNÉ LE 15 JANVIER 1622, MORT LE 17 FÉVRIER 1673.",
        "l’équipe — “urgent”\u00a0: œuvre…\n• point un\n• point deux",
        "\u0661\u0662 = f(x)\n\u4e2d\u6587 = 1;\n\U0001F600 = g();\n\u01c5x = 1\n\u2160 = 2\n",
        "a\x1cb = 1\nc\x85 d\ne\u3000f = g(h)\n\x0cdef f():\n\rreturn x;\n",
        "#!/bin/sh\n#include <x.h>\n# comment\n// c\n-- sql\n* item\n1. first\n- dash",
        "INPUT-OUTPUT SECTION.\n       MOVE WS-A TO WS-B.\n   END-IF.\nSTOP RUN.",
        "return;  x\nreturn x\nfrom a import b\nimport os, sys, re, json\nelse:\nif x:\n",
        "x" * 700 + "\n" + "a = b;" * 100,
    ],
    ids=["empty", "newline", "trailing", "blanks", "latin1", "typography", "non-latin", "odd-spaces", "shapes", "cobol",
         "keywords", "long"],
)
@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
def test_awkward_text_scores_as_line_score(text: str, impl: str) -> None:
    assert fast(text, impl) == reference(text)


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
def test_random_text_scores_as_line_score(impl: str) -> None:
    rng = random.Random(5)
    alphabet = list("abcXYZ019 _-=;{}()[]:.,'\"#/*!$@<>|&+\t\r\x0b\x0c\x1c\x00\x7f") + list(
        "éÉœ’•\u00a0\u2028\u0301ǅªⒶ٣中\x85\u3000ßİ\U0001f600‿")
    for _ in range(3000):
        text = "\n".join("".join(rng.choice(alphabet) for _ in range(rng.randrange(60))) for _ in range(rng.randrange(1, 8)))
        assert fast(text, impl) == reference(text)


# Pieces of every shape a line score tests: keywords, bare lines, log heads, list items, operators, assignments,
# calls with nested parentheses, block colons, prefixes; glued at random they reach the matchers' corner cases.
TOKENS = [
    "def", "class", "return", "return;", "import", "from", "select", "SELECT", "MOVE", "END-IF.", "}", "};", "end",
    "else:", "try:", "STOP RUN.", "(", ")", "((", "))", "->", "=", "==", "!=", ":=", "<-", "[", "]", "] [", "$", "@",
    "#include", "#if", "#", "#!", "INFO", "WARNING", "WARNINGS", "[ERROR]", "2024-01-01 12:00", "2024-01-01T12:00",
    "12:00:00", "Jan 12 10:00:00", "Jan 123 10:00:00", "1.2.3.4 - -", "1234.2.3.4 - -", "proc[12]:", "Content-Type: ",
    "X-A-Bc: ", "- ", "* ", "1. ", "12) ", "1234. ", "• ", " ", "  ", "\t", "x", "foo", "Bar", "BAZ", "a.b", "::",
    "a::b", "<?php", "END-x", "01 ", "01  WS-A", "Foo-Bar", "[a.b]$", "[]$", ",", ", ", "*", "+=", "<<=", "??=", "||=",
    "|=", "-=", "=>", "${", "$(", "--", "-- ", ";", ";;", "{", ":", ".", "?", "!", '"', "'", "REM ", "//", "/*", "*/",
    "é", "’", "c'est", "+ ", "1) ", "lorem ipsum dolor sit amet, consectetur", "Le projet avance bien", "def f(x) -> int:", "f() -> List[int], x:", ") :", "if x:", "class A(B):", "MOVE X TO Y.",
]


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
def test_code_shaped_random_text_scores_as_line_score(impl: str) -> None:
    rng = random.Random(11)
    gaps = ["", " ", "", "  ", "\t"]
    for _ in range(4000):
        lines = ["".join(rng.choice(TOKENS) + rng.choice(gaps) for _ in range(rng.randrange(12)))
                 for _ in range(rng.randrange(1, 6))]
        text = "\n".join(lines)
        assert fast(text, impl) == reference(text)


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
@pytest.mark.parametrize("width", [398, 399, 400, 401, 402])
def test_lines_at_the_length_limit_score_as_line_score(impl: str, width: int) -> None:
    rng = random.Random(width)
    for pieces in (["a(", ")", "(", "x"], ["a", " ", "=", "b"], ["f(", "g(", "))", "]["]):
        text = "\n".join("".join(rng.choice(pieces) for _ in range(width))[:width] for _ in range(20))
        assert fast(text, impl) == reference(text)


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
def test_thresholds_score_as_line_score(impl: str) -> None:
    """Lines around each length and density limit of `line_score` (30, 120 and 400 characters, 2% to 16%)."""
    lines = []
    def cut(s: str, n: int) -> str:
        return (s * (n // len(s) + 1))[:n - 1] + "x"  # exactly n characters, ending in a letter

    for n in range(26, 124):
        lines += [cut("ZZ-A ", n - 1) + ".", cut("le mot ", n), cut("Le mot ", n - 1) + ".", "x" * (n - 1) + ";",
                  cut("word ", n - 1) + "("]
    for sym in range(0, 40):
        lines.append("a" * (100 - sym) + "=" * sym)
    text = "\n".join(lines)
    assert fast(text, impl) == reference(text)


def test_fold_keeps_one_byte_per_character() -> None:
    for text in ("abc", "é\u00a0x", "中\U0001F600\ud800", "", "\u0100\uffff\ufffe"):
        assert len(fold(text)) == len(text)
        assert fold(text) == fold_numpy(text)
