"""Language guess for a block of source code: weighted votes of each language's telltale constructs."""

from __future__ import annotations

import threading

import hyperscan

# (language, pattern, weight): a construct found in the block gives its language `weight` votes per hit.
_SIGNS: tuple[tuple[str, tuple[str, ...], float], ...] = (
    ("python", (
        r"^\s*def \w+\(.*\)\s*(?:->.*)?:\s*$", r"^\s*(?:el)?if .*:\s*$", r"^\s*from [\w.]+ import ",
        r"^\s*import \w+\s*$", r"\bself\.", r"\bNone\b", r"\bTrue\b", r"\bFalse\b", r"^\s*@\w+", r"\belif\b",
        r"\bprint\(", r"^\s*class \w+(?:\(.*\))?:\s*$",
    ), 1.0),
    ("java", (
        r"\bpublic (?:final )?class\b", r"\bprivate (?:static )?(?:final )?\w+(?:<.*>)? \w+\s*[;=(]", r"@Override",
        r"\bSystem\.out\.", r"\bimport java\.", r"\bString\[\]", r"\bextends \w+\s*(?:implements|\{)",
        r"\bthrows \w+", r"\bpackage [\w.]+;", r"\bnew \w+(?:<.*>)?\(",
        r"\b(?:public|protected) (?:static )?\w+(?:<.*>)? \w+\(",
    ), 1.0),
    ("kotlin", (
        r"\bfun \w+\(", r"\bval \w+\s*[:=]", r"\bvar \w+\s*:\s*\w+", r"\bdata class\b", r"\bcompanion object\b",
        r"\bwhen \(", r"\?\.\w+", r"\bprintln\(", r"\boverride fun\b", r"\bobject \w+\s*\{", r"\bit\.\w+",
    ), 1.2),
    ("javascript", (
        r"\bconst \w+\s*=", r"\blet \w+\s*=", r"\bfunction\s*\w*\s*\(", r"=>", r"\brequire\(", r"\bconsole\.log\(",
        r"===", r"!==", r"\bmodule\.exports\b", r"\bexport (?:default|const|function)\b", r"\bdocument\.\w+",
        r"\bundefined\b", r"\bvar \w+ =",
    ), 0.8),
    ("typescript", (
        r"\binterface \w+\s*\{", r":\s*(?:string|number|boolean|void|any|unknown)\b", r"\bexport type\b",
        r"\bimplements \w+", r"\breadonly \w+:", r"<\w+>\(", r"\bas const\b", r"\benum \w+\s*\{", r"\bimport type\b",
        r"\w\??:\s*[A-Z]\w*(?:<[^>\n]*>)?(?:\[\])?\s*[,)=;|]", r"\):\s*\w+(?:<[^>\n]*>)?\s*(?:\{|=>)",
        r"<[A-Z](?:,\s*[A-Z])*>", r"\b(?:private|public|protected) (?:readonly )?\w+\??:",
    ), 1.0),
    ("c", (
        r'^\s*#include\s*[<\"]\w+\.h[>\"]', r"\bprintf\(", r"\bmalloc\(", r"\bfree\(", r"->", r"\bstruct \w+\s*\{",
        r"\bNULL\b", r"\bsizeof\(", r"\b(?:static |const |unsigned )*(?:int|char|void|long|size_t)\s+\*?\w+\s*[(=;]",
        r"^\s*#define\b",
    ), 0.8),
    ("cpp", (
        r"\bstd::", r"\btemplate\s*<", r"\bnamespace \w+", r"\bcout\b", r"#include <\w+>", r"\bnullptr\b",
        r"\bclass \w+\s*(?::\s*public)?", r"\bvirtual\b", r"::\w+\(", r"\bauto \w+\s*=", r"\bconst \w+&",
    ), 1.0),
    ("csharp", (
        r"\busing System", r"\bnamespace [\w.]+", r"\bConsole\.Write", r"\{\s*get;", r"\bset;\s*\}",
        r"\basync Task\b", r"\bvar \w+ = new", r"\bpublic (?:static |override |async )*\w+(?:<.*>)? \w+\(",
        r"\bstring\b", r"\b(?:List|Dictionary)<", r"\[\w+\]$", r"\bforeach \(var\b", r"\.Length\b",
    ), 1.0),
    ("go", (
        r"^\s*package \w+\s*$", r"\bfunc (?:\(\w+ \*?\w+\) )?\w+\(", r":=", r"\bfmt\.\w+", r"\berr != nil\b",
        r"\bgo func\b", r"\bchan\b", r"\bdefer\b", r"^import \(", r"\bstruct \{", r"\[\]\w+", r"\bnil\b",
    ), 1.0),
    ("rust", (
        r"\bfn \w+", r"\blet mut\b", r"\bimpl\b", r"\bpub fn\b", r"\buse std::", r"\bmatch \w+", r"\bSome\(",
        r"\bNone\b", r"\bOk\(", r"\bErr\(", r"&mut\b", r"\.unwrap\(\)", r"::new\(", r"&self\b", r"&'\w+",
        r"\bpub(?:\(crate\))? ", r"\bmut \w+", r"#\[derive", r"\bpub struct\b", r"\bSelf\b",
        r"\b[iu](?:8|16|32|64|size)\b", r"&str\b", r"\bmacro_rules!",
    ), 1.0),
    ("php", (
        r"<\?php", r"\$this->", r"\$\w+\s*=.*;\s*$", r"\bfunction \w+\(.*\$", r"\becho \$", r"->\w+\(",
        r"\bnamespace [\w\\]+;", r"\buse [\w\\]+;", r"\barray\(",
    ), 1.0),
    ("sql", (
        r"(?i:\bselect\b.*\bfrom\b)", r"(?i:\binsert into\b)",
        r"(?i:\bcreate (?:or replace )?(?:table|view|function|index)\b)", r"(?i:\bupdate \w+ set\b)",
        r"(?i:\b(?:inner |left |right )?join\b.*\bon\b)", r"(?i:\bgroup by\b)", r"(?i:\border by\b)",
        r"(?i:\bwhere\b.*=)", r"(?i:\bvarchar\b)", r"(?i:\bprimary key\b)", r"(?i:\bdelete from\b)",
        r"(?i:\balter table\b)", r"(?i:\breturns\b)", r"(?i:\blanguage (?:c|sql|plpgsql)\b)",
        r"(?i:^\s*(?:in|out|inout) \w+ \w+)",
        r"(?i:\bcreate (?:function|operator|type|aggregate|extension|schema)\b)",
        r"(?i:\bdrop (?:function|table|view|operator|index)\b)", r"(?i:\bgrant \w+ on\b)", r"(?i:\brevoke\b)",
    ), 1.2),
    ("shell", (
        r"^#!/bin/(?:ba)?sh", r"^\s*fi\s*$", r"^\s*then\s*$", r"^\s*done\s*$", r"\besac\b", r"\$\(", r"\$\{\w+",
        r"\bexport \w+=", r"^\s*if \[", r'\becho \"', r"\s-[a-z]\s", r"\|\s*(?:grep|sed|awk|xargs)\b", r"&&",
        r"\b(?:local|readonly) \w+=", r"\$[0-9#@?]",
    ), 0.8),
    ("powershell", (
        r"\$_\b", r"\b(?:Get|Set|New|Remove|Write|Import|Invoke|Test|Add|Start|Stop)-[A-Z]\w+", r"\bparam\s*\(",
        r"-(?:eq|ne|lt|gt|le|ge|like|match|and|or|not)\b", r"\[(?:string|int|switch|bool|array)\]\$", r"\$\w+:",
        r"\bForEach-Object\b", r"\bWrite-Host\b", r"\$true\b", r"\$false\b", r"\$null\b", r"^\s*\$\w+\s*=[^;\n]*$",
        r"\$(?:env|PS\w+|Is\w+|input|args)\b",
    ), 1.3),
    ("cobol", (
        r"\b(?:IDENTIFICATION|ENVIRONMENT|DATA|PROCEDURE) DIVISION\b", r"\bWORKING-STORAGE\b",
        r"\bPIC(?:TURE)? [X9SV(]", r"\bMOVE .+ TO\b", r"\bPERFORM\b", r"\bEND-(?:IF|PERFORM|EVALUATE)\b",
        r"\bPROGRAM-ID\b", r"\bSTOP RUN\b", r"^\s*\d\d\s+[A-Z][\w-]+",
    ), 1.5),
    ("abap", (
        r"^\s*(?:DATA|TYPES|CONSTANTS)(?::|\s+\w+\s+TYPE)\b", r"\bREPORT \w+\.", r"\bLOOP AT\b", r"\bENDLOOP\.",
        r"\bSELECT .* INTO (?:TABLE|@)", r"\bWRITE:", r"\bENDIF\.", r"\bMETHOD \w+\.", r"\bENDMETHOD\.",
        r"\bTYPE REF TO\b", r"\bFIELD-SYMBOLS\b", r"\bsy-\w+", r"\bCALL FUNCTION\b", r"\bAPPEND .* TO\b",
        r"\bENDFORM\.", r"\bREAD TABLE\b",
    ), 1.5),
)


def _compile() -> tuple[hyperscan.Database, list[int], list[float]]:
    """One Hyperscan database for every sign; a match of sign i votes weights[i] for languages[i]."""
    exprs: list[bytes] = []
    flags: list[int] = []
    langs: list[int] = []
    weights: list[float] = []
    for li, (_lang, alts, weight) in enumerate(_SIGNS):
        for alt in alts:
            f = hyperscan.HS_FLAG_MULTILINE | hyperscan.HS_FLAG_SINGLEMATCH
            if alt.startswith("(?i:") and alt.endswith(")"):
                alt, f = alt[4:-1], f | hyperscan.HS_FLAG_CASELESS
            exprs.append(alt.encode())
            flags.append(f)
            langs.append(li)
            weights.append(weight)
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    db.compile(expressions=exprs, ids=list(range(len(exprs))), elements=len(exprs), flags=flags)
    return db, langs, weights


_DB, _LANG_OF, _WEIGHT_OF = _compile()
_LOCAL = threading.local()


def _scratch() -> hyperscan.Scratch:
    s = getattr(_LOCAL, "scratch", None)
    if s is None:
        s = _LOCAL.scratch = hyperscan.Scratch(_DB)
    return s


# Markdown fence info strings to canonical language names.
FENCE_ALIASES = {
    "py": "python", "python3": "python", "python": "python", "java": "java", "kt": "kotlin", "kotlin": "kotlin",
    "js": "javascript", "javascript": "javascript", "jsx": "javascript", "node": "javascript", "ts": "typescript",
    "tsx": "typescript", "typescript": "typescript", "c": "c", "h": "c", "cpp": "cpp", "c++": "cpp", "cc": "cpp",
    "hpp": "cpp", "cs": "csharp", "csharp": "csharp", "c#": "csharp", "go": "go", "golang": "go", "rs": "rust",
    "rust": "rust", "php": "php", "sql": "sql", "plsql": "sql", "postgresql": "sql", "mysql": "sql", "sh": "shell",
    "bash": "shell", "shell": "shell", "zsh": "shell", "console": "shell", "ps1": "powershell",
    "powershell": "powershell", "pwsh": "powershell", "cobol": "cobol", "cbl": "cobol", "abap": "abap",
}


# A superset language wins over its base when its own constructs show up at all.
_SUPERSETS = {"javascript": "typescript", "c": "cpp"}


GUESS_CHARS = 1500  # enough lines to tell the language; the guess stays cheap on a whole pasted file


def guess_language(block: str) -> str:
    """The language with most weighted votes in `block`, or "unknown" when nothing is telling."""
    if len(block) > GUESS_CHARS:
        cut = block.find("\n", GUESS_CHARS)
        block = block[:cut] if cut > 0 else block
    votes = [0.0] * len(_SIGNS)

    def on_match(sign: int, _from: int, _to: int, _flags: int, _ctx: object) -> None:
        votes[_LANG_OF[sign]] += _WEIGHT_OF[sign]

    _DB.scan(block.encode("utf-8", "surrogatepass"), match_event_handler=on_match, scratch=_scratch())
    scores = {lang: votes[i] for i, (lang, _, _) in enumerate(_SIGNS)}
    best = max(scores, key=lambda lang: scores[lang])
    if scores[best] <= 0:
        return "unknown"
    sup = _SUPERSETS.get(best)
    if sup and scores[sup] >= 2:
        return sup
    return best
