/* _codescan: the source-code stage's hot loop in C: folding, every line's `line_score`, fences, runs, the gate.
 *
 * Works on text folded to one byte per character (detectors/code_line_scores.py: ASCII kept, every other character
 * replaced by the byte of its class), so each test below is a byte test. Each matcher is the port of one regular
 * expression of detectors/code_lines.py, whose `line_score` stays the reference: the tests compare both, line by
 * line, on the labelled corpus, awkward text and random text. The keyword lists come from that module at import
 * (`configure`), so they are written once; CODE_CHARS is compiled in, and `configure` checks it agrees.
 *
 * Cost: ASCII text is read in place (it is its own folding); one vectorised pass (`survey`) serves the gate, and one
 * table-driven pass a line counts what the matchers need, so each character is read a few times, not once a pattern.
 *
 * Bounds: every read is guarded by the line length; a line longer than 400 characters is scored before any matcher
 * runs, and the parenthesis matcher is linear, so hostile input costs time linear in its size.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

typedef unsigned char u8;

#define BLANK (-127)  /* quarter points of a blank line (code_line_scores.BLANK) */
#define UNSEEN 0xFF   /* a table entry not filled yet (code_line_scores._UNSEEN) */
#define SLOW 0x85     /* a character scored in Python (code_line_scores._SLOW) */
#ifndef CODESCAN_SOURCE
#define CODESCAN_SOURCE "unknown"  /* setup.py defines it: the hash of this file */
#endif
#define LONG_LINE 400
#define CODE_CHARS "{};()=<>$[]"  /* code_lines.CODE_CHARS, counted by the gate (see survey) */
#define CODE_Q 6      /* quarter points of a code line (code_lines.CODE * 4) */
#define COMMENT_Q 2   /* quarter points of a comment line (code_lines.COMMENT * 4) */
#define MIN_LINES 6   /* code_classifier.MIN_LINES */
#define MAX_GAP 3     /* code_classifier._MAX_GAP */
#define FENCED_CODE_Q 3          /* code_classifier.FENCED_CODE * 4 */
#define MIN_FENCED_CODE_LINES 3  /* code_classifier.MIN_FENCED_CODE_LINES */

/* Byte classes of folded text (see code_line_scores._char_class). */
enum { WS = 1, WORD = 2, DIGIT = 4, LETTER = 8, UPPER = 16, LOWER = 32, SYM = 64, ASSIGN_HEAD = 128, ASSIGN_MORE = 256 };
static uint16_t CLS[256];

#define IS(c, k) (CLS[(u8)(c)] & (k))
#define ASCII_UPPER(c) ((c) >= 'A' && (c) <= 'Z')
#define ASCII_LOWER(c) ((c) >= 'a' && (c) <= 'z')
#define ASCII_LETTER(c) (ASCII_UPPER(c) || ASCII_LOWER(c))

/* Per-character counts by (row of the previous character, character), 9 bits each (a line scored this way has at most
 * 400 characters): symbols, spaces " ", word starts (a letter after a non-letter), token starts (a non-blank after a
 * blank), operator pairs (an _OPERATOR match opened by the two characters, but for "--" and "]" then blanks, checked
 * apart), "(" and "]" (the matchers that need them are skipped without). ROW[c] is c's row times 256: other
 * characters, letters, blanks, then one row per character that can open an operator. One pass counts everything. */
#define ROWS (3 + 11)
static const char OPERATOR_FIRST[] = "-=:!&|<>+$]";
static uint64_t COUNTS[ROWS * 256];
static uint16_t ROW[256];
enum { SYMBOLS, SPACES, WORDS, TOKENS, OPERATORS, OPENING, BRACKETS };
#define FIELD(counts, k) ((Py_ssize_t)((counts) >> (9 * (k)) & 0x1FF))

static void init_classes(void);

static void init_tables(void) {
    init_classes();
    static const char *pairs[] = {"->", "=>", "::", "==", "!=", "&&", "||", "<=", ">=", "++", "+=", "<<", ">>", "$(",
                                  "${", "]["};
    for (int c = 0; c < 256; c++) {
        const char *op = c ? strchr(OPERATOR_FIRST, c) : NULL;
        ROW[c] = (uint16_t)(256 * (op ? 3 + (op - OPERATOR_FIRST) : (CLS[c] & LETTER) ? 1 : (CLS[c] & WS) ? 2 : 0));
    }
    for (int row = 0; row < ROWS; row++)
        for (int c = 0; c < 256; c++) {
            uint64_t letter = (CLS[c] & LETTER) != 0, ws = (CLS[c] & WS) != 0;
            uint64_t sym = (CLS[c] & SYM) != 0, space = c == ' ', word = letter && row != 1, token = !ws && row == 2;
            uint64_t op = 0;
            for (size_t k = 0; row >= 3 && k < sizeof pairs / sizeof *pairs; k++)
                op |= (u8)pairs[k][0] == (u8)OPERATOR_FIRST[row - 3] && (u8)pairs[k][1] == c;
            uint64_t opening = c == '(', bracket = c == ']';
            COUNTS[row * 256 + c] = sym << 9 * SYMBOLS | space << 9 * SPACES | word << 9 * WORDS | token << 9 * TOKENS
                                    | op << 9 * OPERATORS | opening << 9 * OPENING | bracket << 9 * BRACKETS;
        }
}

static void init_classes(void) {
    const char *symbols = "{}()[];=<>+*/&|!:$#@\\%^~`";  /* code_lines._SYMBOLS */
    static const u8 ws[] = {'\t', '\n', 0x0b, 0x0c, '\r', ' '};
    for (size_t i = 0; i < sizeof ws; i++) CLS[ws[i]] |= WS;
    for (int c = '0'; c <= '9'; c++) CLS[c] |= WORD | DIGIT;
    for (int c = 'A'; c <= 'Z'; c++) CLS[c] |= WORD | LETTER | UPPER;
    for (int c = 'a'; c <= 'z'; c++) CLS[c] |= WORD | LETTER | LOWER;
    CLS['_'] |= WORD;
    CLS[0x80] |= WORD | LETTER | LOWER;  /* _LOWER */
    CLS[0x81] |= WORD | LETTER | UPPER;  /* _UPPER */
    CLS[0x82] |= WORD | LETTER;          /* _UNCASED */
    for (const char *p = symbols; *p; p++) CLS[(u8)*p] |= SYM;
    for (int c = 0; c < 256; c++) {
        if (CLS[c] & WORD) CLS[c] |= ASSIGN_HEAD | ASSIGN_MORE;
    }
    for (const char *p = "$@.[]\"'>:-"; *p; p++) CLS[(u8)*p] |= ASSIGN_HEAD;  /* [\w$@.\[\]"'>:-] */
    for (const char *p = "$.*"; *p; p++) CLS[(u8)*p] |= ASSIGN_MORE;  /* [\w$.*] */
}

/* ---- word sets: keywords, ambiguous keywords, bare lines (open addressing, filled once by `configure`) ---- */

enum { KEYWORD = 1, AMBIGUOUS = 2, BARE = 4 };
#define SET_SLOTS 2048
#define MAX_WORD 31
typedef struct { u8 len; u8 flags; char text[MAX_WORD]; } Slot;
static Slot SET[SET_SLOTS];
static int configured = 0;
static Py_ssize_t bare_max = 0;  /* the longest bare line: longer lines skip the lookup */

static uint32_t hash(const u8 *s, Py_ssize_t n) {
    uint32_t h = 2166136261u;  /* FNV-1a */
    for (Py_ssize_t i = 0; i < n; i++) h = (h ^ s[i]) * 16777619u;
    return h;
}

static int lookup(const u8 *s, Py_ssize_t n) {
    if (n <= 0 || n > MAX_WORD) return 0;
    for (uint32_t i = hash(s, n) & (SET_SLOTS - 1);; i = (i + 1) & (SET_SLOTS - 1)) {
        Slot *e = &SET[i];
        if (!e->len) return 0;
        if (e->len == n && memcmp(e->text, s, (size_t)n) == 0) return e->flags;
    }
}

static int add_word(const char *s, Py_ssize_t n, int flag) {
    if (n <= 0 || n > MAX_WORD) {
        PyErr_Format(PyExc_ValueError, "word of %zd bytes: the sets hold 1 to %d", n, MAX_WORD);
        return -1;
    }
    for (uint32_t i = hash((const u8 *)s, n) & (SET_SLOTS - 1), probes = 0;; i = (i + 1) & (SET_SLOTS - 1)) {
        Slot *e = &SET[i];
        if (!e->len) {
            e->len = (u8)n;
            memcpy(e->text, s, (size_t)n);
            e->flags = (u8)flag;
            return 0;
        }
        if (e->len == n && memcmp(e->text, s, (size_t)n) == 0) {
            e->flags |= (u8)flag;
            return 0;
        }
        if (++probes >= SET_SLOTS / 2) {
            PyErr_SetString(PyExc_ValueError, "word sets too large");
            return -1;
        }
    }
}

/* ---- matchers: each is a port of one pattern of code_lines.py, on a stripped line s[0..n) (n >= 1) ---- */

static int starts_with(const u8 *s, Py_ssize_t n, const char *lit) {
    size_t k = strlen(lit);
    return (size_t)n >= k && memcmp(s, lit, k) == 0;
}

static Py_ssize_t run(const u8 *s, Py_ssize_t n, Py_ssize_t i, int k) {
    while (i < n && IS(s[i], k)) i++;
    return i;
}

static Py_ssize_t run_digits(const u8 *s, Py_ssize_t n, Py_ssize_t i) { return run(s, n, i, DIGIT); }

/* _COMMENT: \s*(?://|/\*|\*\/|\*(?:\s|$)|#(?![#!\w-])|--\s|;;|REM\s|"\s|'\s) */
static int is_comment(const u8 *s, Py_ssize_t n) {
    u8 c0 = s[0], c1 = n > 1 ? s[1] : 0;
    int more = n > 1;
    if (c0 == '/' && (c1 == '/' || c1 == '*')) return 1;
    if (c0 == '*' && (!more || c1 == '/' || IS(c1, WS))) return 1;
    if (c0 == '#' && (!more || !(c1 == '#' || c1 == '!' || c1 == '-' || IS(c1, WORD)))) return 1;
    if (c0 == '-' && c1 == '-' && n > 2 && IS(s[2], WS)) return 1;
    if (c0 == ';' && c1 == ';') return 1;
    if (n > 3 && memcmp(s, "REM", 3) == 0 && IS(s[3], WS)) return 1;
    if ((c0 == '"' || c0 == '\'') && more && IS(c1, WS)) return 1;
    return 0;
}

/* _LOG: a timestamp, a level, a `Header-Name: `, a syslog date, an access-log address or `proc[pid]:` first */
static int is_log(const u8 *s, Py_ssize_t n) {
    static const char *levels[] = {"INFO", "WARNING", "WARN", "ERROR", "DEBUG", "TRACE", "FATAL", "CRITICAL"};
    Py_ssize_t b = s[0] == '[';  /* \[? : only the bracketed reading can match when the line opens with one */
    const u8 *t = s + b;
    Py_ssize_t m = n - b;
#define D(i) IS(t[i], DIGIT)
    if (m >= 16 && D(0) && D(1) && D(2) && D(3) && t[4] == '-' && D(5) && D(6) && t[7] == '-' && D(8) && D(9)
        && (t[10] == 'T' || t[10] == ' ') && D(11) && D(12) && t[13] == ':' && D(14) && D(15))
        return 1;
    if (m >= 8 && D(0) && D(1) && t[2] == ':' && D(3) && D(4) && t[5] == ':' && D(6) && D(7)) return 1;
#undef D
    if (m >= 4 && ASCII_UPPER(t[0]))  /* a level: most lines do not even open with a capital */
        for (size_t k = 0; k < sizeof levels / sizeof *levels; k++) {
            if (t[0] != (u8)levels[k][0]) continue;
            Py_ssize_t l = (Py_ssize_t)strlen(levels[k]);
            if (m >= l && memcmp(t, levels[k], (size_t)l) == 0 && (m == l || !IS(t[l], WORD))) return 1;
        }
    Py_ssize_t i;
    /* [A-Z][A-Za-z]+(?:-[A-Z][A-Za-z]+)*:\s */
    if (ASCII_UPPER(s[0]) && n > 1 && ASCII_LETTER(s[1])) {
        i = 2;
        while (i < n && ASCII_LETTER(s[i])) i++;
        while (i + 2 < n && s[i] == '-' && ASCII_UPPER(s[i + 1]) && ASCII_LETTER(s[i + 2])) {
            i += 3;
            while (i < n && ASCII_LETTER(s[i])) i++;
        }
        if (i + 1 < n && s[i] == ':' && IS(s[i + 1], WS)) return 1;
    }
    /* [A-Z][a-z]{2}\s+\d{1,2}\s+\d\d:\d\d:\d\d */
    if (n > 4 && ASCII_UPPER(s[0]) && ASCII_LOWER(s[1]) && ASCII_LOWER(s[2]) && IS(s[3], WS)) {
        i = run(s, n, 3, WS);
        Py_ssize_t d = run_digits(s, n, i);
        if (d - i >= 1 && d - i <= 2 && d < n && IS(s[d], WS)) {
            i = run(s, n, d, WS);
            const u8 *t2 = s + i;
            if (n - i >= 8 && IS(t2[0], DIGIT) && IS(t2[1], DIGIT) && t2[2] == ':' && IS(t2[3], DIGIT)
                && IS(t2[4], DIGIT) && t2[5] == ':' && IS(t2[6], DIGIT) && IS(t2[7], DIGIT))
                return 1;
        }
    }
    /* \d{1,3}(?:\.\d{1,3}){3}\s+-\s+- */
    i = 0;
    int groups = 0;
    for (; groups < 4; groups++) {
        Py_ssize_t d = run_digits(s, n, i);
        if (d - i < 1 || d - i > 3) break;
        i = d;
        if (groups < 3) {
            if (i >= n || s[i] != '.') break;
            i++;
        }
    }
    if (groups == 4 && i < n && IS(s[i], WS)) {
        i = run(s, n, i, WS);
        if (i < n && s[i] == '-' && i + 1 < n && IS(s[i + 1], WS)) {
            i = run(s, n, i + 1, WS);
            if (i < n && s[i] == '-') return 1;
        }
    }
    /* \w+\[\d+\]: */
    i = run(s, n, 0, WORD);
    if (i > 0 && i < n && s[i] == '[') {
        Py_ssize_t d = run_digits(s, n, i + 1);
        if (d > i + 1 && d + 1 < n && s[d] == ']' && s[d + 1] == ':') return 1;
    }
    return 0;
}

/* _BLOCK_COLON, for a line ending with ":" */
static int is_block_colon(const u8 *s, Py_ssize_t n) {
    static const char *heads[] = {"def", "class", "if", "elif", "else", "for", "while", "try", "except", "finally",
                                  "with", "async", "match", "case", "switch", "default", "public", "private",
                                  "protected"};
    for (size_t k = 0; k < sizeof heads / sizeof *heads; k++) {
        if (s[0] != (u8)heads[k][0]) continue;
        Py_ssize_t l = (Py_ssize_t)strlen(heads[k]);
        if (n > l && memcmp(s, heads[k], (size_t)l) == 0 && !IS(s[l], WORD)) return 1;
    }
    /* .*\)\s*(?:->\s*[\w\[\], .|]+)?:\s*$ */
    Py_ssize_t i = n - 2;
    Py_ssize_t j = i;
    while (j >= 0 && IS(s[j], WS)) j--;
    if (j >= 0 && s[j] == ')') return 1;
    j = i;
    while (j >= 0 && (IS(s[j], WORD) || s[j] == '[' || s[j] == ']' || s[j] == ',' || s[j] == ' ' || s[j] == '.'
                      || s[j] == '|'))
        j--;
    if (j == i) return 0;
    while (j >= 0 && IS(s[j], WS)) j--;
    if (j < 1 || s[j] != '>' || s[j - 1] != '-') return 0;
    j -= 2;
    while (j >= 0 && IS(s[j], WS)) j--;
    return j >= 0 && s[j] == ')';
}

/* _PREFIX.match */
static int is_prefix(const u8 *s, Py_ssize_t n) {
    static const char *lits[] = {"#include", "#define", "#if", "#endif", "#pragma", "#undef", "#!", "<?php",
                                 "END-"};
    for (size_t k = 0; k < sizeof lits / sizeof *lits; k++)
        if (s[0] == (u8)lits[k][0] && starts_with(s, n, lits[k])) {
            if (k < 8) return 1;
            if (n > 4 && ASCII_UPPER(s[4])) return 1;  /* END-[A-Z]+ */
        }
    if ((s[0] == '@' || s[0] == '$') && n > 1 && IS(s[1], WORD)) return 1;
    Py_ssize_t i;
    if (s[0] == '[') {  /* \[[\w.]+\]\$ */
        i = 1;
        while (i < n && (IS(s[i], WORD) || s[i] == '.')) i++;
        if (i > 1 && i + 1 < n && s[i] == ']' && s[i + 1] == '$') return 1;
    }
    if (ASCII_UPPER(s[0])) {  /* [A-Z][a-z]+-[A-Z]\w+ */
        i = 1;
        while (i < n && ASCII_LOWER(s[i])) i++;
        if (i > 1 && i + 2 < n && s[i] == '-' && ASCII_UPPER(s[i + 1]) && IS(s[i + 2], WORD)) return 1;
    }
    if (n > 3 && IS(s[0], DIGIT) && IS(s[1], DIGIT) && IS(s[2], WS)) {  /* \d\d\s+[A-Z][\w-]* */
        i = run(s, n, 2, WS);
        if (i < n && ASCII_UPPER(s[i])) return 1;
    }
    i = 0;  /* [\w.]+::\w */
    while (i < n && (IS(s[i], WORD) || s[i] == '.')) i++;
    return i > 0 && i + 2 < n && s[i] == ':' && s[i + 1] == ':' && IS(s[i + 2], WORD);
}

/* _ASSIGN.match */
static int is_assign(const u8 *s, Py_ssize_t n) {
    Py_ssize_t i = run(s, n, 0, ASSIGN_HEAD);
    if (i > 0) {
        /* (?:\s*,\s*[\w$.*]+)* \s* (?:[+\-*\/%|&^]|<<|>>|\?\?|\|\|)? =(?!=) \s*\S: the longest runs suffice, since
         * the characters that could end a run early ("*", "-", ">") lead to the same "=". */
        for (;;) {
            Py_ssize_t q = run(s, n, i, WS);
            Py_ssize_t eq = -1;
            if (q < n && s[q] == '=') eq = q;
            else if (q + 1 < n && s[q + 1] == '=' && s[q] && strchr("+-*/%|&^", s[q]) != NULL) eq = q + 1;
            else if (q + 2 < n && s[q + 2] == '=' && s[q] == s[q + 1] && s[q] && strchr("<>?|", s[q]) != NULL)
                eq = q + 2;
            if (eq >= 0 && eq + 1 < n && s[eq + 1] != '=') return 1;
            if (q >= n || s[q] != ',') break;
            q = run(s, n, q + 1, WS);
            Py_ssize_t e = run(s, n, q, ASSIGN_MORE);
            if (e == q) break;
            i = e;
        }
    }
    /* [\w$]+\s*:=  |  [\w$]+\s*<-  then \s*\S */
    i = 0;
    while (i < n && (IS(s[i], WORD) || s[i] == '$')) i++;
    if (i == 0) return 0;
    i = run(s, n, i, WS);
    return i + 2 < n && ((s[i] == ':' && s[i + 1] == '=') || (s[i] == '<' && s[i + 1] == '-'));
}

/* _CALL.search: [\w$>\]]\((?:[^()]*|\([^()]*\))*\) ; linear, on the line's parentheses alone: closes[t] says
 * whether the parentheses from the t-th on close one opened just before, with at most one level of nesting inside
 * ("()" pairs, then ")"). Most lines have none, and the rest only a few. */
static int has_call(const u8 *s, Py_ssize_t n) {
    const u8 *first = memchr(s, '(', (size_t)n);
    if (!first) return 0;  /* most lines: no parenthesis at all */
    Py_ssize_t pos[LONG_LINE + 1];
    Py_ssize_t m = 0;
    for (Py_ssize_t j = first - s; j < n; j++) {  /* branch-free: parentheses come unpredictably */
        pos[m] = j;
        m += s[j] == '(' || s[j] == ')';
    }
    u8 closes[LONG_LINE + 2];
    closes[m] = closes[m + 1] = 0;
    for (Py_ssize_t t = m - 1; t >= 0; t--)
        closes[t] = s[pos[t]] == ')' ? 1 : (t + 1 < m && s[pos[t + 1]] == ')') ? closes[t + 2] : 0;
    for (Py_ssize_t t = 0; t < m; t++) {
        Py_ssize_t j = pos[t] - 1;  /* the character before an opening parenthesis */
        if (s[pos[t]] == '(' && j >= 0 && (IS(s[j], WORD) || s[j] == '$' || s[j] == '>' || s[j] == ']')
            && closes[t + 1])
            return 1;
    }
    return 0;
}

/* The two _OPERATOR matches the counting pass leaves: "]" then blanks then "[", and "--" ending the line. */
static int has_bracket_pair(const u8 *s, Py_ssize_t n) {
    for (const u8 *p = s, *end = s + n; (p = memchr(p, ']', (size_t)(end - p))) != NULL;) {
        Py_ssize_t k = run(s, n, ++p - s, WS);
        if (k > p - s && k < n && s[k] == '[') return 1;
    }
    return 0;
}

static int ends_with_dashes(const u8 *s, Py_ssize_t n) { return n >= 2 && s[n - 2] == '-' && s[n - 1] == '-'; }

/* _LIST_ITEM.match: (?:[-*+•]|\d{1,3}[.)])\s+(?=\w) */
static int is_list_item(const u8 *s, Py_ssize_t n) {
    Py_ssize_t i;
    if (s[0] == '-' || s[0] == '*' || s[0] == '+' || s[0] == 0x83) i = 1;
    else {
        Py_ssize_t d = run_digits(s, n, 0);
        if (d < 1 || d > 3 || d >= n || (s[d] != '.' && s[d] != ')')) return 0;
        i = d + 1;
    }
    Py_ssize_t w = run(s, n, i, WS);
    return w > i && w < n && IS(s[w], WORD);
}

static int is_upper_word(const u8 *s, Py_ssize_t n) {  /* str.isupper */
    int upper = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (IS(s[i], LOWER)) return 0;
        if (IS(s[i], UPPER)) upper = 1;
    }
    return upper;
}

/* code_lines.line_score in quarter points, for one line of folded text (BLANK when blank). With `exact` unset, a line
 * is left as soon as it is sure to be a code line (CODE_Q or more, whatever the matchers not run yet would add): the
 * blocks only ask which side of each threshold a line falls, and most code lines are known after their last
 * character and first word. */
static int line_quarters(const u8 *line, Py_ssize_t len, int exact) {
    const u8 *s = line;
    Py_ssize_t n = len;
    while (n && IS(s[0], WS)) s++, n--;
    while (n && IS(s[n - 1], WS)) n--;
    if (!n) return BLANK;
    if (n <= bare_max && (lookup(s, n) & BARE)) return 10;
    if (n > LONG_LINE) return -12;
    /* Branch-free (letters and blanks alternate unpredictably), and no dependency from one character to the next
     * but the sum: lines are at most 400 characters, so each count fits its 9 bits. */
    uint64_t counts = COUNTS[2 * 256 + s[0]];
    for (Py_ssize_t i = 1, row = ROW[s[0]]; i < n; i++) {  /* each character's row read once, kept for the next */
        counts += COUNTS[row + s[i]];
        row = ROW[s[i]];
    }
    Py_ssize_t sym = FIELD(counts, SYMBOLS), spaces = FIELD(counts, SPACES), words = FIELD(counts, WORDS);
    Py_ssize_t tokens = FIELD(counts, TOKENS);
    double density = (double)sym / (double)n;
    if (is_comment(s, n)) return COMMENT_Q;
    u8 last = s[n - 1];
    int closer = last == '}' || last == '{' || last == ';';
    if (density < 0.02 && n > 30 && !closer && last != ':') {
        Py_ssize_t h = 0;
        while (h < n && !IS(s[h], WS)) h++;
        if (!(lookup(s, h) & KEYWORD) && !is_upper_word(s, h) && spaces >= 5) return -10;
    }
    if (is_log(s, n)) return -12;
    int q = 0;
    if (closer) q += 8;
    else if (last == ':' && is_block_colon(s, n)) q += 8;
    else if ((last == ',' || last == '(' || last == '[' || last == '\\' || last == ')') && density > 0.05) q += 3;
    /* From a density of 0.08 no penalty below applies, and the density's own points are sure to come. */
    int sure = density >= 0.08 ? (density > 0.16 ? 6 : density > 0.08 ? 4 : 0) : -1;
    if (!exact && sure >= 0 && q + sure >= CODE_Q) return q + sure;
    Py_ssize_t f = 0;
    while (f < n && (IS(s[f], WORD) || s[f] == '-')) f++;
    int kw = lookup(s, f);
    int keyword = 0;
    if (kw & KEYWORD) keyword = !(kw & AMBIGUOUS) || density >= 0.03 || tokens <= 4;
    else if (is_prefix(s, n)) keyword = 1;
    if (keyword) q += 6;
    else if (last == '.' && f > 1 && is_upper_word(s, f) && n < 120) q += 6;
    if (!exact && sure >= 0 && q + sure >= CODE_Q) return q + sure;
    if (is_assign(s, n)) q += 6;
    if (FIELD(counts, OPENING) && has_call(s, n)) q += 4;
    if (FIELD(counts, OPERATORS) || (FIELD(counts, BRACKETS) && has_bracket_pair(s, n)) || ends_with_dashes(s, n)) q += 4;
    if (density > 0.08) {
        q += 4;
        if (density > 0.16) q += 2;
    }
    if ((line[0] == ' ' || line[0] == '\t') && q > 0) q += 1;
    int upper_first = IS(s[0], UPPER) != 0;
    if (!keyword && words >= 6 && (double)words >= 0.8 * (double)(spaces + 1) && density < 0.04) {
        q -= 10;
        if ((last == '.' || last == '?' || last == '!') && upper_first) q -= 4;
    } else if (words >= 3 && (last == '.' || last == '?' || last == '!' || last == ':') && density < 0.05 && !keyword
               && upper_first) {
        q -= 4;
    }
    if (density < 0.08 && is_list_item(s, n)) q -= 6;
    return q;
}

/* ---- Python API ---- */

static PyObject *py_configure(PyObject *self, PyObject *args) {
    PyObject *lists[3];
    static const int flags[3] = {KEYWORD, AMBIGUOUS, BARE};
    const char *code_chars;
    if (!PyArg_ParseTuple(args, "OOOy", &lists[0], &lists[1], &lists[2], &code_chars)) return NULL;
    if (strcmp(code_chars, CODE_CHARS) != 0) {  /* compiled into the survey's comparisons: they must agree */
        PyErr_Format(PyExc_ValueError, "code characters %s differ from the module's %s: rebuild it", code_chars,
                     CODE_CHARS);
        return NULL;
    }
    memset(SET, 0, sizeof SET);
    configured = 0;
    bare_max = 0;
    for (int k = 0; k < 3; k++) {
        PyObject *seq = PySequence_Fast(lists[k], "configure takes three sequences of bytes");
        if (!seq) return NULL;
        for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(seq); i++) {
            PyObject *w = PySequence_Fast_GET_ITEM(seq, i);
            if (!PyBytes_Check(w)) {
                Py_DECREF(seq);
                PyErr_SetString(PyExc_TypeError, "configure takes three sequences of bytes");
                return NULL;
            }
            if (flags[k] == BARE && PyBytes_GET_SIZE(w) > bare_max) bare_max = PyBytes_GET_SIZE(w);
            if (add_word(PyBytes_AS_STRING(w), PyBytes_GET_SIZE(w), flags[k]) < 0) {
                Py_DECREF(seq);
                return NULL;
            }
        }
        Py_DECREF(seq);
    }
    configured = 1;
    Py_RETURN_NONE;
}

/* Folds `text` into o[0..len) with the table; 0 when a character is above U+FFFE or, for 4-byte text, not in the table
 * yet (classified in Python then). Elsewhere a character not in the table yet is folded to UNSEEN. */
static int fold_into(PyObject *text, const u8 *t, u8 *o) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text), missing = 0;
    const void *data = PyUnicode_DATA(text);
    if (kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *p = data;
        for (Py_ssize_t i = 0; i < n; i++) o[i] = t[p[i]];
    } else if (kind == PyUnicode_2BYTE_KIND) {  /* UNSEEN left in o, for the caller to find in a pass it makes anyway */
        const Py_UCS2 *p = data;
        for (Py_ssize_t i = 0; i < n; i++) o[i] = t[p[i]];
    } else {
        const Py_UCS4 *p = data;
        for (Py_ssize_t i = 0; i < n && !missing; i++) missing = p[i] >= 0xFFFF || (o[i] = t[p[i]]) == UNSEEN;
    }
    return !missing;
}

static int get_table(PyObject *obj, Py_buffer *table) {
    if (PyObject_GetBuffer(obj, table, PyBUF_SIMPLE) < 0) return -1;
    if (table->len < 0x10000) {
        PyBuffer_Release(table);
        PyErr_SetString(PyExc_ValueError, "the fold table needs 65536 bytes");
        return -1;
    }
    return 0;
}

static PyObject *py_fold(PyObject *self, PyObject *args) {
    PyObject *text, *table_obj;
    Py_buffer table;
    if (!PyArg_ParseTuple(args, "UO", &text, &table_obj) || get_table(table_obj, &table) < 0) return NULL;
    PyObject *out = PyBytes_FromStringAndSize(NULL, PyUnicode_GET_LENGTH(text));
    if (out && (!fold_into(text, table.buf, (u8 *)PyBytes_AS_STRING(out))
                || memchr(PyBytes_AS_STRING(out), UNSEEN, (size_t)PyBytes_GET_SIZE(out))))
        Py_SETREF(out, Py_NewRef(Py_None));
    PyBuffer_Release(&table);
    return out;
}

static Py_ssize_t count_lines(const u8 *d, Py_ssize_t n) {
    Py_ssize_t lines = 0;
    for (const u8 *p = d, *end = d + n; (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++) lines++;
    return lines + (n && d[n - 1] != '\n');  /* no line after a final newline */
}

/* Every line's start, end and quarter points. A large body is scored in a worker thread: the GIL is let go so the
 * event loop runs meanwhile. A small one is scored on the event loop itself, which must not wait to get it back. */
static void score_lines(const u8 *d, Py_ssize_t n, Py_ssize_t lines, int64_t *st, int64_t *en, int8_t *q, int exact) {
    PyThreadState *saved = n > (1 << 18) ? PyEval_SaveThread() : NULL;
    Py_ssize_t pos = 0;
    for (Py_ssize_t i = 0; i < lines; i++) {
        const u8 *nl = memchr(d + pos, '\n', (size_t)(n - pos));
        Py_ssize_t e = nl ? nl - d : n;
        st[i] = pos;
        en[i] = e;
        q[i] = (int8_t)line_quarters(d + pos, e - pos, exact);
        pos = e + 1;
    }
    if (saved) PyEval_RestoreThread(saved);
}

static int check_configured(void) {
    if (!configured) PyErr_SetString(PyExc_RuntimeError, "configure() first");
    return configured;
}

static PyObject *py_scores(PyObject *self, PyObject *args) {
    Py_buffer buf;
    if (!check_configured() || !PyArg_ParseTuple(args, "y*", &buf)) return NULL;
    Py_ssize_t lines = count_lines(buf.buf, buf.len);
    PyObject *starts = PyBytes_FromStringAndSize(NULL, lines * 8);
    PyObject *ends = PyBytes_FromStringAndSize(NULL, lines * 8);
    PyObject *q = PyBytes_FromStringAndSize(NULL, lines);
    if (!starts || !ends || !q) {
        Py_XDECREF(starts), Py_XDECREF(ends), Py_XDECREF(q);
        PyBuffer_Release(&buf);
        return NULL;
    }
    score_lines(buf.buf, buf.len, lines, (int64_t *)PyBytes_AS_STRING(starts), (int64_t *)PyBytes_AS_STRING(ends),
                (int8_t *)PyBytes_AS_STRING(q), 1);
    PyBuffer_Release(&buf);
    return Py_BuildValue("(NNN)", starts, ends, q);
}

/* (start, end, lines, code lines, info start, info end, body start, body end): a block for find_blocks, whose
 * info start is -1 when it is not fenced. */
static PyObject *block_tuple(int64_t start, int64_t end, Py_ssize_t lines, Py_ssize_t code, Py_ssize_t info_start,
                             Py_ssize_t info_end, int64_t body_start, int64_t body_end) {
    return Py_BuildValue("(LLnnnnLL)", (long long)start, (long long)end, lines, code, info_start, info_end,
                         (long long)body_start, (long long)body_end);
}

/* code_classifier._FENCE on one line: up to 3 blanks, 3 or more backticks or tildes, blanks, an info string of
 * [\w+#.-] and no backtick in the rest of the line. Returns the fence character (0 when not a fence). */
static u8 fence_line(const u8 *s, Py_ssize_t n, Py_ssize_t *run_len, Py_ssize_t *info_start, Py_ssize_t *info_end) {
    Py_ssize_t i = 0;
    while (i < n && i < 3 && (s[i] == ' ' || s[i] == '\t')) i++;
    if (i >= n || (s[i] != '`' && s[i] != '~')) return 0;
    u8 c = s[i];
    Py_ssize_t j = i;
    while (j < n && s[j] == c) j++;
    if (j - i < 3 || memchr(s + j, '`', (size_t)(n - j))) return 0;
    *run_len = j - i;
    while (j < n && (s[j] == ' ' || s[j] == '\t')) j++;
    *info_start = j;
    while (j < n && (IS(s[j], WORD) || s[j] == '+' || s[j] == '#' || s[j] == '.' || s[j] == '-')) j++;
    *info_end = j;
    return c;
}

static int add_runs(PyObject *out, const int8_t *q, Py_ssize_t lo, Py_ssize_t hi, const int64_t *starts,
                    const int64_t *ends);

/* The fences of the text (as code_classifier._fences pairs them) and the runs between them, in order. */
static int add_fenced(PyObject *out, const u8 *d, const int8_t *q, Py_ssize_t lines, const int64_t *st,
                      const int64_t *en) {
    Py_ssize_t lo = 0, opening = -1, open_len = 0, open_info_start = 0, open_info_end = 0;
    u8 open_char = 0;
    for (Py_ssize_t i = 0; i < lines; i++) {
        Py_ssize_t len, info_start, info_end;
        u8 c = fence_line(d + st[i], en[i] - st[i], &len, &info_start, &info_end);
        if (!c) continue;
        if (opening < 0) {
            opening = i, open_char = c, open_len = len;
            open_info_start = st[i] + info_start, open_info_end = st[i] + info_end;
            continue;
        }
        if (c != open_char || len < open_len || info_end > info_start) continue;  /* not its closing fence */
        if (opening > lo && add_runs(out, q, lo, opening, st, en) < 0) return -1;
        Py_ssize_t code = 0;
        for (Py_ssize_t k = opening + 1; k < i; k++) code += q[k] >= FENCED_CODE_Q;
        if (code >= MIN_FENCED_CODE_LINES) {
            /* the body: from the line after the opening fence to the start of the closing one */
            PyObject *t = block_tuple(st[opening], en[i], i - opening - 1, code, open_info_start, open_info_end,
                                      en[opening] + 1, st[i]);
            if (!t || PyList_Append(out, t) < 0) {
                Py_XDECREF(t);
                return -1;
            }
            Py_DECREF(t);
        }
        lo = i + 1;
        opening = -1;
    }
    return lines > lo ? add_runs(out, q, lo, lines, st, en) : 0;
}

/* code_classifier.runs: each block among lines lo..hi-1 as (first, last, nonblank, code lines) appended to `out`,
 * or as (start, end, nonblank, code lines) in characters when `starts` and `ends` are given. */
static int add_runs(PyObject *out, const int8_t *q, Py_ssize_t lo, Py_ssize_t hi, const int64_t *starts,
                    const int64_t *ends) {
    Py_ssize_t code_count = 0;
    for (Py_ssize_t i = lo; i < hi; i++) code_count += q[i] >= CODE_Q;
    if (code_count < 3) return 0;
    Py_ssize_t first = -1, prev = -1, gaps = 0, longest = 0;
    for (Py_ssize_t i = lo; i <= hi; i++) {
        int is_code = i < hi && q[i] >= CODE_Q;
        if (i < hi && !is_code) {  /* four blank or negative lines in a row between code lines end a block */
            gaps = q[i] < 0 ? gaps + 1 : 0;
            if (gaps > longest) longest = gaps;
            continue;
        }
        if (first >= 0 && (i == hi || longest > MAX_GAP)) {
            Py_ssize_t a = first, b = prev;
            while (a > lo && (q[a - 1] == BLANK || q[a - 1] == COMMENT_Q)) a--;  /* comments just above count in */
            while (q[a] == BLANK) a++;
            Py_ssize_t weak = 0, code = 0, negative = 0;
            for (Py_ssize_t k = a; k <= b; k++) {
                if (q[k] == BLANK) continue;
                if (q[k] >= CODE_Q) code++;
                else if (q[k] >= 0) weak++;
                else negative++;
            }
            Py_ssize_t nonblank = weak + code + negative;
            if (nonblank >= MIN_LINES && code >= 3 && 2 * code + weak >= nonblank) {
                PyObject *t = starts ? block_tuple(starts[a], ends[b], nonblank, code, -1, -1, -1, -1)
                                     : Py_BuildValue("(nnnn)", a, b, nonblank, code);
                if (!t || PyList_Append(out, t) < 0) {
                    Py_XDECREF(t);
                    return -1;
                }
                Py_DECREF(t);
            }
            first = -1;
        }
        if (i == hi) break;
        if (first < 0) first = i;
        prev = i;
        gaps = longest = 0;
    }
    return 0;
}

static PyObject *py_runs(PyObject *self, PyObject *args) {
    Py_buffer buf;
    Py_ssize_t lo, hi;
    if (!PyArg_ParseTuple(args, "y*nn", &buf, &lo, &hi)) return NULL;
    if (lo < 0 || hi > buf.len || lo > hi) {
        PyBuffer_Release(&buf);
        PyErr_SetString(PyExc_IndexError, "runs: lines out of range");
        return NULL;
    }
    PyObject *out = PyList_New(0);
    if (out && add_runs(out, (const int8_t *)buf.buf, lo, hi, NULL, NULL) < 0) Py_CLEAR(out);
    PyBuffer_Release(&buf);
    return out;
}

static Py_ssize_t count_shouted(const u8 *s, Py_ssize_t n, Py_ssize_t limit);

/* One pass over the folded text for the gate: its newlines, its code characters (CODE_CHARS), whether it holds a
 * fence ("```" or "~~~"), and whether it holds a byte that stops the C path: with `raw` set the text is ASCII read in
 * place, and a control character must be folded first; otherwise a character scored in Python (SLOW) or not in the
 * fold table yet (UNSEEN). Plain comparisons and sums, so that the compiler vectorises the loop: it reads every
 * character of every prompt. */
typedef struct { Py_ssize_t newlines, code_chars; int fence, stop; } Survey;

static Survey survey(const u8 *d, Py_ssize_t n, int raw) {
    Survey v = {0, 0, 0, 0};
    for (Py_ssize_t i = 0; i < n;) {
        /* chunks of at most 255 characters: byte-wide counters do not overflow, and vectorise best */
        Py_ssize_t end = n - i > 255 ? i + 255 : n, inner = end < n - 2 ? end : n - 2;
        u8 nl = 0, cc = 0, fence = 0, stop = 0;
        Py_ssize_t j = i;
        for (; j < inner; j++) {  /* a fence needs the two characters after: only read where they exist */
            u8 c = d[j];
            nl += c == '\n';
            cc += (c == '{') + (c == '}') + (c == ';') + (c == '(') + (c == ')') + (c == '=') + (c == '<') + (c == '>')
                  + (c == '$') + (c == '[') + (c == ']');
            fence |= (c == '`' || c == '~') & (d[j + 1] == c) & (d[j + 2] == c);
            stop |= raw ? (c < 9) | ((u8)(c - 14) < 18) | (c == 127) : (c == SLOW) | (c == UNSEEN);
        }
        for (; j < end; j++) {
            u8 c = d[j];
            nl += c == '\n';
            cc += (u8)(memchr(CODE_CHARS, c, sizeof CODE_CHARS - 1) != NULL);
            stop |= raw ? (c < 9) | ((u8)(c - 14) < 18) | (c == 127) : (c == SLOW) | (c == UNSEEN);
        }
        v.newlines += nl, v.code_chars += cc, v.fence |= fence, v.stop |= stop;
        i = end;
    }
    return v;
}

/* code_classifier.find_blocks in one call: fold, the cheap gate, scores, fences and runs. None when the Python path
 * must take it: a character not classified yet, or one scored in Python. */
static PyObject *py_blocks(PyObject *self, PyObject *args) {
    PyObject *text, *table_obj;
    double min_ratio;
    Py_buffer table;
    if (!check_configured() || !PyArg_ParseTuple(args, "UOd", &text, &table_obj, &min_ratio)) return NULL;
    if (get_table(table_obj, &table) < 0) return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    u8 *folded = NULL;
    PyObject *out = NULL;
    int64_t *st = NULL, *en = NULL;
    int8_t *q = NULL;
    /* ASCII is its own folding, unless it holds a control character: read in place, no copy */
    const u8 *d = PyUnicode_IS_ASCII(text) ? PyUnicode_1BYTE_DATA(text) : NULL;
    Survey v = {0, 0, 0, 1};
    if (d) v = survey(d, n, 1);
    if (v.stop) {
        if (!(folded = PyMem_Malloc((size_t)n + 1))) {
            PyErr_NoMemory();
            goto done;
        }
        if (!fold_into(text, table.buf, folded)) goto python;
        d = folded;
        v = survey(d, n, 0);
        if (v.stop) goto python;
    }
    Py_ssize_t lines = v.newlines + (n && d[n - 1] != '\n');  /* as count_lines: no line after a final newline */
    out = PyList_New(0);
    if (!out || (!v.fence && lines < MIN_LINES)) goto done;
    /* the cheap gate: code punctuation, or the capitals of SQL, COBOL and ABAP */
    if (!v.fence && (double)v.code_chars < min_ratio * (double)n && count_shouted(d, n, MIN_LINES) < MIN_LINES)
        goto done;
    st = PyMem_Malloc(sizeof *st * (size_t)(lines + 1));
    en = PyMem_Malloc(sizeof *en * (size_t)(lines + 1));
    q = PyMem_Malloc((size_t)lines + 1);
    if (!st || !en || !q) {
        Py_CLEAR(out);
        PyErr_NoMemory();
        goto done;
    }
    score_lines(d, n, lines, st, en, q, 0);  /* the blocks need each line's side of the thresholds only */
    if ((v.fence ? add_fenced(out, d, q, lines, st, en) : add_runs(out, q, 0, lines, st, en)) < 0) Py_CLEAR(out);
    goto done;
python:
    out = Py_NewRef(Py_None);
done:
    PyMem_Free(folded), PyMem_Free(st), PyMem_Free(en), PyMem_Free(q);
    PyBuffer_Release(&table);
    return out;
}

/* len(regex.findall(r"\b[A-Z][A-Z-]{2,}\b", text)) on the folded text, counting up to `limit`: the capitals of
 * SQL, COBOL and ABAP, which the cheap gate must let through. */
static Py_ssize_t count_shouted(const u8 *s, Py_ssize_t n, Py_ssize_t limit) {
    Py_ssize_t count = 0, i = 0;
#define SHOUT(c) (ASCII_UPPER(c) || (c) == '-')
#define W(k) ((k) < n && IS(s[k], WORD))
    while (i < n && count < limit) {
        if (!ASCII_UPPER(s[i]) || (i > 0 && IS(s[i - 1], WORD))) {
            i++;
            continue;
        }
        Py_ssize_t e = i + 1;
        while (e < n && SHOUT(s[e])) e++;
        /* the longest run first, then shorter ones, as the regex backtracks: the end must be a word boundary */
        Py_ssize_t end = -1;
        for (Py_ssize_t k = e; k >= i + 3; k--)
            if ((IS(s[k - 1], WORD) != 0) != (W(k) != 0)) {
                end = k;
                break;
            }
        if (end < 0) {
            i++;
            continue;
        }
        count++;
        i = end;
    }
#undef SHOUT
#undef W
    return count;
}

static PyObject *py_shouted(PyObject *self, PyObject *args) {
    Py_buffer buf;
    Py_ssize_t limit;
    if (!PyArg_ParseTuple(args, "y*n", &buf, &limit)) return NULL;
    Py_ssize_t count = count_shouted(buf.buf, buf.len, limit);
    PyBuffer_Release(&buf);
    return PyLong_FromSsize_t(count);
}

static PyMethodDef methods[] = {
    {"shouted", py_shouted, METH_VARARGS, "shouted(folded, limit) -> words in capitals, counted up to limit."},
    {"configure", py_configure, METH_VARARGS,
     "configure(keywords, ambiguous, bare, code_chars): the word sets as bytes, the gate's code characters."},
    {"fold", py_fold, METH_VARARGS, "fold(text, table) -> bytes, or None when a character is not in the table."},
    {"scores", py_scores, METH_VARARGS, "scores(folded) -> (starts int64, ends int64, quarter points int8) as bytes."},
    {"blocks", py_blocks, METH_VARARGS,
     "blocks(text, table, min_ratio) -> [(start, end, lines, code lines, info start, info end, body start, "
     "body end)], or None for the Python path."},
    {"runs", py_runs, METH_VARARGS, "runs(quarters, lo, hi) -> [(first, last, nonblank, code lines)]."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, .m_name = "_codescan", .m_doc = "The source-code stage's hot loop.", .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC PyInit__codescan(void) {
    init_tables();
    PyObject *m = PyModule_Create(&module);
    /* The constants written here, for a test to hold them equal to the Python ones. */
    if (m && (PyModule_AddIntConstant(m, "BLANK", BLANK) < 0 || PyModule_AddIntConstant(m, "UNSEEN", UNSEEN) < 0
              || PyModule_AddIntConstant(m, "LONG_LINE", LONG_LINE) < 0 || PyModule_AddIntConstant(m, "CODE", CODE_Q) < 0
              || PyModule_AddIntConstant(m, "COMMENT", COMMENT_Q) < 0
              || PyModule_AddIntConstant(m, "MIN_LINES", MIN_LINES) < 0
              || PyModule_AddIntConstant(m, "MAX_GAP", MAX_GAP) < 0 || PyModule_AddIntConstant(m, "SLOW", SLOW) < 0
              || PyModule_AddIntConstant(m, "FENCED_CODE", FENCED_CODE_Q) < 0
              || PyModule_AddIntConstant(m, "MIN_FENCED_CODE_LINES", MIN_FENCED_CODE_LINES) < 0
              || PyModule_AddStringConstant(m, "SOURCE", CODESCAN_SOURCE) < 0))
        Py_CLEAR(m);
    return m;
}
