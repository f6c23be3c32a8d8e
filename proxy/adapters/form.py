"""Form: an application/x-www-form-urlencoded body whose field values can be replaced one by one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote_plus, unquote_plus

from proxy.adapters.base import AdapterError


@dataclass(frozen=True, slots=True)
class Form:
    """The decoded body text and, per field, its name, value and the span of its raw value."""

    text: str
    charset: str
    fields: tuple[tuple[str, str, int, int], ...]

    @classmethod
    def parse(cls, body: bytes, charset: str = "utf-8") -> Form:
        try:
            text = body.decode(charset)
        except (UnicodeDecodeError, LookupError):
            raise AdapterError(f"form body is not valid {charset}") from None
        fields: list[tuple[str, str, int, int]] = []
        pos = 0
        for pair in text.split("&"):
            if pair:
                raw_name, eq, raw_value = pair.partition("=")
                start = pos + len(raw_name) + len(eq)
                try:
                    name = unquote_plus(raw_name, encoding=charset, errors="strict")
                    value = unquote_plus(raw_value, encoding=charset, errors="strict")
                except UnicodeDecodeError:
                    raise AdapterError(f"form field #{len(fields) + 1} is not percent-encoded {charset}") from None
                fields.append((name, value, start, start + len(raw_value)))
            pos += len(pair) + 1
        return cls(text, charset, tuple(fields))

    def render(self, replacements: Mapping[int, str]) -> bytes:
        """The body with the values of the given fields replaced; other bytes are kept as they were."""
        out: list[str] = []
        pos = 0
        for index in sorted(replacements):
            _, value, start, end = self.fields[index]
            if replacements[index] == value:  # unchanged fields keep their exact encoding
                continue
            out.append(self.text[pos:start])
            out.append(quote_plus(replacements[index], safe="", encoding=self.charset))
            pos = end
        out.append(self.text[pos:])
        try:
            return "".join(out).encode(self.charset)
        except UnicodeEncodeError:
            raise AdapterError(f"replacement cannot be written in {self.charset}") from None
