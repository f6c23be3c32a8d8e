"""Pure decisions of the names stage: where a name starts and ends, what is noise, where NER should look."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import regex

# A name token: Capitalised (Jean-Pierre, O'Neil, Lefèvre) or UPPERCASE (DUPONT); no digits.
_TOKEN = regex.compile(r"\p{Lu}(?:[\p{Ll}'’]*\p{Ll}|\p{Lu}+)(?:-\p{Lu}(?:\p{Ll}+|\p{Lu}+))*")
_PARTICLE = regex.compile(r"(?:de la|de|du|des|van|von|der|den|da|di|del|della|dos|le|la|ben|bin|el|al|d'|D')")
_HONORIFIC = regex.compile(
    r"(?:M\.|Mme|Mlle|Mr\.?|Mrs\.?|Ms\.?|Dr\.?|Monsieur|Madame|Mademoiselle|Maître|Docteur|Professeur|Sir|Miss)$")

# Capitalised words that are not names: salutations, verbs at the start of a sentence, labels, product words.
NOT_NAMES = frozenset(
    """madame monsieur mademoiselle mme mlle bonjour bonsoir merci cordialement salut objet nom prénom client cliente
    appelez contactez accentuer customer contact dear hello hi thanks regards best kind sincerely name email e-mail
    tél tel téléphone adresse address phone mobile date facture invoice ticket note notes remarque re fwd tr
    lundi mardi mercredi jeudi vendredi samedi dimanche janvier février mars avril mai juin juillet août septembre
    octobre novembre décembre monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december drh rh hr ceo cto cfo sas sarl sa ltd inc gmbh llc
    iban bic siret siren tva vat rib cdi cdd rgpd gdpr api pdf json python java javascript sql""".split()
)


# First words of organisations and places: a capitalised pair starting with one is not worth NER time.
ORG_PLACE_WORDS = frozenset(
    """société societe crédit credit banque caisse groupe mutuelle assurance assurances université universite lycée
    école ecole collège hôpital hopital clinique centre ministère mairie conseil agence cabinet fondation association
    air rue avenue boulevard place quai saint sainte mont port gare aéroport musée parc stade hôtel hotel restaurant
    référence reference version article chapitre annexe section service direction département departement région
    bank group university college hospital street road national international general""".split()
)


def worth_ner(pair: str) -> bool:
    """Whether NER could find a person in this capitalised pair: not labels, acronyms, organisations or places."""
    words = pair.replace("-", " ").split()
    if any(w.lower() in NOT_NAMES or w.lower() in ORG_PLACE_WORDS for w in words):
        return False
    return not any(w.isupper() and len(w) <= 4 for w in words)


def name_end(text: str, pos: int, max_tokens: int = 3) -> int:
    """End of the capitalised tokens (with particles) that follow `pos` after single spaces; `pos` if none."""
    end = pos
    i = pos
    taken = 0
    while taken < max_tokens and i < len(text) and text[i] == " ":
        j = i + 1
        p = _PARTICLE.match(text, j)
        if p is not None and p.end() < len(text) and text[p.end()] in " '":
            k = p.end() + (1 if text[p.end()] == " " else 0)
            t = _TOKEN.match(text, k)
            if t is None:
                break
            end = i = t.end()
            taken += 1
            continue
        t = _TOKEN.match(text, j)
        if t is None or t.group().lower() in NOT_NAMES:
            break
        end = i = t.end()
        taken += 1
    return end


def full_name_at(text: str, pos: int) -> int:
    """End of a name of at least two capitalised tokens starting at `pos`, or `pos` when there is none."""
    t = _TOKEN.match(text, pos)
    if t is None or t.group().lower() in NOT_NAMES:
        return pos
    end = name_end(text, t.end())
    return end if end > t.end() else pos


_UPPER_WORD = regex.compile(r"\p{Lu}{2,}(?:-\p{Lu}{2,})?$")


def uppercase_surname_before(text: str, start: int) -> int:
    """Start of an UPPERCASE surname written before the first name ("DUPONT Marie"), or `start` if none."""
    if start < 3 or text[start - 1] != " ":
        return start
    m = _UPPER_WORD.search(text, max(0, start - 32), start - 1)
    if m is None or m.end() != start - 1 or len(m.group()) < 3 or m.group().lower() in NOT_NAMES:
        return start
    return m.start() if m.start() == 0 or not text[m.start() - 1].isalnum() else start


def skip_separators(text: str, pos: int) -> int:
    """First position after spaces, a colon, a comma or one line break (between "Nom :" and the name)."""
    while pos < len(text) and text[pos] in " :,\n" and text[pos:pos + 2] != "\n\n":
        pos += 1
    return pos


def honorific_before(text: str, start: int) -> bool:
    """An honorific (M., Mme, Dr, Mrs...) right before `start`."""
    return bool(_HONORIFIC.search(text[max(0, start - 14):start].rstrip(" ")))


def is_noise(span_text: str) -> bool:
    """NER output that is not a name: verbs, labels, e-mails, identifiers, code, lowercase words, acronyms."""
    s = span_text.strip()
    if len(s) < 2 or any(c.isdigit() for c in s) or any(c in s for c in "@/\\_=#<>{}()[]|:;\n\t"):
        return True
    tokens = s.split()
    if not tokens or any(not t[0].isupper() for t in tokens if not _PARTICLE.fullmatch(t)):
        return True
    if all(t.lower().strip(".,") in NOT_NAMES for t in tokens):
        return True
    return len(tokens) == 1 and s.isupper() and len(s) <= 4


def trim_name(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop leading honorifics and non-name words ("Appelez Mme Lefèvre" -> "Lefèvre") and trailing punctuation."""
    while start < end:
        m = regex.match(r"\S+", text[start:end])
        if m is None:
            break
        word = m.group()
        if word.lower().strip(".,") in NOT_NAMES or _HONORIFIC.fullmatch(word) or not word[0].isupper():
            start += len(word)
            while start < end and text[start] == " ":
                start += 1
            continue
        break
    while end > start and text[end - 1] in " .,;:!?'\"-":
        end -= 1
    # A trailing particle ("Dossier de") is not part of a name.
    words = text[start:end].split(" ")
    while len(words) > 1 and _PARTICLE.fullmatch(words[-1]):
        words.pop()
    return start, start + len(" ".join(words))


def overlaps_any(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(start < b and a < end for a, b in spans)


def windows(text: str, anchors: Sequence[tuple[int, int]], radius: int, budget: int) -> list[tuple[int, int]]:
    """Merged windows of `radius` characters around each anchor, snapped to spaces, until `budget` characters."""
    out: list[tuple[int, int]] = []
    total = 0
    for a, b in sorted(anchors):
        lo = max(0, a - radius)
        hi = min(len(text), b + radius)
        sp = text.find(" ", lo, a)
        lo = sp + 1 if lo > 0 and sp >= 0 else lo
        sp = text.rfind(" ", b, hi)
        hi = sp if hi < len(text) and sp > b else hi
        if out and lo <= out[-1][1]:
            grown = hi - out[-1][1]
            if hi > out[-1][1]:
                if total + grown > budget:
                    break
                out[-1] = (out[-1][0], hi)
                total += grown
            continue
        if total + (hi - lo) > budget:
            break
        out.append((lo, hi))
        total += hi - lo
    return out
