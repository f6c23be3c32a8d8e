"""Language guess for a block of source code: weighted votes of each language's telltale constructs."""

from __future__ import annotations

import threading

import hyperscan

# (language, weight, patterns): each construct found in the block gives its language `weight` votes, once.
_SIGNS: tuple[tuple[str, float, tuple[str, ...]], ...] = (
    ("python", 1.0, (
        r"^[ \t]*(?:el)?if [^\n]*:[ \t]*$", r"\bself\.", r"\bNone\b", r"\bTrue\b", r"\bFalse\b", r"^[ \t]*@\w+",
        r"\bprint\(", r"\):[ \t]*$", r"^[ \t]*except\b", r"\braise \w+", r"\bisinstance\(", r"\bis not\b",
        r"\bnot in\b", r"__\w+__", r"\blambda\b", r"^[ \t]*for \w+(?:, \w+)* in \w", r'"""',
    )),
    ("python", 2.0, (
        r"^[ \t]*def \w+\(", r"^[ \t]*from [\w.]+ import ", r"^[ \t]*import \w+(?:\.\w+)*(?: as \w+)?[ \t]*$",
        r"^[ \t]*class \w+(?:\([^\n]*\))?:[ \t]*$", r"^[ \t]*elif\b",
    )),
    ("java", 1.0, (
        r"\bprivate (?:static )?(?:final )?\w+(?:<[^\n]*>)? \w+ *[;=(]", r"\bthrows \w+", r"\bnew \w+(?:<[^\n]*>)?\(",
        r"\b(?:public|protected) (?:static )?(?:final )?\w+(?:<[^\n]*>)? \w+\(", r"\bfinal \w+(?:<[^\n]*>)? \w+ =",
        r"\bboolean \w+", r"\bString \w+ *[=;,)]", r"\.equals\(", r"\b(?:Array|Linked)?List<", r"\b(?:Hash)?Map<",
        r"\) -> ", r"\bextends \w+", r"\binstanceof \w+", r"\bsynchronized\b",
    )),
    ("java", 2.0, (
        r"\bpublic (?:final |abstract )?class\b", r"@Override", r"\bSystem\.(?:out|err)\.", r"^import java\.",
        r"\bString\[\]", r"^package [\w.]+;", r"@(?:Deprecated|SuppressWarnings|FunctionalInterface)\b",
    )),
    ("kotlin", 1.2, (
        r"\bval \w+ *[:=]", r"\bvar \w+ *: *\w+", r"\bwhen \(", r"\?\.\w+", r"\bprintln\(", r"\bobject \w+ *\{",
        r"\bit\.\w+", r"\?: ",
    )),
    ("kotlin", 2.4, (r"\bfun \w+\(", r"\bdata class\b", r"\bcompanion object\b", r"\boverride fun\b")),
    ("javascript", 0.8, (
        r"\bconst \w+ *=", r"\blet \w+ *=", r"\bfunction *\w* *\(", r"=> ", r"\bconsole\.log\(", r"===", r"!==",
        r"\bexport (?:default|const|function)\b", r"\bdocument\.\w+", r"\bundefined\b", r"\bvar \w+ =",
        r"\.then\(", r"\btypeof \w+", r"\.prototype\.",
    )),
    ("javascript", 1.6, (
        r"\brequire\(['\"]", r"\bmodule\.exports\b", r"\bexports\.\w+ =", r"\bJSON\.(?:parse|stringify)\(",
        r"\bimport \{[^}\n]*\} from ['\"]", r"\basync function\b", r"\bnew Promise\(",
    )),
    ("typescript", 1.0, (
        r": (?:string|number|boolean|void|any|unknown|never)\b", r"\bimplements \w+", r"\breadonly \w+\??:",
        r"<\w+>\(", r"\bas const\b", r"\benum \w+ *\{", r"\):[ \t]*\w+(?:<[^>\n]*>)?(?:\[\])?[ \t]*(?:\{|=>)",
        r"<[A-Z](?:, ?[A-Z])*>", r"\(\w+\??: [\w<\[{]", r"\w\)?: [A-Z]\w*(?:<[^>\n]*>)?(?:\[\])?\) =>",
        r"\bas (?:any|unknown|string|number|[A-Z]\w*)\b", r"\w!\.",
    )),
    ("typescript", 2.0, (
        r"\binterface \w+(?:<[^>\n]*>)? *\{", r"\bexport (?:type|interface)\b", r"\bimport type\b",
        r"\b(?:private|public|protected) (?:readonly )?\w+\??:", r"\b(?:const|let|var) \w+: \w",
        r"^[ \t]*type \w+(?:<[^>\n]*>)? = ",
    )),
    ("c", 0.8, (
        r"\bprintf\(", r"\bfree\(", r"->", r"\bstruct \w+ *\{", r"\bNULL\b", r"\bsizeof\(",
        r"\b(?:static |const |unsigned )*(?:int|char|void|long|size_t)\s+\*?\w+\s*[(=;]", r"^[ \t]*#define\b",
        r"^[ \t]*#(?:ifdef|ifndef|endif|if)\b", r"\bstruct \w+ \*\w+", r"\bunsigned\b", r"\w+_t\b",
    )),
    ("c", 1.6, (
        r'^[ \t]*#include *[<"]\w+\.h[>"]', r"\bmalloc\(",
        r"\b(?:memcpy|memset|strlen|strcmp|strchr|fprintf|snprintf)\(",
    )),
    ("cpp", 1.0, (
        r"\bnamespace \w+", r"\bcout\b", r"\bnullptr\b", r"\bvirtual\b", r"::\w+\(", r"\bauto \w+ *=",
        r"\bconst \w+&", r"\w+::\w+", r"\binline\b", r"(?:^|[^$\w])this->", r"\bbool\b", r"\boperator\W",
        r"^[ \t]*(?:public|private|protected):",
    )),
    ("cpp", 2.0, (
        r"\bstd::", r"\btemplate *<", r"^[ \t]*#include <\w+>", r"\btypename\b", r"\bconstexpr\b", r"\bnoexcept\b",
        r"\b(?:static|dynamic|reinterpret|const)_cast<", r"\b(?:unique|shared)_ptr<",
    )),
    ("csharp", 1.0, (
        r"\bnamespace [\w.]+", r"\basync Task\b", r"\bvar \w+ = new", r"\bstring\b", r"\b(?:List|Dictionary)<",
        r"^[ \t]*\[\w+(?:\([^\n]*\))?\]$", r"\bforeach \(var\b", r"\.Length\b", r"\bbool \w+", r"\w+Async\(",
        r"\bpublic (?:static |override |async |virtual )*\w+(?:<[^\n]*>)? \w+\(",
    )),
    ("csharp", 2.0, (
        r"^using System", r"\bConsole\.Write", r"\{ *get;", r"\bset; *\}", r"\bnameof\(",
        r"\b(?:internal|sealed|partial) (?:static )?class\b", r"\bstring\.\w+\(",
    )),
    ("go", 1.0, (
        r":=", r"\bchan\b", r"\bdefer\b", r"\bstruct *\{", r"\[\]\*?\w+", r"\bnil\b", r"\brange \w+",
        r"\bmap\[\w+\]", r"\b(?:int64|uint32|uint64|float64|rune)\b", r"\.\(\*?\w+\)",
    )),
    ("go", 2.0, (
        r"^package \w+[ \t]*$", r"\bfunc (?:\(\w+ \*?\w+\) )?\w+\(", r"\bfmt\.\w+", r"\berr != nil\b", r"\bgo func\b",
        r"^import \(", r"\bfunc\(", r"\bmake\((?:map|\[\]|chan)",
    )),
    ("rust", 1.0, (
        r"\bfn \w+", r"\bimpl\b", r"\bmatch \w+", r"\bSome\(", r"\bNone\b", r"\bOk\(", r"\bErr\(", r"\.unwrap\(\)",
        r"::new\(", r"&'\w+", r"\bpub(?:\(crate\))? ", r"\bmut \w+", r"\bSelf\b", r"\b[iu](?:8|16|32|64|size)\b",
        r"&str\b", r"\b[a-z_]+!\(", r"\|\w+\| ", r"\)\?[;.]", r"\b(?:Vec|Option|Result|Box)<", r"\.iter\(\)",
    )),
    ("rust", 2.0, (
        r"\blet mut\b", r"\bpub fn\b", r"\buse std::", r"&mut\b", r"#\[\w+", r"\bpub struct\b", r"\bmacro_rules!",
        r"\bvec!\[", r"-> (?:Self|Result<|Option<)", r"\bimpl<",
    )),
    ("php", 1.0, (
        r"\$\w+ *=[^\n]*;[ \t]*$", r"->\w+\(", r"\bnamespace [\w\\]+;", r"\buse [\w\\]+;", r"\barray\(",
        r"\bself::\w+", r"\bparent::", r"\bthrow new \w+\(",
    )),
    ("php", 2.0, (
        r"<\?php", r"\$this->", r"\bfunction \w+\([^\n]*\$", r"\becho \$",
        r"\b(?:public|private|protected) (?:static )?function\b",
        r"\bforeach \(\$\w+ as\b", r"\bisset\(\$", r"['\"] \. \$\w+", r"\$\w+ \. ['\"]", r"::class\b",
    )),
    ("sql", 1.2, (
        r"(?i:\bselect\b[^\n]*\bfrom\b)", r"(?i:\binsert into\b)",
        r"(?i:\bcreate (?:or replace )?(?:table|view|function|index)\b)", r"(?i:\bupdate \w+ set\b)",
        r"(?i:\b(?:inner |left |right )?join\b[^\n]*\bon\b)", r"(?i:\bgroup by\b)", r"(?i:\border by\b)",
        r"(?i:\bwhere\b[^\n]*=)", r"(?i:\bvarchar\b)", r"(?i:\bprimary key\b)", r"(?i:\bdelete from\b)",
        r"(?i:\balter table\b)", r"(?i:\breturns\b)", r"(?i:\blanguage (?:c|sql|plpgsql)\b)",
        r"(?i:^[ \t]*(?:in|out|inout) \w+ \w+)",
        r"(?i:\bcreate (?:function|operator|type|aggregate|extension|schema)\b)",
        r"(?i:\bdrop (?:function|table|view|operator|index)\b)", r"(?i:\bgrant \w+ on\b)", r"(?i:\brevoke\b)",
        r"\bCASE WHEN\b", r"\bCAST\(", r"\bAS \w+,?$", r"(?i:\bis (?:not )?null\b)", r"(?i:\bcomment on\b)",
        r"(?i:\b(?:alter|create|drop) text search\b)", r"^[ \t]*-- ", r"(?i:\bnot null\b)",
    )),
    ("shell", 0.8, (
        r"^#!/bin/(?:ba)?sh", r"^[ \t]*fi[ \t]*$", r"^[ \t]*then[ \t]*$", r"^[ \t]*done[ \t]*$", r"\besac\b", r"\$\(",
        r"\$\{\w+", r"\bexport \w+=", r"^[ \t]*if \[", r'\becho \"', r"\s-[a-z]\s", r"\|\s*(?:grep|sed|awk|xargs)\b",
        r"&&", r"\b(?:local|readonly) \w+=", r"\$[0-9#@?]", r"; (?:then|do)$", r"\[\[ ", r"2>&1|>/dev/null",
        r"^\w+\(\) ?\{",
    )),
    ("powershell", 1.3, (
        r"\$_\b", r"\b(?:Get|Set|New|Remove|Write|Import|Invoke|Test|Add|Start|Stop)-[A-Z]\w+", r"\bparam\s*\(",
        r"-(?:eq|ne|lt|gt|le|ge|like|match|and|or|not)\b", r"\[(?:string|int|switch|bool|array)\]\$", r"\$\w+:",
        r"\bForEach-Object\b", r"\bWrite-Host\b", r"\$true\b", r"\$false\b", r"\$null\b", r"^[ \t]*\$\w+\s*=[^;\n]*$",
        r"\$(?:env|PS\w+|Is\w+|input|args)\b",
    )),
    ("cobol", 1.5, (
        r"\b(?:IDENTIFICATION|ENVIRONMENT|DATA|PROCEDURE) DIVISION\b", r"\bWORKING-STORAGE\b",
        r"\bPIC(?:TURE)? [X9SV(]", r"\bMOVE [^\n]+ TO\b", r"\bPERFORM\b", r"\bEND-(?:IF|PERFORM|EVALUATE)\b",
        r"\bPROGRAM-ID\b", r"\bSTOP RUN\b", r"^[ \t]*\d\d\s+[A-Z][\w-]+",
    )),
    ("abap", 1.5, (
        r"^[ \t]*(?:DATA|TYPES|CONSTANTS)(?::|\s+\w+\s+TYPE)\b", r"\bREPORT \w+\.", r"\bLOOP AT\b", r"\bENDLOOP\.",
        r"\bSELECT [^\n]* INTO (?:TABLE|@)", r"\bWRITE:", r"\bENDIF\.", r"\bMETHOD \w+\.", r"\bENDMETHOD\.",
        r"\bTYPE REF TO\b", r"\bFIELD-SYMBOLS\b", r"\bsy-\w+", r"\bCALL FUNCTION\b", r"\bAPPEND [^\n]* TO\b",
        r"\bENDFORM\.", r"\bREAD TABLE\b",
    )),
)

# Every language, in the order ties are broken.
_LANGUAGES = tuple(dict.fromkeys(lang for lang, _, _ in _SIGNS))


def _compile() -> tuple[hyperscan.Database, list[int], list[float]]:
    """One Hyperscan database for every sign; a match of sign i votes weights[i] for language langs[i]."""
    exprs: list[bytes] = []
    flags: list[int] = []
    langs: list[int] = []
    weights: list[float] = []
    for lang, weight, alts in _SIGNS:
        for alt in alts:
            f = hyperscan.HS_FLAG_MULTILINE | hyperscan.HS_FLAG_SINGLEMATCH
            if alt.startswith("(?i:") and alt.endswith(")"):
                alt, f = alt[4:-1], f | hyperscan.HS_FLAG_CASELESS
            exprs.append(alt.encode())
            flags.append(f)
            langs.append(_LANGUAGES.index(lang))
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
# The scan stops at the first construct that leaves a leader this far ahead, with twice the runner-up's votes:
# on the eval and held-out excerpts more lines never overturned such a lead, and most blocks end in their first lines.
_CLEAR_VOTES = 3.0
# A base language's block may still show its superset's constructs further down: it is read to the end.
_BASES = bytes(_LANGUAGES[lang] in _SUPERSETS for lang in _LANG_OF)


def guess_language(block: str) -> str:
    """The language with most weighted votes in `block`, or "unknown" when nothing is telling."""
    if len(block) > GUESS_CHARS:
        cut = block.find("\n", GUESS_CHARS)
        if cut > 0:
            block = block[:cut]
    votes = [0.0] * len(_LANGUAGES)
    lang_of, weight_of, bases = _LANG_OF, _WEIGHT_OF, _BASES
    lead, lead_votes, runner_up = -1, 0.0, 0.0  # kept as votes come in: max() over the list costs 0.25 us

    # HS_FLAG_SINGLEMATCH: each sign calls back once per scan, so it votes once.
    def on_match(sign: int, _from: int, _to: int, _flags: int, _ctx: object) -> bool:
        nonlocal lead, lead_votes, runner_up
        lang = lang_of[sign]
        v = votes[lang] = votes[lang] + weight_of[sign]
        if lang == lead:
            lead_votes = v
        elif v > lead_votes:
            lead, lead_votes, runner_up = lang, v, lead_votes
        else:
            if v > runner_up:
                runner_up = v
            return False
        # True stops the scan: the vote is decided.
        return v >= _CLEAR_VOTES and runner_up * 2 <= v and not bases[sign]

    scratch = getattr(_LOCAL, "scratch", None) or _scratch()
    try:
        _DB.scan(block.encode("utf-8", "surrogatepass"), on_match, 0, None, scratch)  # positional: kwargs cost 0.25 us
    except hyperscan.ScanTerminated:
        return _LANGUAGES[lead]  # never a base language: no superset to check
    top = max(votes)
    if top <= 0:
        return "unknown"
    best = _LANGUAGES[votes.index(top)]
    sup = _SUPERSETS.get(best)
    if sup and votes[_LANGUAGES.index(sup)] >= 2:
        return sup
    return best
