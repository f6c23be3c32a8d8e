"""EdmStage: reports a prompt holding values of one record of an indexed table (exact data match), never the values."""

from __future__ import annotations

from detectors.edm_index import EdmIndex
from detectors.edm_values import candidate_spans
from detectors.finding import Confidence, Finding
from detectors.stage import Document

MAX_FINDINGS = 200  # a whole table pasted: enough to block, without flooding the incident log


class EdmStage:
    """Looks up every candidate value of the prompt; a record with `min_columns` distinct columns found is reported.

    `min_columns` comes from the policy; without one, from the index (`gardefou index edm --min-columns`).
    """

    name = "edm"

    def __init__(self, index: EdmIndex, min_columns: int | None = None) -> None:
        self.index = index
        self.min_columns = index.min_columns if min_columns is None else min_columns

    def scan(self, doc: Document) -> list[Finding]:
        text = doc.norm.text
        idx = self.index
        spans = candidate_spans(text, idx.max_words, idx.known_words if idx.words is not None else None)
        out: list[Finding] = []
        for row, found in sorted(idx.lookup(spans).items()):
            cols = _separate(found, spans)
            places = set(cols.values())
            # One stretch of text counts once, even when two columns hold the same value.
            if min(len(cols), len(places)) < self.min_columns:
                continue
            start = min(a for a, _ in places)
            end = max(b for _, b in places)
            a, b = doc.norm.to_original(start, end)
            names = ",".join(idx.columns[c] for c in sorted(cols))
            why = f"{len(cols)} columns of one record of table {idx.table!r} match (threshold {self.min_columns})"
            out.append(Finding(
                "intellectual_property", "edm_record", f"intellectual_property.edm.{idx.table}", a, b, Confidence.HIGH,
                (why,), (("table", idx.table), ("columns", names), ("record", str(row + 1))),
            ))
            if len(out) >= MAX_FINDINGS:
                break
        return out


def _separate(found: dict[int, str], spans: dict[str, tuple[int, int]]) -> dict[int, tuple[int, int]]:
    """Column -> span, without values lying inside another column's value ("jean" inside jean.dupont@...)."""
    placed = {col: spans[v] for col, v in found.items()}
    return {
        col: (a, b) for col, (a, b) in placed.items()
        if not any(c != col and x <= a and b <= y and (x, y) != (a, b) for c, (x, y) in placed.items())
    }
