"""plan_redactions(): typed, numbered placeholders, the same value the same placeholder across segments."""

from __future__ import annotations

import pytest

from proxy.redact import Span, plan_redactions


@pytest.mark.parametrize(("texts", "spans", "expected"), [
    (["mail a@b.fr"], [Span(0, 5, 11, "email")], {0: "mail [EMAIL_1]"}),
    (["a@b.fr et c@d.fr"], [Span(0, 0, 6, "email"), Span(0, 10, 16, "email")], {0: "[EMAIL_1] et [EMAIL_2]"}),
    # the same value in two segments: one placeholder
    (["a@b.fr", "x", "re a@b.fr"], [Span(2, 3, 9, "email"), Span(0, 0, 6, "email")],
     {0: "[EMAIL_1]", 2: "re [EMAIL_1]"}),
    # numbering is per type
    (["a@b.fr FR76"], [Span(0, 0, 6, "email"), Span(0, 7, 11, "iban")], {0: "[EMAIL_1] [IBAN_1]"}),
    # overlapping spans merge: nothing of either value leaks
    (["abcdefgh"], [Span(0, 1, 5, "aws_key"), Span(0, 3, 7, "secret")], {0: "a[AWS_KEY_1]h"}),
    (["abcdefgh"], [Span(0, 2, 4, "x"), Span(0, 0, 8, "y")], {0: "[Y_1]"}),
    # code points, not bytes
    (["é@è.fr, ok"], [Span(0, 0, 6, "email")], {0: "[EMAIL_1], ok"}),
    ([], [], {}),
])
def test_plan_redactions(texts: list[str], spans: list[Span], expected: dict[int, str]) -> None:
    assert plan_redactions(texts, spans) == expected


def test_span_outside_text_is_refused() -> None:
    with pytest.raises(ValueError, match="outside"):
        plan_redactions(["abc"], [Span(0, 2, 9, "x")])
