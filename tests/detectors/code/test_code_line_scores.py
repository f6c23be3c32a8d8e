"""The vectorised line scores: the same numbers as `line_score`, line by line, on real and awkward text."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import pytest

from detectors.code_line_scores import fold, line_scores
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


def vectorised(text: str) -> list[tuple[int, int, float | None]]:
    starts, ends, scores = line_scores(text)
    return [(a, b, None if math.isnan(v) else v) for a, b, v in zip(starts.tolist(), ends.tolist(), scores.tolist(), strict=True)]


def test_every_line_of_the_corpus_scores_as_line_score() -> None:
    for line in CORPUS.open(encoding="utf-8"):
        text = json.loads(line)["text"]
        for t in (text, normalize(text).text):
            assert vectorised(t) == reference(t)


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
def test_awkward_text_scores_as_line_score(text: str) -> None:
    assert vectorised(text) == reference(text)


def test_random_text_scores_as_line_score() -> None:
    rng = random.Random(5)
    alphabet = list("abcXYZ019 _-=;{}()[]:.,'\"#/*!$@<>|&+\t\r\x0b\x0c\x1c\x00\x7f") + list(
        "éÉœ’•\u00a0\u2028\u0301ǅªⒶ٣中\x85\u3000ßİ\U0001f600‿")
    for _ in range(3000):
        text = "\n".join("".join(rng.choice(alphabet) for _ in range(rng.randrange(60))) for _ in range(rng.randrange(1, 8)))
        assert vectorised(text) == reference(text)


def test_fold_keeps_one_byte_per_character() -> None:
    for text in ("abc", "é\u00a0x", "中\U0001F600\ud800", ""):
        assert len(fold(text)) == len(text)
