"""A cheap French/English guess from function-word counts, used to route text to the right NER model."""

from __future__ import annotations

import regex

_WORD = regex.compile(r"[a-zàâçéèêëîïôûùüÿœ']+")
_FR = frozenset("le la les des du de un une et est sont pour avec dans sur par pas que qui au aux ce cette "
                "nous vous je il elle mon ma mes son sa ses votre vos notre merci bonjour".split())
_EN = frozenset("the and is are for with in on by not that which to of a an this these we you i he she my "
                "his her your our thanks hello please from".split())


def guess_language(text: str, sample: int = 2000) -> str:
    """'fr' or 'en': whichever language's function words are more frequent in the first `sample` characters."""
    fr = en = 0
    for m in _WORD.finditer(text[:sample].lower()):
        w = m.group()
        if w in _FR:
            fr += 1
        elif w in _EN:
            en += 1
    return "en" if en > fr else "fr"
