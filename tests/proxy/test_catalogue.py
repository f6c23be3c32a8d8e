"""Service catalogue: the shipped files load, host lookup (wildcards, ports, case), errors with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from detectors.errors import ConfigError
from proxy.adapters import ADAPTER_NAMES
from proxy.catalogue import DEFAULT_DIR, STATUSES, Catalogue, host_problem, load_catalogue


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.mark.parametrize("file", sorted(DEFAULT_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_file_loads_alone(file: Path) -> None:
    assert len(load_catalogue(file)) > 0


def test_size_and_fields(catalogue: Catalogue) -> None:
    assert len(catalogue) >= 40
    assert len(catalogue.hosts()) >= 80
    for service in catalogue.services:
        assert service.adapter in ADAPTER_NAMES
        assert service.status in STATUSES and service.status != "sanctioned"  # sanctioning is the policy's call
        assert not host_problem(service.hosts[0])


@pytest.mark.parametrize(
    ("host", "service"),
    [
        ("api.openai.com", "openai-api"),
        ("API.OpenAI.COM", "openai-api"),
        ("api.openai.com:443", "openai-api"),
        ("api.openai.com.", "openai-api"),
        ("chatgpt.com", "chatgpt"),
        ("ab.chatgpt.com", "chatgpt"),
        ("a.b.chatgpt.com", "chatgpt"),
        ("chat.openai.com", "chatgpt"),
        ("files.oaiusercontent.com", "chatgpt"),
        ("acme-prod.openai.azure.com", "azure-openai"),
        ("acme.cognitiveservices.azure.com:8443", "azure-openai"),
        ("acme.services.ai.azure.com", "azure-openai"),
        ("generativelanguage.googleapis.com", "gemini-api"),
        ("europe-west9-aiplatform.googleapis.com", "vertex-ai"),
        ("aiplatform.googleapis.com", "vertex-ai"),
        ("gemini.google.com", "gemini-web"),
        ("bard.google.com", "gemini-web"),
        ("notebooklm.google.com", "notebooklm"),
        ("copilot.microsoft.com", "microsoft-copilot"),
        ("substrate.office.com", "m365-copilot"),
        ("api.githubcopilot.com", "github-copilot"),
        ("api.business.githubcopilot.com", "github-copilot"),
        ("proxy.individual.githubcopilot.com", "github-copilot"),
        ("copilot-proxy.githubusercontent.com", "github-copilot"),
        ("api.anthropic.com", "anthropic-api"),
        ("claude.ai", "claude"),
        ("api.mistral.ai", "mistral-api"),
        ("codestral.mistral.ai", "mistral-api"),
        ("chat.mistral.ai", "le-chat"),
        ("api.perplexity.ai", "perplexity-api"),
        ("www.perplexity.ai", "perplexity"),
        ("api.deepseek.com", "deepseek-api"),
        ("chat.deepseek.com", "deepseek-chat"),
        ("huggingface.co", "huggingchat"),
        ("router.huggingface.co", "huggingface-inference"),
        ("grok.com", "grok"),
        ("api.x.ai", "xai-api"),
        ("api.cohere.com", "cohere-api"),
        ("api.groq.com", "groq-api"),
        ("bedrock-runtime.eu-west-3.amazonaws.com", "aws-bedrock"),
        ("bedrock-runtime-fips.us-east-1.amazonaws.com", "aws-bedrock"),
        ("[2001:db8::1]:443", None),
        ("10.0.0.1", None),
        ("example.com", None),
        ("openai.com", None),
        ("azure.com", None),
        ("aiplatform.googleapis.com.evil.example", None),
        ("evilopenai.azure.com", None),
        ("api.githubcopilot.com.evil.example", None),
        ("bedrock.eu-west-3.amazonaws.com", None),  # the control plane is not a prompt path
        ("s3.eu-west-3.amazonaws.com", None),
        ("x.y.githubcopilot.com", None),
        ("-aiplatform.googleapis.com", None),
        ("", None),
    ],
)
def test_lookup(catalogue: Catalogue, host: str, service: str | None) -> None:
    found = catalogue.lookup(host)
    assert (found.id if found else None) == service


def test_get_by_id(catalogue: Catalogue) -> None:
    service = catalogue.get("mistral-api")
    assert service is not None and service.vendor == "Mistral AI" and service.adapter == "mistral"
    assert catalogue.get("nope") is None


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("api.example.com", ""),
        ("*.example.com", ""),
        ("*-aiplatform.googleapis.com", ""),
        ("api.*.githubcopilot.com", ""),
        ("*.com", "at least two fixed labels"),
        ("api.*.com", "at least two fixed labels"),
        ("*", "at least two fixed labels"),
        ("**.example.com", "only one"),
        ("*.*.example.com", "only one"),
        ("a*b*.example.com", "only one"),
        ("*foo.example.com", ""),
        ("*_x.example.com", "malformed wildcard"),
        ("API.example.com", "lowercase"),
        ("api.example.com:443", "no port"),
        ("https://api.example.com", "no port"),
        ("api..example.com", "empty label"),
        ("-api.example.com", "malformed label"),
        ("localhost", "at least two labels"),
    ],
)
def test_host_problem(pattern: str, problem: str) -> None:
    if problem:
        assert problem in host_problem(pattern)
    else:
        assert host_problem(pattern) == ""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """\
services:
  - id: a
    name: A
    vendor: V
    hosts: [a.example.com]
    adapter: openai
    status: tolerated
"""


def test_all_problems_listed_with_lines(tmp_path: Path) -> None:
    _write(tmp_path, "a.yaml", GOOD)
    _write(tmp_path, "b.yaml", """\
services:
  - id: a
    name: Dup
    vendor: V
    hosts: [b.example.com]
    adapter: openai
    status: tolerated
  - id: c
    name: C
    vendor: V
    hosts:
      - c.example.com
      - "*.com"
    adapter: nope
    status: approved
    colour: red
  - id: d
    name: D
    vendor: V
    hosts: [a.example.com]
    adapter: generic
    status: unsanctioned
  - just a string
""")
    with pytest.raises(ConfigError) as e:
        load_catalogue(tmp_path)
    found = {(Path(p.file).name, p.line, p.field) for p in e.value.problems}
    assert found == {
        ("b.yaml", 2, "id"),  # duplicate id
        ("b.yaml", 13, "hosts"),  # malformed wildcard, on its own line
        ("b.yaml", 14, "adapter"),
        ("b.yaml", 15, "status"),
        ("b.yaml", 16, "colour"),
        ("b.yaml", 20, "hosts"),  # host already taken by a.yaml's service
        ("b.yaml", 23, ""),  # not a mapping
    }
    text = str(e.value)
    assert "7 configuration problem(s)" in text and "rule c" in text and "unknown adapter 'nope'" in text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("services: [\n", "YAML syntax error"),
        ("- a\n- b\n", "mapping with a `services:` list"),
        ("services: {}\n", "mapping with a `services:` list"),
        ("services:\n  - id: Bad Id\n    name: x\n    vendor: v\n    hosts: [a.b.c]\n    adapter: openai\n"
         "    status: tolerated\n", "lowercase letters"),
        ("services:\n  - id: x\n    name: ''\n    vendor: v\n    hosts: []\n    adapter: openai\n"
         "    status: tolerated\n", "non-empty"),
        ("services:\n  - id: x\n    name: n\n    vendor: v\n    hosts: [3]\n    adapter: openai\n"
         "    status: tolerated\n    notes: [1]\n", "must be a string"),
    ],
)
def test_file_errors(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, "x.yaml", text)
    with pytest.raises(ConfigError) as e:
        load_catalogue(path)
    assert message in str(e.value)
    assert all(p.file == str(path) for p in e.value.problems)


def test_empty_directory(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no catalogue file"):
        load_catalogue(tmp_path)


def test_most_specific_pattern_wins(tmp_path: Path) -> None:
    path = _write(tmp_path, "x.yaml", GOOD.replace("[a.example.com]", '["*.example.com"]') + """\
  - id: b
    name: B
    vendor: V
    hosts: ["*.api.example.com", "eu.example.com"]
    adapter: generic
    status: unsanctioned
""")
    cat = load_catalogue(path)
    assert [cat.lookup(h).id for h in ("x.example.com", "x.api.example.com", "eu.example.com")] == ["a", "b", "b"]
    assert cat.lookup("example.com") is None
