"""False-positive filters: plain functions that say a captured value is not a real secret."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

import regex

# Values vendors publish in their documentation; real keys never contain these.
_DOCUMENTED = (
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "EXAMPLEKEY",
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    "xoxb-not-a-real-token",
)
_EXAMPLE_WORDS = regex.compile(
    r"(?i)example|sample|dummy|fake|placeholder|redacted|your[_-]?|my[_-]?(?:api|secret|token|key|pass)"
    r"|insert|replace|changeme|change_me|notreal|not[_-]a[_-]real"
)

_PLACEHOLDER = regex.compile(
    r"""(?ix)^(?:
        x{3,}|\*{3,}|\.{3,}|-{3,}|_{3,}|#{3,}|0{6,}|
        <[^>]*>|\[[^\]]*\]|\{[^}]*\}|
        (?:your|my|the|some|insert|put|enter)[_\- ]?(?:\w+[_\- ])?(?:api[_\- ]?)?
            (?:key|token|secret|password|pass|pwd|mdp|id|here)\w*|
        (?:password|passwd|pwd|secret|token|apikey|api_key|key|motdepasse|mdp)|
        (?:none|null|nil|undefined|true|false|empty|todo|tbd|n/?a)|
        (?:changeme|change_me|letmein|test|tests|testing|admin|root|user|username|demo|default)|
        (?:foobar|foo|bar|baz|qwerty|azerty)
    )$""",
)

# `${VAR}`, `{{ var }}`, `%(var)s`, `os.environ[...]`, `process.env.X`, `getenv(...)`, `$VAR`, `<%= %>`.
_TEMPLATE = regex.compile(
    r"""(?x)^(?:
        \$\{|\$\(|\{\{|\{%|%\(|<%|\$[A-Za-z_]|%[A-Za-z_]+%|
        (?:os\.)?(?:environ|getenv)\b|process\.env\b|System\.getenv|ENV\[|env\(|config\[|settings\.|secrets\.|vault:|
        !Ref\b|arn:aws:secretsmanager
    )""",
)

_UUID = regex.compile(r"(?i)^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_HASH = regex.compile(r"(?i)^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{56}|[0-9a-f]{64}|[0-9a-f]{96}|[0-9a-f]{128})$")

Filter = Callable[[str], bool]


def is_documented_example(value: str) -> bool:
    """Published example keys and values that spell out 'example', 'dummy', 'your key'..."""
    if any(d in value for d in _DOCUMENTED):
        return True
    return bool(_EXAMPLE_WORDS.search(value))


def is_placeholder(value: str) -> bool:
    """`xxxx`, `<token>`, `YOUR_KEY`, `changeme`, `***`: a slot for a secret, not a secret."""
    v = value.strip("'\"` ,;")
    return not v or bool(_PLACEHOLDER.match(v))


def is_template(value: str) -> bool:
    """A reference to where the secret lives (`${VAR}`, `os.environ[...]`), not the secret."""
    return bool(_TEMPLATE.match(value.strip("'\"` ")))


_RUN = regex.compile(r"([A-Za-z0-9])\1{5,}")


def is_repeated(value: str) -> bool:
    """Few distinct characters (`abababab`), or a long run of one (`sk-xxxxxxxxxxxx`, `tok_000000`).

    Six identical characters in a row are vanishingly rare in a random token, common in placeholders.
    """
    core = "".join(c for c in value if c.isalnum())
    if len(core) < 6:
        return False
    # Capped: a long random block (PEM body, session token) uses at most ~64 symbols however long it is.
    if len(set(core)) <= max(2, min(len(core) // 12, 10)):
        return True
    return bool(_RUN.search(value))


def is_sequential(value: str) -> bool:
    """Runs such as `abcdefgh`, `12345678`, `ABCDEF0123456789` covering most of the value."""
    core = "".join(c for c in value.lower() if c.isalnum())
    if len(core) < 6:
        return False
    steps = sum(1 for a, b in pairwise(core) if ord(b) - ord(a) in (1, -1))
    return steps >= 0.7 * (len(core) - 1)


# `user.password`, `self.cfg.token`, `req.body[`, `db_password`, `DB_PASSWORD`, `userPassword`: code, not a value.
_CODE_REFERENCE = regex.compile(
    r"""(?x)^(?:
        [A-Za-z_$][\w$]*(?:(?:\.|->|::)[A-Za-z_$][\w$]*)+[\[(]?|
        [A-Za-z_$][\w$]*[\[(]|
        _+[A-Za-z][\w$]*|
        _*[a-z][a-z0-9]*(?:_[a-z0-9]+)+|
        _*[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|
        _*[a-z]+(?:[A-Z][a-z]+)+|
        [A-Z][a-z]+(?:[A-Z][a-z]+)+
    )$""",
)


def is_code_reference(value: str) -> bool:
    """An identifier, attribute chain or call (`self.password`, `db_password`, `getToken(`): code, not a secret."""
    return bool(_CODE_REFERENCE.match(value.strip("'\"` ")))


# Letters cased like words or identifiers: `incorrect`, `Available`, `HTTPPasswordMgr`; not `fDRWMpXMynRJ`.
_WORDLIKE = regex.compile(r"(?:[A-Z]+|[A-Z]?[a-z]{2,})+")


def is_low_complexity(value: str) -> bool:
    """An ordinary word or identifier (letters cased like words), or a single class such as digits only."""
    letters = any(c.isalpha() for c in value)
    digits = any(c.isdigit() for c in value)
    symbols = any(not c.isalnum() for c in value)
    if letters and not digits and not symbols:
        return bool(_WORDLIKE.fullmatch(value))
    return letters + digits + symbols < 2


# Words and type names that stand where a password would: `pass`, `String`, `dbpassword`, `{0}`, `•••`.
_PLACEHOLDER_WORD = regex.compile(
    r"""(?ix)^(?:
        (?:my|your|the|db|user|admin|new|old|app|root|default)?[_\-]?(?:password|passwd|pass|pwd|mdp|motdepasse|secret|token|key)s?[0-9]{0,3}|
        string|str|text|bytes|option|optional|secretstr|secretbytes|secretstring|securestring|charfield|passwordfield|
        required|hidden|masked|redacted|omitted|removed|private|confidential|secure|unknown|undefined|
        \{[0-9]*\}|%s|\?|[*•·.xX?#]{3,}|ma_cl[eé]|mon_mot_de_passe|motdepasse[0-9]{0,3}
    )$""",
)


def is_placeholder_word(value: str) -> bool:
    """A word or type name standing where the secret would be (`pass`, `String`, `dbpassword`, `•••`)."""
    return bool(_PLACEHOLDER_WORD.match(value.strip("'\"` ")))


def is_weak_secret_shape(value: str) -> bool:
    """No digit or no letter: generated keys and tokens of 16+ characters almost always have both."""
    return not (any(c.isdigit() for c in value) and any(c.isalpha() for c in value))


def is_uuid(value: str) -> bool:
    return bool(_UUID.match(value))


def is_hash(value: str) -> bool:
    """Hex of a common digest length (MD5, SHA-1, SHA-2): usually a checksum or a commit id."""
    return bool(_HASH.match(value))


FILTERS: dict[str, Filter] = {
    "documented_example": is_documented_example,
    "placeholder": is_placeholder,
    "template": is_template,
    "repeated": is_repeated,
    "sequential": is_sequential,
    "uuid": is_uuid,
    "hash": is_hash,
    "code_reference": is_code_reference,
    "low_complexity": is_low_complexity,
    "placeholder_word": is_placeholder_word,
    "weak_secret_shape": is_weak_secret_shape,
}

# What credential rules get unless they list their own `filters`.
DEFAULT_CREDENTIAL_FILTERS = ("documented_example", "placeholder", "template", "repeated", "sequential")


def first_failing(value: str, names: tuple[str, ...]) -> str | None:
    """Name of the first filter that rejects the value, or None when the value passes all."""
    for name in names:
        if FILTERS[name](value):
            return name
    return None
