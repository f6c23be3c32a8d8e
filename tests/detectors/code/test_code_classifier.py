"""The source-code stage: code blocks found with their language, prose, lists, logs and commands left alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detectors.code_classifier import CodeClassifier, find_blocks
from detectors.code_lines import CODE, line_score
from detectors.normalize import normalize
from detectors.stage import Document

CORPUS = Path(__file__).resolve().parents[3] / "benchmarks" / "corpus" / "source_code" / "samples.jsonl"

PYTHON = '''def load(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    if not data:
        raise ValueError("empty file")
    return {k: v for k, v in data.items() if v}
'''
JAVA = '''public class Greeter {
    private final String name;

    public Greeter(String name) {
        this.name = name;
    }

    @Override
    public String toString() {
        return "Hello " + name;
    }
}
'''
GO = '''package main

import "fmt"

func main() {
	total := 0
	for i := 0; i < 10; i++ {
		total += i
	}
	fmt.Println(total)
}
'''
SQL = '''SELECT c.id, c.name, SUM(o.total) AS revenue
FROM customers c
JOIN orders o ON o.customer_id = c.id
WHERE o.created_at >= '2024-01-01'
GROUP BY c.id, c.name
ORDER BY revenue DESC
LIMIT 20;
'''
SHELL = '''#!/bin/sh
set -e
for f in *.log; do
  if [ -s "$f" ]; then
    gzip -9 "$f"
  fi
done
echo "done"
'''
COBOL = '''       PROCEDURE DIVISION.
       MAIN-PARA.
           OPEN INPUT EMPLOYEE-FILE
           PERFORM UNTIL WS-EOF = "Y"
               READ EMPLOYEE-FILE
                   AT END MOVE "Y" TO WS-EOF
               END-READ
           END-PERFORM
           CLOSE EMPLOYEE-FILE
           STOP RUN.
'''
RUST = '''use std::collections::HashMap;

pub fn count_words(text: &str) -> HashMap<&str, usize> {
    let mut counts = HashMap::new();
    for word in text.split_whitespace() {
        *counts.entry(word).or_insert(0) += 1;
    }
    counts
}
'''


@pytest.mark.parametrize(
    ("text", "language"),
    [(PYTHON, "python"), (JAVA, "java"), (GO, "go"), (SQL, "sql"), (SHELL, "shell"), (COBOL, "cobol"), (RUST, "rust")],
)
def test_unfenced_code_is_one_block_with_its_language(text: str, language: str) -> None:
    prompt = f"Peux-tu corriger ce code ?\n\n{text}\nMerci d'avance."
    blocks = find_blocks(prompt)
    assert len(blocks) == 1
    blk = blocks[0]
    assert blk.language == language
    assert not blk.fenced
    assert prompt[blk.start:blk.end].strip() == text.strip()


def test_fenced_block_of_three_lines_counts_and_takes_the_fence_language() -> None:
    prompt = "Regarde :\n```js\nconst a = require('a');\nconst b = a.parse(x);\nmodule.exports = { b };\n```\nMerci"
    blocks = find_blocks(prompt)
    assert [(b.fenced, b.language) for b in blocks] == [(True, "javascript")]
    assert prompt[blocks[0].start:blocks[0].end].startswith("```js")


@pytest.mark.parametrize(
    "text",
    [
        "Bonjour Marie,\nJe te confirme la réunion de demain à 10 h avec l'équipe commerciale.\n"
        "Nous ferons le point sur le budget, les recrutements et le planning du deuxième trimestre.\n"
        "Pense à apporter les chiffres de septembre et la présentation du client.\n"
        "Si tu as un empêchement, préviens-moi avant ce soir.\nÀ demain,\nPaul",
        "Dear team,\nThe quarterly review is scheduled for Thursday afternoon in the main room.\n"
        "Please bring your updated forecasts and the list of open risks for your projects.\n"
        "We will also discuss the hiring plan for next year and the new travel policy.\n"
        "Let me know if you cannot attend.\nBest regards,\nAnna",
        "Ordre du jour :\n- validation du budget 2025\n- point sur les recrutements\n- migration du serveur de fichiers\n"
        "- formation RGPD des managers\n- questions diverses\n- date de la prochaine réunion",
        "2025-03-12 14:02:11,120 INFO billing: request completed in 120 ms\n"
        "2025-03-12 14:02:12,004 WARN billing: retrying job 44 (attempt 2/5)\n"
        "2025-03-12 14:02:13,870 ERROR billing: connection refused to 10.0.3.4:5432\n"
        "2025-03-12 14:02:14,001 INFO auth: user marie logged in\n"
        "2025-03-12 14:02:15,310 INFO worker: cache miss for key orders:881\n"
        "2025-03-12 14:02:16,442 ERROR worker: timeout after 30s waiting for upstream",
        "Quand je lance `docker compose up -d --build` j'ai une erreur, une idée ?",
        "ModuleNotFoundError: No module named 'pandas'\nJe l'ai pourtant installé hier avec pip, je ne comprends pas.",
        "docker run --rm -p 8080:80 -v $(pwd)/site:/usr/share/nginx/html nginx:1.27",
    ],
    ids=["prose-fr", "prose-en", "list", "log", "inline-command", "error-message", "one-command"],
)
def test_not_code(text: str) -> None:
    assert find_blocks(text) == []


@pytest.mark.parametrize(
    ("line", "is_code"),
    [
        ("    return {k: v for k, v in data.items()}", True),
        ("if (x == null) {", True),
        ("}", True),
        ("SELECT id, name FROM customers", True),
        ("MOVE WS-A TO WS-B.", True),
        ("Nous ferons le point sur le budget et les recrutements du trimestre.", False),
        ("- point sur les recrutements", False),
        ("2025-03-12 14:02:11 INFO server started", False),
        ("Select the file you want to open in the dialog and click on the button.", False),
    ],
)
def test_line_score(line: str, is_code: bool) -> None:
    score = line_score(line)
    assert score is not None
    assert (score >= CODE) is is_code


def test_stage_reports_original_offsets_and_records_code_regions() -> None:
    # Non-ASCII look-alikes before the code shift normalised offsets: the finding must point into the original.
    text = "Voici le code — “urgent” :\n\n" + PYTHON + "\nMerci"
    doc = Document(normalize(text))
    findings = CodeClassifier().scan(doc)
    assert len(findings) == 1
    f = findings[0]
    assert (f.category, f.type, f.attribute("language")) == ("source_code", "source_code", "python")
    assert text[f.start:f.end].strip() == PYTHON.strip()
    assert doc.regions["code"] == [(f.start, f.end)]


def test_engine_runs_the_stage(engine) -> None:  # type: ignore[no-untyped-def]
    findings = [f for f in engine.findings("Explique :\n" + JAVA) if f.category == "source_code"]
    assert [f.attribute("language") for f in findings] == ["java"]


def test_corpus_f1_is_at_least_095() -> None:
    tp = fp = fn = 0
    for line in CORPUS.open(encoding="utf-8"):
        s = json.loads(line)
        predicted = bool(find_blocks(s["text"]))
        actual = s["label"] == "code"
        tp += predicted and actual
        fp += predicted and not actual
        fn += actual and not predicted
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert 2 * precision * recall / (precision + recall) >= 0.95, (precision, recall)


@pytest.mark.parametrize("tail", ["", "\n", "x" * 40])
def test_language_of_a_long_block_reads_what_guess_language_reads(tail: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # The classifier trims a long block before copying it: guess_language must get the part it would have read.
    from detectors import code_classifier
    from detectors.code_language import GUESS_CHARS

    seen: list[str] = []
    monkeypatch.setattr(code_classifier, "guess_language", lambda block: seen.append(block) or "x")
    text = "Voici le code :\n" + JAVA * 40 + "std::vector<int> v;\n" + tail
    assert len(text) > 2 * GUESS_CHARS
    for start, end in ((16, len(text)), (16, 16 + GUESS_CHARS + 3), (0, len(text) - 5), (16, 17 + GUESS_CHARS)):
        block = text[start:end]
        cut = block.find("\n", GUESS_CHARS) if len(block) > GUESS_CHARS else -1
        code_classifier._language(text, start, end)
        assert seen.pop() == (block[:cut] if cut > 0 else block)
