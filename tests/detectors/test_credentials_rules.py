"""Credentials rule pack: tricky cases through the full engine, validators, filters, and the labelled-corpus accuracy."""

from __future__ import annotations

import base64
import importlib.util
import json
import random
import string
import sys
import zlib
from pathlib import Path

import pytest

from detectors.filters import FILTERS, is_repeated
from detectors.rule_pass import _UNBOUNDED, max_width, regex_flags
from detectors.ruleset import RULES_DIR, load_rules, rule_files
from detectors.validators import get

ROOT = Path(__file__).resolve().parents[2]
_rng = random.Random(99)
AN = string.ascii_letters + string.digits
B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase


def _rand(chars: str, n: int) -> str:
    return "".join(_rng.choice(chars) for _ in range(n))


def _github(prefix: str = "ghp") -> str:
    """GitHub/npm format: 30 random base62 characters, then their CRC32 in base62 (digits, upper, lower)."""
    body = _rand(AN, 30)
    n, out = zlib.crc32(body.encode()), ""
    while n:
        n, r = divmod(n, 62)
        out = B62[r] + out
    return f"{prefix}_{body}{out.rjust(6, '0')}"


# Fabricated values of the right shape, built at import so every run sees the same ones.
OPENAI = "sk-proj-" + _rand(AN, 40) + "T3BlbkFJ" + _rand(AN, 40)
STRIPE = "sk_live_" + _rand(AN, 32)
GHP = _github()
GHP_BAD = GHP[:-1] + ("a" if GHP[-1] != "a" else "b")
ANTHROPIC = "sk-ant-api03-" + _rand(AN, 93) + "AA"
AKIA = "AKIA" + _rand("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
PG_PASS = _rand(AN, 18)


def _jwt() -> str:
    def enc(d: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip("=")

    return f"{enc({'alg': 'HS256', 'typ': 'JWT'})}.{enc({'sub': '4821', 'role': 'ops'})}.{_rand(AN, 43)}"


JWT = _jwt()


def _cred(engine, text: str):  # type: ignore[no-untyped-def]
    return [f for f in engine.findings(text) if f.category == "credentials"]


# (text, rule expected or None for "no credentials finding at all", substring the span must cover)
CASES = [
    pytest.param(f"OPENAI_API_KEY={OPENAI}", "credentials.openai.api_key", OPENAI, id="openai-plain"),
    pytest.param("clé : " + OPENAI.replace("-", "\u2011", 1), "credentials.openai.api_key", None, id="openai-non-breaking-hyphen"),
    pytest.param("key " + OPENAI[:12] + "\u200b" + OPENAI[12:30] + "\u200b" + OPENAI[30:], "credentials.openai.api_key", None,
                 id="openai-zero-width-spaces"),
    pytest.param("\u0410" + AKIA[1:] + " est la clé", "credentials.aws.access_key", None, id="aws-cyrillic-A"),
    pytest.param(f"api_key = \"{STRIPE}\"", "credentials.stripe.secret_key", STRIPE, id="stripe-inside-generic-assignment"),
    pytest.param(f"password: {GHP}", "credentials.github.pat", GHP, id="github-inside-password-assignment"),
    pytest.param(f"git clone https://{GHP}@github.com/acme/api.git", "credentials.github.pat", GHP, id="github-in-url"),
    pytest.param(f"ANTHROPIC_API_KEY={ANTHROPIC}", "credentials.anthropic.api_key", ANTHROPIC, id="anthropic"),
    pytest.param(f"DATABASE_URL=postgresql://app:{PG_PASS}@db.internal:5432/crm", "credentials.database.postgres_uri", PG_PASS,
                 id="postgres-password-only"),
    pytest.param(f"Authorization: Bearer {JWT}", None, JWT, id="jwt-bearer"),
    pytest.param("mon mot de passe est Tr0ub4dor&3, merci", "credentials.password.prose_fr", "Tr0ub4dor&3", id="fr-prose"),
    pytest.param("Identifiant : jdupont / mot de passe : Soleil2024!", "credentials.password.prose_fr", "Soleil2024!", id="fr-identifiant"),
    pytest.param("the admin password is Winter2026! until Friday", "credentials.password.prose_en", "Winter2026!", id="en-prose"),
    # Nothing to report:
    pytest.param("OPENAI_API_KEY=sk-proj-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", None, None, id="openai-placeholder"),
    pytest.param(f"GITHUB_PAT {GHP_BAD}", None, None, id="github-bad-checksum"),
    pytest.param("GITHUB_TOKEN=${GITHUB_TOKEN}", None, None, id="env-template"),
    pytest.param("api_key = os.environ['OPENAI_API_KEY']", None, None, id="os-environ"),
    pytest.param("password: ********", None, None, id="masked"),
    pytest.param("aws_access_key_id = AKIAIOSFODNN7EXAMPLE", None, None, id="aws-documented-example"),
    pytest.param("le mot de passe doit contenir 12 caractères", None, None, id="fr-policy"),
    pytest.param("Mon mot de passe est incorrect, que faire ?", None, None, id="fr-ordinary-word"),
    pytest.param("password = get_password(user)", None, None, id="call"),
    pytest.param("password: String,", None, None, id="type-annotation"),
    pytest.param("DATABASE_URL=postgres://user:password@localhost/app", None, None, id="db-placeholder"),
    pytest.param("curl -H 'Authorization: Bearer <ACCESS_TOKEN>' https://api.acme.fr", None, None, id="bearer-placeholder"),
    pytest.param("commit 3f9a1c2e8b7d6f5a4c3b2a1908f7e6d5c4b3a291 fixes the token refresh", None, None, id="git-sha"),
    pytest.param("request 0b6e4f1c-2a3d-4c5b-8e9f-a1b2c3d4e5f6 failed", None, None, id="uuid"),
]


@pytest.mark.parametrize(("text", "rule", "covers"), CASES)
def test_tricky_cases(engine, text: str, rule: str | None, covers: str | None) -> None:  # type: ignore[no-untyped-def]
    found = _cred(engine, text)
    if rule is None and covers is None:
        assert found == [], [(f.rule, f.start, f.end) for f in found]
        return
    # One finding per secret: a generic rule and a specific one on the same value are merged.
    assert len(found) == 1, [(f.rule, f.start, f.end) for f in found]
    f = found[0]
    if rule is not None:
        assert f.rule == rule
    if covers is not None:
        assert text[f.start:f.end] == covers
    else:
        # Spans point into the original text, invisible and look-alike characters included.
        span = text[f.start:f.end]
        assert len(span) >= 20 and not span[0].isspace() and not span[-1].isspace()


def test_zero_width_span_maps_to_original(engine) -> None:  # type: ignore[no-untyped-def]
    text = "key " + OPENAI[:12] + "\u200b" + OPENAI[12:] + " end"
    (f,) = _cred(engine, text)
    assert text[f.start:f.end].replace("\u200b", "") == OPENAI


def test_github_checksum_validator() -> None:
    check = get("github_checksum")
    assert check(GHP) and check(_github("npm"))
    assert not check(GHP_BAD)
    assert not check("ghp_" + "A" * 36)


def test_structure_validators() -> None:
    assert get("basic_auth")(base64.b64encode(b"svc:S3cr3t!x").decode())
    assert not get("basic_auth")(base64.b64encode(b"no colon here").decode())
    body = "\\n".join(_rand(AN + "+/", 64) for _ in range(4))
    assert get("pem_escaped")(f"-----BEGIN PRIVATE KEY-----\\n{body}\\n-----END PRIVATE KEY-----\\n")
    assert not get("pem_escaped")("-----BEGIN PRIVATE KEY-----\\n...\\n-----END PRIVATE KEY-----")


@pytest.mark.parametrize(("name", "value", "rejected"), [
    ("code_reference", "self.password", True),
    ("code_reference", "_unquote_userinfo", True),
    ("code_reference", "DB_PASSWORD", True),
    ("code_reference", "Tr0ub4dor&3", False),
    ("low_complexity", "incorrect", True),
    ("low_complexity", "Soleil2024!", False),
    ("low_complexity", "HTTPPasswordMgr", True),
    ("low_complexity", "fDRWMpXMynRJ", False),
    ("placeholder_word", "String", True),
    ("placeholder_word", "dbpassword", True),
    ("placeholder_word", "Kx82!pLm", False),
    ("weak_secret_shape", "abcdefghijklmnopqrst", True),
    ("weak_secret_shape", "a8f3k2m9q1w7e5r4t6y0", False),
])
def test_filters(name: str, value: str, rejected: bool) -> None:
    assert FILTERS[name](value) is rejected


def test_repeated_filter_keeps_long_random_blocks() -> None:
    block = _rand(AN + "+/", 1200)
    assert not is_repeated(block.replace("AAAAAA", "AbAbAb"))
    assert is_repeated("x" * 40)


def test_pack_size_and_patterns_stay_fast() -> None:
    """At least 150 rules, each bounded so the confirm step never rescans a prompt from offset 0."""
    rules = [r for r in load_rules(rule_files(RULES_DIR / "credentials")) if r.category == "credentials"]
    assert len(rules) >= 150
    assert len({r.family for r in rules}) >= 30
    for r in rules:
        assert max_width(r.pattern, regex_flags(r)) < _UNBOUNDED, r.id
        assert r.examples and r.negative_examples, r.id


def _load_eval():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("eval_credentials", ROOT / "benchmarks" / "eval_credentials.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up while the class is built
    spec.loader.exec_module(mod)
    return mod


def test_corpus_reaches_precision_and_recall_targets(engine) -> None:  # type: ignore[no-untyped-def]
    """Accuracy check on the labelled corpus (not a timing assert): precision and recall >= 0.97 overall."""
    ev = _load_eval()
    items = ev.load(ev.CORPUS)
    labels = [lab for it in items for lab in it["labels"]]
    assert len(items) >= 400 and len(labels) >= 300 and len({lab["family"] for lab in labels}) >= 40
    rep = ev.evaluate(engine, items)
    assert rep.overall.precision >= 0.97, rep.errors[:20]
    assert rep.overall.recall >= 0.97, rep.errors[:20]
