"""Language guess for code blocks: one clear excerpt per language, prose, fence aliases."""

from __future__ import annotations

import pytest

from detectors.code_language import FENCE_ALIASES, GUESS_CHARS, guess_language

EXCERPTS = {
    "python": (
        "from pathlib import Path\n\n\nclass Inventory:\n    def __init__(self, root: Path) -> None:\n"
        "        self.items = []\n\n    def load(self, name):\n        if name is not None:\n"
        "            self.items.append(name)\n        elif not self.items:\n            raise ValueError(name)\n"
    ),
    "java": (
        "package com.example.shop;\n\nimport java.util.List;\n\npublic class Cart {\n"
        "    private final List<Item> items = new ArrayList<>();\n\n    @Override\n"
        "    public String toString() {\n        return \"Cart\" + items.size();\n    }\n}\n"
    ),
    "kotlin": (
        "data class Item(val name: String, val price: Double)\n\nfun total(items: List<Item>): Double {\n"
        "    val sum = items.sumOf { it.price }\n    println(\"total $sum\")\n    return sum\n}\n"
    ),
    "javascript": (
        "const fs = require('fs');\n\nfunction readConfig(path) {\n  const text = fs.readFileSync(path, 'utf8');\n"
        "  if (text === undefined) {\n    return null;\n  }\n  return JSON.parse(text);\n}\n\n"
        "module.exports = { readConfig };\n"
    ),
    "typescript": (
        "export interface User {\n  id: number;\n  name: string;\n}\n\n"
        "export function findUser(users: User[], id: number): User | undefined {\n"
        "  const found: User | undefined = users.find((u) => u.id === id);\n  return found;\n}\n"
    ),
    "c": (
        "#include <stdio.h>\n#include <stdlib.h>\n\nint main(void)\n{\n    char *buf = malloc(64);\n"
        "    if (buf == NULL)\n        return 1;\n    snprintf(buf, 64, \"%d\", 42);\n    printf(\"%s\\n\", buf);\n"
        "    free(buf);\n    return 0;\n}\n"
    ),
    "cpp": (
        "#include <vector>\n#include <iostream>\n\nnamespace shop {\ntemplate <typename T>\n"
        "T sum(const std::vector<T>& values) {\n    T total{};\n    for (auto v : values) total += v;\n"
        "    return total;\n}\n}  // namespace shop\n"
    ),
    "csharp": (
        "using System;\nusing System.Collections.Generic;\n\nnamespace Shop.Billing\n{\n"
        "    public class Invoice\n    {\n        public string Number { get; set; }\n\n"
        "        public void Print()\n        {\n            Console.WriteLine(Number);\n        }\n    }\n}\n"
    ),
    "go": (
        "package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n)\n\nfunc main() {\n\tdata, err := os.ReadFile(\"a.txt\")\n"
        "\tif err != nil {\n\t\tfmt.Println(err)\n\t\treturn\n\t}\n\tfmt.Println(len(data))\n}\n"
    ),
    "rust": (
        "use std::collections::HashMap;\n\n#[derive(Debug)]\npub struct Counter {\n    counts: HashMap<String, u32>,\n}\n\n"
        "impl Counter {\n    pub fn add(&mut self, word: &str) {\n        let mut n = self.counts.entry(word.to_string()).or_insert(0);\n"
        "        *n += 1;\n    }\n}\n"
    ),
    "php": (
        "<?php\n\nnamespace App\\Service;\n\nclass Mailer\n{\n    public function send($to, $subject)\n    {\n"
        "        $body = 'Hello ' . $to;\n        return $this->transport->deliver($to, $subject, $body);\n    }\n}\n"
    ),
    "sql": (
        "CREATE TABLE orders (\n    id INTEGER PRIMARY KEY,\n    customer VARCHAR(80) NOT NULL\n);\n\n"
        "SELECT customer, COUNT(*)\nFROM orders\nWHERE id > 10\nGROUP BY customer\nORDER BY customer;\n"
    ),
    "shell": (
        "#!/bin/bash\nset -e\n\nfor f in \"$@\"; do\n    if [ -f \"$f\" ]; then\n        echo \"found $f\"\n"
        "    fi\ndone\n\ncount=$(ls | wc -l)\necho \"${count} files\" && exit 0\n"
    ),
    "powershell": (
        "param(\n    [string]$Path = \".\"\n)\n\n$files = Get-ChildItem -Path $Path\n"
        "foreach ($f in $files) {\n    if ($f.Length -gt 1000) {\n        Write-Host $f.Name\n    }\n}\n"
    ),
    "cobol": (
        "       IDENTIFICATION DIVISION.\n       PROGRAM-ID. HELLO.\n       DATA DIVISION.\n"
        "       WORKING-STORAGE SECTION.\n       01 WS-COUNT PIC 9(4) VALUE 0.\n       PROCEDURE DIVISION.\n"
        "           MOVE 10 TO WS-COUNT.\n           DISPLAY WS-COUNT.\n           STOP RUN.\n"
    ),
    "abap": (
        "REPORT zdemo.\n\nDATA lt_items TYPE TABLE OF string.\nDATA lv_line TYPE string.\n\n"
        "LOOP AT lt_items INTO lv_line.\n  WRITE: / lv_line.\nENDLOOP.\n\nIF sy-subrc <> 0.\n  WRITE: / 'none'.\nENDIF.\n"
    ),
}


@pytest.mark.parametrize(("language", "block"), sorted(EXCERPTS.items()))
def test_guess_language_tells_each_language(language: str, block: str) -> None:
    assert guess_language(block) == language


@pytest.mark.parametrize("language", sorted(EXCERPTS))
def test_guess_language_same_answer_past_guess_chars(language: str) -> None:
    # A long block is read a piece at a time: repeating a clear excerpt must not change the answer.
    block = EXCERPTS[language]
    long_block = block * (GUESS_CHARS // len(block) + 3)
    assert guess_language(long_block) == language


@pytest.mark.parametrize("prose", [
    "Please find attached the minutes of our meeting.\nWe agreed to meet again next month.",
    "Merci pour votre retour rapide.\nJe reviens vers vous demain avec le devis signé.",
    "",
])
def test_guess_language_unknown_for_prose(prose: str) -> None:
    assert guess_language(prose) == "unknown"


@pytest.mark.parametrize(("info", "language"), [
    ("py", "python"), ("ts", "typescript"), ("c++", "cpp"), ("cs", "csharp"), ("golang", "go"), ("rs", "rust"),
    ("bash", "shell"), ("ps1", "powershell"), ("cbl", "cobol"), ("postgresql", "sql"),
])
def test_fence_aliases(info: str, language: str) -> None:
    assert FENCE_ALIASES[info] == language


def test_fence_aliases_name_known_languages() -> None:
    assert set(FENCE_ALIASES.values()) == set(EXCERPTS)


def test_guess_language_stops_once_the_lead_is_clear() -> None:
    # The first lines decide: Rust read further down would outvote them, but the scan has stopped by then.
    block = EXCERPTS["python"] + "\n" + EXCERPTS["rust"] * 3
    assert len(block) < GUESS_CHARS
    assert guess_language(block) == "python"
    assert guess_language(EXCERPTS["rust"] * 3) == "rust"


def test_guess_language_reads_a_base_language_to_the_end() -> None:
    # A clear C lead does not stop the scan: C++ constructs further down still make it C++.
    cpp_tail = "\nstd::vector<int> values;\ntemplate <typename T>\nT twice(T x) { return x + x; }\n"
    block = EXCERPTS["c"] * 2 + cpp_tail
    assert len(block) < GUESS_CHARS
    assert guess_language(EXCERPTS["c"] * 2) == "c"
    assert guess_language(block) == "cpp"


def test_guess_language_same_answer_from_any_thread() -> None:
    # Each thread scans with its own Hyperscan scratch space.
    from concurrent.futures import ThreadPoolExecutor

    blocks = sorted(EXCERPTS.items()) * 20
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(guess_language, [b for _, b in blocks]))
    assert got == [lang for lang, _ in blocks]
