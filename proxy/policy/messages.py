"""The bilingual (French, English) texts shown to a user whose request was stopped; never any matched value."""

from __future__ import annotations

from collections.abc import Iterable

CATEGORY_NAMES = {
    "credentials": ("identifiants et secrets", "credentials"),
    "regulated_data": ("données personnelles réglementées", "regulated personal data"),
    "source_code": ("code source", "source code"),
    "intellectual_property": ("propriété intellectuelle", "intellectual property"),
}
JUSTIFICATION_HEADER = "X-Gardefou-Justification"
_PREFIX = "Garde-fou"


def _names(categories: Iterable[str], lang: int) -> str:
    return ", ".join(CATEGORY_NAMES.get(c, (c, c))[lang] for c in categories)


def blocked(categories: tuple[str, ...], types: tuple[str, ...]) -> str:
    t = ", ".join(types)
    return (f"{_PREFIX} : envoi bloqué par la charte d'usage de l'IA de votre entreprise, {_names(categories, 0)} "
            f"détecté(s) ({t}). Retirez ces données puis réessayez. / "
            f"{_PREFIX}: request blocked by your company's AI usage policy, {_names(categories, 1)} found ({t}). "
            f"Remove this data and try again.")


def coached(categories: tuple[str, ...], types: tuple[str, ...]) -> str:
    what_fr = f"{_names(categories, 0)} détecté(s) ({', '.join(types)})" if categories else "usage à justifier"
    what_en = f"{_names(categories, 1)} found ({', '.join(types)})" if categories else "this use needs a reason"
    return (f"{_PREFIX} : {what_fr}. Pour envoyer quand même, donnez une justification "
            f"(en-tête {JUSTIFICATION_HEADER} pour les clients d'API) ; elle sera enregistrée. / "
            f"{_PREFIX}: {what_en}. To send anyway, give a justification "
            f"(header {JUSTIFICATION_HEADER} for API clients); it will be recorded.")


def not_rewritable(categories: tuple[str, ...], types: tuple[str, ...]) -> str:
    t = ", ".join(types)
    return (f"{_PREFIX} : {_names(categories, 0)} détecté(s) ({t}) ; cette requête est signée et ne peut pas être "
            f"caviardée, elle est donc bloquée. / {_PREFIX}: {_names(categories, 1)} found ({t}); this request is "
            f"signed and cannot be redacted, so it was blocked.")


def unsanctioned(service: str) -> str:
    return (f"{_PREFIX} : le service d'IA « {service} » n'est pas autorisé par votre entreprise. / "
            f"{_PREFIX}: the AI service '{service}' is not authorised by your company.")


def uninspectable(error: str) -> str:
    return (f"{_PREFIX} : la requête n'a pas pu être inspectée ({error}) et la charte bloque dans ce cas. / "
            f"{_PREFIX}: the request could not be inspected ({error}) and the policy blocks it in that case.")


def request_rule(rule: str) -> str:
    return (f"{_PREFIX} : requête bloquée par la règle « {rule} » de la charte d'usage de l'IA. / "
            f"{_PREFIX}: request blocked by the AI usage policy rule '{rule}'.")
