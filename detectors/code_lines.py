"""Per-line code evidence: how much one line of text looks like source code rather than prose, a list or a log."""

from __future__ import annotations

import regex

# First tokens that open a statement in one of the supported languages.
_KEYWORDS = frozenset(
    "def class import from return elif else except try finally with raise yield lambda pass break continue"
    " assert async await del global nonlocal print public private protected internal static final abstract"
    " override sealed virtual package interface enum struct union typedef template namespace using extern const"
    " let var val fun func fn impl trait mod pub use match loop type function export switch case default throw"
    " new delete goto do while for foreach if unless until select then fi done esac echo local readonly declare"
    " source exit param begin end when where defer chan catch require include require_once include_once"
    " namespace unset isset printf return; SELECT INSERT UPDATE DELETE CREATE ALTER DROP FROM WHERE JOIN LEFT"
    " RIGHT INNER OUTER GROUP ORDER HAVING VALUES UNION WITH BEGIN END DECLARE GRANT SET AND OR ON LIMIT"
    " insert update create alter drop where join group order having values union grant limit"
    " MOVE PERFORM COMPUTE DISPLAY ACCEPT EVALUATE WHEN IDENTIFICATION PROCEDURE DATA WORKING-STORAGE"
    " PROGRAM-ID COPY CALL GOBACK PIC ADD SUBTRACT MULTIPLY DIVIDE READ OPEN CLOSE IF ELSE"
    " REPORT FORM ENDFORM METHOD ENDMETHOD METHODS LOOP ENDLOOP ENDIF ENDWHILE ENDCASE ENDSELECT CLEAR APPEND"
    " MODIFY WRITE TYPES CLASS-METHODS PARAMETERS SELECT-OPTIONS START-OF-SELECTION FIELD-SYMBOLS ASSIGN"
    " CHECK CASE TRY CATCH ENDTRY RAISE CONSTANTS TABLES RETURNS RETURN AS LANGUAGE OUT IN INOUT SORT ULINE CLASS"
    " ENDCLASS SECTION FD IMPLEMENTATION DEFINITION PRIMARY FOREIGN REFERENCES CONSTRAINT COMMENT TRUNCATE".split()
)
# Keywords that are also everyday English or French words: they count only on a line that is not prose.
_AMBIGUOUS = frozenset(
    "from return else with pass break continue print public private static final package interface type"
    " function export switch case default new delete do while for if select then done echo source exit"
    " param begin end when where match loop use let var const import class try catch throw local set"
    " insert update create alter drop join group order values union limit include".split()
)
_PREFIX = regex.compile(
    r"#include|#define|#if|#endif|#pragma|#undef|#!|<\?php|@\w|\$\w|\[[\w.]+\]\$|[A-Z][a-z]+-[A-Z]\w+"
    r"|\d\d\s+[A-Z][\w-]*|END-[A-Z]+|[\w.]+::\w"
)
_FIRST = regex.compile(r"[\w-]+")
_ASSIGN = regex.compile(
    r"^\s*(?:[\w$@.\[\]\"'>:-]+(?:\s*,\s*[\w$.*]+)*\s*(?:[+\-*/%|&^]|<<|>>|\?\?|\|\|)?=(?!=)|[\w$]+\s*:=|[\w$]+\s*<-)"
    r"\s*\S"
)
_CALL = regex.compile(r"[\w$>\]]\((?:[^()]*|\([^()]*\))*\)")
_OPERATOR = regex.compile(r"->|=>|::|==|!=|&&|\|\||<=|>=|\+\+|--\s*$|\+=|<<|>>|\$\(|\$\{|\]\s*\[")
_COMMENT = regex.compile(r"\s*(?://|/\*|\*/|\*(?:\s|$)|#(?![#!\w-])|--\s|;;|REM\s|\"\s|'\s)")
_LOG = regex.compile(
    r"\s*(?:\[?\d{4}-\d\d-\d\d[T ]\d\d:\d\d|\[?\d\d:\d\d:\d\d"
    r"|\[?(?:INFO|WARN(?:ING)?|ERROR|DEBUG|TRACE|FATAL|CRITICAL)\b|[A-Z][A-Za-z]+(?:-[A-Z][A-Za-z]+)*:\s|[A-Z][a-z]{2}\s+\d{1,2}\s+\d\d:\d\d:\d\d|\d{1,3}(?:\.\d{1,3}){3}\s+-\s+-|\w+\[\d+\]:)"
)
_LIST_ITEM = regex.compile(r"\s*(?:[-*+•]|\d{1,3}[.)])\s+(?=\w)")
_WORD = regex.compile(r"[^\W\d_][^\W\d_'’-]*")
_SYMBOLS = "{}()[];=<>+*/&|!:$#@\\%^~`"
_CLOSERS = frozenset("}{;")
_BLOCK_COLON = regex.compile(
    r"\s*(?:def|class|if|elif|else|for|while|try|except|finally|with|async|match|case|switch|default|public"
    r"|private|protected)\b.*:\s*$|\s*(?:else|try|finally)\s*:\s*$|.*\)\s*(?:->\s*[\w\[\], .|]+)?:\s*$"
)
_BARE = frozenset(
    ["}", "};", "{", ")", ");", "});", "})", "]", "];", "end", "end;", "fi", "done", "esac", "END", "END;",
     "ENDIF.", "ENDLOOP.", "ENDMETHOD.", "ENDFORM.", "ENDCLASS.", "ENDCASE.", "ENDWHILE.", "END-IF", "END-IF.",
     "END-PERFORM", "END-PERFORM.", "STOP RUN.", "GOBACK.", "else", "else:", "try:", "finally:", "pass", "break",
     "continue", "return", "return;", "break;", "continue;", "BEGIN", "then", "do", "?>", "<?php", "EXIT.",
     "END-EVALUATE", "END-EVALUATE.", "END-READ", "END-READ."]
)

CODE_CHARS = "{};()=<>$[]"  # code punctuation: the classifier's first gate counts it
CODE = 1.5  # a line scoring at least this is a code line
COMMENT = 0.5  # the score of a comment line: weak evidence that never breaks a block


def line_score(line: str) -> float | None:
    """Evidence that `line` is code: positive for code, negative for prose, lists and logs; None when blank."""
    s = line.strip()
    if not s:
        return None
    if s in _BARE:
        return 2.5
    n = len(s)
    if n > 400:
        return -3.0  # a paragraph or a log record on one line; even minified code never comes six to a prompt
    sym = sum(map(s.count, _SYMBOLS))  # map over a bound method: no generator frame per line
    density = sym / n
    if _COMMENT.match(s):
        # Comments are written in prose, yet belong to the code around them: weak, never breaking a block.
        return COMMENT
    if density < 0.02 and n > 30 and s[-1] not in _CLOSERS and s[-1] != ":":
        # A long line with at most a stray symbol is a sentence, unless it opens with an SQL/COBOL/ABAP keyword.
        head = s.split(None, 1)[0]
        if head not in _KEYWORDS and not head.isupper() and s.count(" ") >= 5:
            return -2.5
    if _LOG.match(s):
        return -3.0
    score = 0.0
    last = s[-1]
    if last in _CLOSERS:
        score += 2.0
    elif last == ":" and _BLOCK_COLON.match(s):
        score += 2.0
    elif last in ",([\\)" and density > 0.05:
        score += 0.75
    m = _FIRST.match(s)
    first = m.group() if m else ""
    keyword = False
    if first in _KEYWORDS:
        keyword = first not in _AMBIGUOUS or density >= 0.03 or len(s.split()) <= 4
    elif _PREFIX.match(s):
        keyword = True
    if keyword:
        score += 1.5
    elif last == "." and len(first) > 1 and first.isupper() and n < 120:
        score += 1.5  # a COBOL or ABAP sentence: `MOVE WS-A TO WS-B.`, `SORT lt_sales BY netwr.`
    if _ASSIGN.match(s):
        score += 1.5
    if _CALL.search(s):
        score += 1.0
    if _OPERATOR.search(s):
        score += 1.0
    if density > 0.08:
        score += 1.0
        if density > 0.16:
            score += 0.5
    if line[:1] in " \t" and score > 0:
        score += 0.25
    words = len(_WORD.findall(s))
    tokens = s.count(" ") + 1
    if not keyword and words >= 6 and words >= 0.8 * tokens and density < 0.04:
        score -= 2.5
        if last in ".?!" and s[0].isupper():
            score -= 1.0
    elif words >= 3 and last in ".?!:" and density < 0.05 and not keyword and s[0].isupper():
        score -= 1.0  # a short sentence: "Peux-tu corriger ce code ?"
    if _LIST_ITEM.match(s) and density < 0.08:
        score -= 1.5
    return score
