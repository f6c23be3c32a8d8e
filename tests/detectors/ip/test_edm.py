"""Exact data match on a generated 100,000-row table: records found from 2 columns, mixed rows not, no plaintext."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from detectors.edm import EdmStage
from detectors.edm_index import FORMAT, WORD_PERSON, EdmIndex, Hasher, build_edm_index
from detectors.edm_values import normalize_value
from detectors.errors import ConfigError
from detectors.index_file import IndexFileError, read_index, write_index
from detectors.index_key import load_key, load_or_create_key
from detectors.normalize import normalize
from detectors.pipeline import EngineConfig, build_engine
from detectors.stage import Document
from gardefou.cli import main

Table = tuple[Path, list[list[str]]]


@pytest.fixture(scope="module")
def built(customers: Table, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, EdmStage]:
    csv_path, _ = customers
    d = tmp_path_factory.mktemp("edm-index")
    key_file, out = d / "keys" / "edm.key", d / "clients.edm.npz"
    assert main(["index", "edm", str(csv_path), "--out", str(out), "--key-file", str(key_file),
                 "--columns", "first_name,last_name,email,phone,iban,city", "--table", "clients"]) == 0
    return out, key_file, EdmStage(EdmIndex.load(out))


def _scan(stage: EdmStage, text: str):  # type: ignore[no-untyped-def]
    return stage.scan(Document(normalize(text)))


@pytest.mark.parametrize(
    ("template", "columns"),
    [
        ("Peux-tu relancer {last_name} ({email}) pour sa facture ?", "last_name,email"),
        ("Client {first_name} {last_name}, tél. {phone}", "first_name,last_name,phone"),
        ("IBAN {iban} — joindre {email}", "email,iban"),
        ("appelle le +33 {phone_intl} ou écris à {email_upper}", "email,phone"),
        ("virement depuis {iban_compact} de {first_name} {last_name}", "first_name,last_name,iban"),
    ],
)
def test_two_columns_of_one_record_are_reported(built: tuple[Path, Path, EdmStage], customers: Table,
                                                template: str, columns: str) -> None:
    _, rows = customers
    row_no = 54_321
    _, first, last, email, phone, iban, _ = rows[row_no]
    text = template.format(first_name=first, last_name=last, email=email, phone=phone, iban=iban,
                           phone_intl=phone[1:], email_upper=email.upper(), iban_compact=iban.replace(" ", ""))
    findings = [f for f in _scan(built[2], text) if f.attribute("record") == str(row_no + 1)]
    assert len(findings) == 1
    f = findings[0]
    assert (f.category, f.type, f.attribute("table"), f.attribute("columns")) == (
        "intellectual_property", "edm_record", "clients", columns)
    assert 0 <= f.start < f.end <= len(text)
    span = text[f.start:f.end].lower()
    assert any(v.lower() in span for v in (email, phone[3:], iban, iban.replace(" ", ""), last))


@pytest.mark.parametrize("pair", [(10, 20), (99_998, 3), (500, 501), (42, 4242)])
def test_values_of_different_records_are_not_reported(built: tuple[Path, Path, EdmStage], customers: Table,
                                                      pair: tuple[int, int]) -> None:
    _, rows = customers
    a, b = rows[pair[0]], rows[pair[1]]
    text = f"Écris à {a[3]} et appelle le {b[4]} (IBAN {a[5][:9]}…)"
    assert _scan(built[2], text) == []


def test_one_record_among_others(built: tuple[Path, Path, EdmStage], customers: Table) -> None:
    _, rows = customers
    a, b = rows[31_337], rows[2]
    text = f"{a[3]} ; {b[4]} ; {a[5]}"  # e-mail and IBAN of a, phone of b
    assert [f.attribute("record") for f in _scan(built[2], text)] == ["31338"]


def test_common_values_alone_are_not_a_record(built: tuple[Path, Path, EdmStage]) -> None:
    assert _scan(built[2], "Marie Martin habite à Paris, Jean-Pierre Dubois à Lyon.") == []


def test_index_file_holds_no_plaintext(built: tuple[Path, Path, EdmStage], customers: Table) -> None:
    data = built[0].read_bytes()
    _, rows = customers
    checked = 0
    for row in rows[::400]:  # 250 records, every cell, raw and normalised (each search reads the whole file)
        for cell in row[1:]:
            for form in {cell, normalize_value(cell) or cell}:
                if len(form) >= 6:
                    assert form.encode("utf-8") not in data
                    checked += 1
    assert checked > 1000
    assert "Lefèvre".encode() not in data and b"exemple.fr" not in data


def _multi_word_cell_words(rows: list[list[str]]) -> set[str]:
    return {w for row in rows for cell in row[1:] if " " in (v := normalize_value(cell) or "") for w in v.split(" ")}


def test_word_array_is_keyed_apart_from_cells(built: tuple[Path, Path, EdmStage], customers: Table) -> None:
    words = _multi_word_cell_words(customers[1])
    assert {"jean", "pierre", "saint", "etienne", "aix", "en", "provence", "n", "diaye"} == words
    key, index = load_key(built[1]), built[2].index
    assert index.words is not None
    assert index.words.tolist() == sorted(Hasher(key, WORD_PERSON).many(sorted(words)).tolist())
    # Another personalisation: no word entry equals the cell hash of the same text.
    assert not set(index.words.tolist()) & set(Hasher(key).many(sorted(words)).tolist())
    data = built[0].read_bytes()
    assert not [w for w in words if len(w) >= 5 and w.encode() in data]


def _multi_word_record(rows: list[list[str]]) -> tuple[int, str]:
    row_no = next(i for i, r in enumerate(rows) if i > 1000 and r[1] == "Jean-Pierre" and r[6] == "Saint-Étienne")
    _, first, last, _, phone, _, city = rows[row_no]
    return row_no, f"Rappeler {first} {last} à {city}, tél. {phone}, merci"


def test_multi_word_values_found_through_the_word_filter(built: tuple[Path, Path, EdmStage],
                                                         customers: Table) -> None:
    row_no, text = _multi_word_record(customers[1])
    found = [f for f in _scan(built[2], text) if f.attribute("record") == str(row_no + 1)]
    assert [f.attribute("columns") for f in found] == ["first_name,last_name,phone,city"]


def test_index_without_word_array_still_works(built: tuple[Path, Path, EdmStage], customers: Table,
                                              tmp_path: Path) -> None:
    # As the code before the word array wrote it: same format, no "words" array nor metadata entry.
    meta, arrays = read_index(built[0], FORMAT)
    del meta["words"], arrays["words"]
    old = tmp_path / "old.edm.npz"
    write_index(old, FORMAT, meta, arrays)
    stage = EdmStage(EdmIndex.load(old))
    assert stage.index.words is None
    _, rows = customers
    row_no, text = _multi_word_record(rows)
    texts = [text, *(f"{r[1]} {r[2]} de {r[6]} : {r[3]}" for r in rows[2000:2300])]
    assert all(_scan(stage, t) == _scan(built[2], t) for t in texts)
    found = [f.attribute("columns") for f in _scan(stage, text) if f.attribute("record") == str(row_no + 1)]
    assert found == ["first_name,last_name,phone,city"]


def test_key_file_is_private_and_required(built: tuple[Path, Path, EdmStage], tmp_path: Path) -> None:
    index_path, key_file, _ = built
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    other = tmp_path / "other.key"
    load_or_create_key(other)
    with pytest.raises(IndexFileError, match="not the key this index was built with"):
        EdmIndex.load(index_path, key_file=other)


def test_engine_loads_the_index(built: tuple[Path, Path, EdmStage], customers: Table) -> None:
    _, rows = customers
    engine = build_engine(EngineConfig(edm_index=built[0]))
    r = rows[777]
    findings = [f for f in engine.findings(f"{r[1]} {r[2]} : {r[3]}") if f.type == "edm_record"]
    assert [f.attribute("record") for f in findings] == ["778"]


def test_threshold_from_the_configuration(built: tuple[Path, Path, EdmStage], customers: Table) -> None:
    _, rows = customers
    r = rows[4_242]
    two, three = f"{r[2]} : {r[3]}", f"{r[1]} {r[2]} : {r[3]}"
    engine = build_engine(EngineConfig(edm_index=built[0], edm_min_columns=3, source_code=False))
    assert not [f for f in engine.findings(two) if f.type == "edm_record"]
    found = [f for f in engine.findings(three) if f.type == "edm_record"]
    assert [f.attribute("record") for f in found] == ["4243"] and "(threshold 3)" in found[0].explanation[0]
    assert [f.attribute("record") for f in _scan(EdmStage(EdmIndex.load(built[0]), 3), three)] == ["4243"]


def test_threshold_above_the_indexed_columns_is_a_config_error(built: tuple[Path, Path, EdmStage]) -> None:
    with pytest.raises(ConfigError, match=r"threshold of 7 columns can never match"):
        build_engine(EngineConfig(edm_index=built[0], edm_min_columns=7, source_code=False))


def test_cli_scan_takes_the_threshold(built: tuple[Path, Path, EdmStage], customers: Table,
                                      capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    _, rows = customers
    r = rows[99]
    prompt = tmp_path / "prompt.txt"
    prompt.write_text(f"Relance {r[2]} ({r[3]}) stp")
    for threshold, expected in (("2", True), ("3", False)):
        main(["scan", "--no-cache", "--category", "intellectual_property", "--edm-index", str(built[0]),
              "--edm-min-columns", threshold, str(prompt)])
        assert ("edm_record" in capsys.readouterr().out) is expected


def test_unreadable_index_is_a_config_error(tmp_path: Path) -> None:
    bad = tmp_path / "broken.npz"
    bad.write_bytes(b"not a zip at all")
    with pytest.raises(ConfigError, match=r"broken\.npz"):
        build_engine(EngineConfig(edm_index=bad, source_code=False))


def test_is_stale_after_rewrite(tmp_path: Path) -> None:
    csv_path = tmp_path / "t.csv"
    csv_path.write_text("nom,email\nDupont,a.dupont@exemple.fr\n", encoding="utf-8")
    key = load_or_create_key(tmp_path / "k")
    out = tmp_path / "t.npz"
    build_edm_index(csv_path, key).save(out, tmp_path / "k")
    idx = EdmIndex.load(out)
    assert not idx.is_stale()
    csv_path.write_text("nom,email\nDupont,a.dupont@exemple.fr\nMartin,b.martin@exemple.fr\n", encoding="utf-8")
    build_edm_index(csv_path, key).save(out, tmp_path / "k")
    assert idx.is_stale()


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        ("nom,email\nDupont,a@b.fr\n", ["--columns", "nom,telephone"], "t.csv:1: column(s) 'telephone' not in the header"),
        ("nom,email\nDupont,a@b.fr\nMartin\n", [], "t.csv:3: 1 cell(s), the header has 2"),
        ("", [], "t.csv:1: empty file"),
        (b"nom,email\nDupont,\xff\xfe@b.fr\n", [], "t.csv:2: not valid utf-8"),
    ],
)
def test_bad_csv_named_with_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | bytes,
                                 args: list[str], message: str) -> None:
    csv_path = tmp_path / "t.csv"
    if isinstance(content, bytes):
        csv_path.write_bytes(content)
    else:
        csv_path.write_text(content, encoding="utf-8")
    rc = main(["index", "edm", str(csv_path), "--key-file", str(tmp_path / "k"), *args])
    assert rc == 2
    assert message in capsys.readouterr().err


def test_missing_csv_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["index", "edm", str(tmp_path / "nope.csv"), "--key-file", str(tmp_path / "k")]) == 2
    assert "nope.csv: cannot read" in capsys.readouterr().err
