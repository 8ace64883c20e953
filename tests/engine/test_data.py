"""The data layer: Dataset values, standardising, checksums, and reading CSV files.

Every bad file is checked for the line and column its message names; the numbers read are
checked against Python's own float() and numpy's writers, never against our earlier output.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gradient_studio.engine.data import (
    MAX_BYTES,
    MAX_ROWS,
    DataError,
    Dataset,
    load_csv,
    parse_csv,
)

# -- the Dataset value ---------------------------------------------------------------------


def test_columns_are_read_only_float64_copies() -> None:
    source = [1, 2, 3]
    d = Dataset("d", source, [4.0, 5.0, 6.0])
    assert d.x.dtype == np.float64 and d.y.dtype == np.float64
    with pytest.raises(ValueError):
        d.x[0] = 9.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.name = "other"  # type: ignore[misc]
    source[0] = 7
    assert d.x[0] == 1.0 and len(d) == d.rows == 3


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [
        ([1.0, 2.0], [1.0], "x has 2 rows but y has 1"),
        ([], [], "at least one row"),
        ([1.0, math.nan], [1.0, 2.0], "finite"),
        ([[1.0]], [1.0], "one column"),
    ],
)
def test_a_dataset_refuses_columns_that_are_no_data(
    x: list[float] | list[list[float]], y: list[float], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        Dataset("d", x, y)


def test_checksums_name_the_numbers_not_the_spelling() -> None:
    a = parse_csv("x,y\n1,2\n3,4\n")
    b = parse_csv('  "x"; "y"\r\n1.0;2e0\r\n+3;4.000\r\n\r\n')
    assert a.checksum == b.checksum and a.checksum.startswith("sha256:")
    assert a.checksum == Dataset("other", [1, 3], [2, 4]).checksum
    assert Dataset("d", [-0.0], [1]).checksum == Dataset("d", [0.0], [1]).checksum
    different = [
        Dataset("d", [1, 3], [2, 4.000000000000001]),
        Dataset("d", [3, 1], [4, 2]),  # the order of rows is part of the data
        Dataset("d", [2, 4], [1, 3]),  # x and y swapped
        Dataset("d", [1, 3, 1], [2, 4, 2]),
    ]
    assert len({a.checksum, *(d.checksum for d in different)}) == 1 + len(different)


def test_the_checksum_is_the_sha256_of_the_documented_bytes() -> None:
    import hashlib

    x, y = np.array([1.5, -2.0]), np.array([0.25, 8.0])
    expected = hashlib.sha256(
        b"gradient-studio dataset v1\n"
        + (2).to_bytes(8, "little")
        + x.astype("<f8").tobytes()
        + y.astype("<f8").tobytes()
    ).hexdigest()
    assert Dataset("d", x, y).checksum == f"sha256:{expected}"


def test_equal_datasets_hold_the_same_numbers_and_names() -> None:
    a, b = Dataset("d", [1, 2], [3, 4]), Dataset("d", [1.0, 2.0], [3.0, 4.0])
    assert a == b and hash(a) == hash(b)
    assert a != Dataset("e", [1, 2], [3, 4])
    assert a != Dataset("d", [1, 2], [3, 5])


def test_standardizing_gives_mean_0_and_standard_deviation_1() -> None:
    rng = np.random.default_rng(3)
    raw = Dataset("d", rng.normal(10.0, 3.0, 500), rng.normal(size=500))
    s = raw.standardized()
    assert abs(np.mean(s.x)) < 1e-12
    assert np.std(s.x) == pytest.approx(1.0, abs=1e-12)
    assert np.array_equal(s.y, raw.y)
    how = s.standardization
    assert how is not None and not how.constant
    assert how.mean == pytest.approx(np.mean(raw.x), rel=1e-15)
    assert how.scale == pytest.approx(np.std(raw.x), rel=1e-15)
    assert how.raw_checksum == raw.checksum != s.checksum
    assert np.allclose(how.undo(s.x), raw.x, rtol=1e-14)
    assert f"{how.mean:.4g}" in how.summary and f"{how.scale:.4g}" in how.summary
    assert s.standardized() is s


def test_a_constant_x_is_centred_and_says_so() -> None:
    s = Dataset("d", [10.1] * 4, [1, 2, 3, 4]).standardized()
    assert s.standardization is not None and s.standardization.constant
    assert s.standardization.scale == 1.0
    assert np.array_equal(s.x, np.zeros(4))
    assert "constant" in s.standardization.summary and "scale left at 1" in (
        s.standardization.summary
    )


def test_describe_records_what_a_run_needs_to_be_repeated() -> None:
    d = parse_csv("t,x,y\n0,8,1\n1,12,2\n", name="lab", source="lab.csv")
    info = d.describe()
    assert info == {
        "name": "lab",
        "source": "lab.csv",
        "rows": 2,
        "columns": ["x", "y"],
        "checksum": d.checksum,
    }
    s = d.standardized().describe()["standardized"]
    assert s == {"mean": 10.0, "scale": 2.0, "constant": False, "raw_checksum": d.checksum}


def test_to_csv_reads_back_to_the_same_numbers() -> None:
    rng = np.random.default_rng(5)
    d = Dataset("d", rng.normal(size=200) * 1e5, rng.normal(size=200) / 3)
    again = parse_csv(d.to_csv())
    assert np.array_equal(again.x, d.x) and again.checksum == d.checksum


# -- reading CSV: what is accepted -------------------------------------------------------------


def _read(text: str, **kw: object) -> Dataset:
    return parse_csv(text, **kw)  # type: ignore[arg-type]


def test_a_header_names_x_and_y_and_other_columns_are_ignored() -> None:
    d = _read("id,Y,note,X\n1,2.5,a,10\n2,3.5,b,20\n")
    assert d.x.tolist() == [10.0, 20.0] and d.y.tolist() == [2.5, 3.5]
    assert d.columns == ("X", "Y") and d.column_numbers == (4, 2)
    assert d.lines is not None and d.lines.tolist() == [2, 3]


def test_without_a_header_x_and_y_are_the_first_two_columns() -> None:
    d = _read("1,2,3\n4,5,6\n")
    assert d.x.tolist() == [1.0, 4.0] and d.y.tolist() == [2.0, 5.0]
    assert d.lines is not None and d.lines.tolist() == [1, 2]


def test_a_two_column_header_gives_its_columns_to_the_roles_it_does_not_name() -> None:
    d = _read("hours,score\n1,50\n2,60\n")
    assert d.columns == ("hours", "score") and d.x.tolist() == [1.0, 2.0]
    d = _read("y,height\n1,50\n2,60\n")
    assert d.columns == ("height", "y") and d.x.tolist() == [50.0, 60.0]


def test_pandas_index_column_with_an_empty_header_cell() -> None:
    d = _read(",x,y\n0,1.5,2\n1,2.5,3\n")
    assert d.x.tolist() == [1.5, 2.5] and d.column_numbers == (2, 3)


@pytest.mark.parametrize(
    ("kw", "x", "y"),
    [
        ({"x_column": "b", "y_column": "c"}, [4, 8], [3, 7]),
        ({"x_column": "C", "y_column": 1}, [3, 7], [1, 5]),  # names in any case
        ({"x_column": 4}, [4, 8], [2, 6]),  # y stays the column named y
        ({"y_column": " a "}, [], []),  # no column named x: refused below
    ],
)
def test_columns_can_be_picked_by_name_or_by_number(
    kw: dict[str, str | int], x: list[int], y: list[int]
) -> None:
    text = "a,y,c,b\n1,2,3,4\n5,6,7,8\n"
    if not x:
        with pytest.raises(DataError, match="names no column 'x'"):
            _read(text, **kw)
        return
    d = _read(text, **kw)
    assert d.x.tolist() == [float(v) for v in x] and d.y.tolist() == [float(v) for v in y]


def test_without_a_header_columns_are_picked_by_number() -> None:
    d = _read("1,2,3\n4,5,6\n", x_column=3, y_column=1)
    assert d.x.tolist() == [3.0, 6.0] and d.y.tolist() == [1.0, 4.0]
    d = _read("1,2,3\n4,5,6\n", x_column=2)
    assert d.x.tolist() == [2.0, 5.0] and d.y.tolist() == [1.0, 4.0]  # y: the first left


@pytest.mark.parametrize(
    "text",
    [
        "\ufeffx,y\r\n1,2\r\n3,4\r\n",  # Excel's CSV UTF-8: a BOM and CRLF
        "x,y\r1,2\r3,4\r",  # classic Mac line ends
        "x,y\n1,2\n3,4",  # no newline at the end
        "\n\n x , y \n 1 ,\t2 \n\n3,4\n\n\n  \n",  # blank lines and spaces anywhere
        "x,y\n1,2\n,\n3,4\n,\n",  # a spreadsheet's empty rows
        '"x","y"\n"1","2"\n3,"4"\n',  # quoted cells
        "x;y\n1;2\n3;4\n",  # semicolons
        "x\ty\n1\t2\n3\t4\n",  # tabs
        "x,y\n1.,2e0\n.3e1,+4\n",  # every spelling of a number
    ],
)
def test_the_usual_variants_of_csv_read_the_same(text: str) -> None:
    d = _read(text)
    assert d.x.tolist() == [1.0, 3.0] and d.y.tolist() == [2.0, 4.0]


def test_blank_lines_keep_the_line_numbers_of_later_rows_right() -> None:
    d = _read("x,y\n\n1,2\n\n\n3,4\n")
    assert d.lines is not None and d.lines.tolist() == [3, 6]
    d = _read('x,y,note\n\n1,2,"two\nlines"\n3,4,\n')  # a quoted cell over two lines
    assert d.lines is not None and d.lines.tolist() == [3, 5]
    with pytest.raises(DataError) as e:
        _read('x,y,note\n\n1,2,"two\nlines"\n3,oops,\n')
    assert (e.value.line, e.value.column) == (5, 2)


def test_a_quoted_cell_may_hold_the_separator_in_an_ignored_column() -> None:
    d = _read('x,note,y\n1,"red, large",2\n')
    assert d.x.tolist() == [1.0] and d.y.tolist() == [2.0]


def test_labels_are_checked_only_when_asked() -> None:
    text = "x,y\n1,0\n2,1.0\n3,0.5\n"
    assert _read(text).y.tolist() == [0.0, 1.0, 0.5]
    with pytest.raises(DataError) as e:
        _read(text, labels=True)
    assert (e.value.line, e.value.column) == (4, 2)
    assert str(e.value) == (
        "line 4, column 2 (y): 0.5 is not a label — the logistic loss needs y to be 0 or 1"
    )
    assert _read("x,y\n1,0\n2,1\n", labels=True).rows == 2


# -- reading CSV: every bad file, with its line and column --------------------------------------

BAD = [
    # (text, line, column, words the message must hold)
    ("x,y\n1,2\n3,abc\n", 3, 2, "line 3, column 2 (y): 'abc' is not a number"),
    ("x,y\n1,2\n,4\n", 3, 1, "line 3, column 1 (x): the cell is empty"),
    ("x,y\n1,NA\n", 2, 2, "'NA' marks a missing value"),
    ("x,y\n1,nan\n", 2, 2, "'nan' is not allowed; every value must be a finite number"),
    ("x,y\n-inf,1\n", 2, 1, "'-inf' is not allowed"),
    ("x,y\n1,Infinity\n", 2, 2, "'Infinity' is not allowed"),
    ("x,y\n1,1e999\n", 2, 2, "'1e999' is too large for a number"),
    ("x;y\n1,5;2\n", 2, 1, "decimal comma; write '1.5'"),
    ("x,y\n1,2_000\n", 2, 2, "underscore; write '2000'"),
    ("x,y\n\u22121,2\n", 2, 1, "typographic minus"),
    ("x,y\n1,2\u00a0\n", 2, 2, "invisible character (U+00A0); write '2'"),
    ("x,y\n1,2\n3\n", 3, 2, "line 3, column 2: the row has 1 cell but line 1 has 2"),
    ("x,y\n1,2\n3,4,5\n", 3, 3, "the row has 3 cells but line 1 has 2"),
    ("", 1, None, "line 1: the file is empty"),
    ("\n \n\n", 4, None, "the file is empty"),
    ("x,y\n\n", 2, None, "line 2: the header has no rows of data after it"),
    ("1\n2\n", 1, None, "line 1 has only one column"),
    ("a,b,c\n1,2,3\n", 1, None, "the header names no column 'x' (it has: 'a', 'b', 'c')"),
    ("x,b,c\n1,2,3\n", 1, None, "the header names no column 'y'"),
    ("x,y,x\n1,2,3\n", 1, 3, "two columns are named 'x' (columns 1 and 3)"),
    ("1,x\n2,3\n", 1, 2, "if line 1 is a header, every column needs a name"),
    ('x,y\n1,"2\n', 2, None, 'line 2: a quote (") opened here is never closed'),
    ('x,y\n1,"2"3\n', 2, None, "quoted cell must end at its closing quote"),
    ("x,y\n1,2\0\n", 2, None, "NUL"),
]


@pytest.mark.parametrize(("text", "line", "column", "words"), BAD)
def test_a_bad_file_gets_one_message_naming_its_line_and_column(
    text: str, line: int, column: int | None, words: str
) -> None:
    with pytest.raises(DataError) as e:
        parse_csv(text)
    assert (e.value.line, e.value.column) == (line, column), str(e.value)
    assert words in str(e.value)
    if line is not None:
        assert str(e.value).startswith(f"line {line}")


def test_the_first_bad_cell_of_the_file_is_the_one_reported() -> None:
    with pytest.raises(DataError) as e:
        parse_csv("x,y\n1,2\n3,bad\nworse,4\n")
    assert (e.value.line, e.value.column) == (3, 2)
    with pytest.raises(DataError) as e:
        parse_csv("y,x\n1,2\nbad,worse\n")  # x is column 2, y column 1: column 1 is first
    assert (e.value.line, e.value.column) == (3, 1)


@pytest.mark.parametrize(
    ("kw", "words"),
    [
        ({"x_column": "w"}, "no column is named 'w' (the header has: 'x', 'y', 'z')"),
        ({"x_column": 4}, "there is no column 4 for x; the file has 3 columns"),
        ({"x_column": 0}, "there is no column 0"),
        ({"x_column": "y"}, "column 2 cannot be both x and y"),
    ],
)
def test_a_picked_column_that_is_not_there_is_named(kw: dict[str, str | int], words: str) -> None:
    with pytest.raises(DataError, match=re.escape(words)) as e:
        _read("x,y,z\n1,2,3\n", **kw)
    assert e.value.line == 1


def test_without_a_header_a_column_cannot_be_picked_by_name() -> None:
    with pytest.raises(DataError, match="no header row, so the x column 'x'") as e:
        parse_csv("1,2\n", x_column="x")
    assert e.value.line == 1


@pytest.mark.parametrize(
    ("data", "line", "words"),
    [
        (b"x,y\n1,2\n3,\xe94\n", 3, "line 3: byte 0xe9 is not UTF-8"),
        (b"PK\x03\x04\x14\x00", 1, "zip archive, perhaps an Excel workbook"),
        ("x,y\n1,2\n".encode("utf-16"), 1, "UTF-16"),
        (b"x,y\n1,2\n\x00\x01\x02", 3, "NUL byte, so it is binary"),
    ],
)
def test_bytes_that_are_not_utf8_text_are_refused_with_the_encoding_to_use(
    data: bytes, line: int, words: str
) -> None:
    with pytest.raises(DataError) as e:
        parse_csv(data)
    assert e.value.line == line and words in str(e.value)
    assert "UTF-8" in str(e.value)


def test_bytes_with_a_bom_read_as_text_does() -> None:
    d = parse_csv("\ufeffx,y\r\n1,2\r\n".encode())
    assert d.x.tolist() == [1.0] and d.columns == ("x", "y")


@pytest.mark.parametrize("row", ["1," * 60_000, '"\n",' * 30_000])
def test_a_row_too_long_to_be_numbers_is_refused_before_it_fills_the_memory(row: str) -> None:
    with pytest.raises(DataError, match="line 3: the row is longer than 100,000 characters"):
        parse_csv(f"x,y\n1,2\n{row}\n")


def test_the_row_limit_is_100000_and_one_more_is_refused_at_its_line() -> None:
    ok = "x,y\n" + "1,2\n" * MAX_ROWS
    assert parse_csv(ok).rows == MAX_ROWS == 100_000
    with pytest.raises(DataError) as e:
        parse_csv(ok + "3,4\n")
    assert e.value.line == MAX_ROWS + 2
    assert f"line {MAX_ROWS + 2:,}".replace(",", "") in str(e.value).replace(",", "")
    assert "more than 100,000 rows" in str(e.value)


# -- reading files -------------------------------------------------------------------------


def test_a_file_written_by_numpy_reads_back_exactly(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    table = rng.normal(size=(300, 3)) * [1e-3, 1e4, 1.0]
    path = tmp_path / "measurements.csv"
    np.savetxt(path, table, delimiter=",", header="x,y,z", comments="", fmt="%.17g")
    d = load_csv(path)
    assert np.array_equal(d.x, table[:, 0]) and np.array_equal(d.y, table[:, 1])
    assert d.name == "measurements" and d.source == str(path)


def test_a_file_written_by_the_csv_module_reads_back_exactly(tmp_path: Path) -> None:
    rows = [(i * 0.1, -(i**2) / 7, f"note, {i}") for i in range(50)]
    path = tmp_path / "notes.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["x", "y", "note"])
        writer.writerows(rows)
    d = load_csv(path)
    assert d.x.tolist() == [r[0] for r in rows] and d.y.tolist() == [r[1] for r in rows]


def test_file_problems_are_named(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="there is no file") as e:
        load_csv(tmp_path / "missing.csv")
    assert e.value.line is None
    with pytest.raises(DataError, match="is a folder"):
        load_csv(tmp_path)
    big = tmp_path / "big.csv"
    with big.open("wb") as f:
        f.truncate(MAX_BYTES + 1)  # sparse: nothing is written, nothing is read
    with pytest.raises(DataError, match=r"is 10\.0 MB; a data file can be at most 10 MB"):
        load_csv(big)


def test_an_unreadable_file_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.csv"
    path.write_text("x,y\n1,2\n")

    def refuse(*args: object, **kw: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refuse)  # as a file without read permission does
    with pytest.raises(DataError, match=r"'.*locked\.csv' cannot be read: permission denied"):
        load_csv(path)


# -- property tests: hostile files never crash --------------------------------------------------


def _outcome(data: str | bytes) -> None:
    try:
        d = parse_csv(data)
    except DataError as e:
        assert e.line is not None and e.line >= 1
        assert e.column is None or e.column >= 1
        assert str(e).startswith(f"line {e.line}")
        return
    assert len(d.x) == len(d.y) == d.rows >= 1
    assert np.isfinite(d.x).all() and np.isfinite(d.y).all()
    assert d.lines is not None and (np.diff(d.lines) > 0).all() and d.lines[0] >= 1


@given(st.binary(max_size=400))
def test_random_bytes_give_a_dataset_or_a_data_error(data: bytes) -> None:
    _outcome(data)


_CSV_ALPHABET = st.sampled_from(list('0123456789.,;-+eE \t\n\r"xyXYanif_\u00a0\u2212é\ufeff'))


@given(st.text(_CSV_ALPHABET, max_size=300))
def test_random_csv_like_text_gives_a_dataset_or_a_data_error(text: str) -> None:
    _outcome(text)


_REFERENCE_NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


_CELL = st.text(st.sampled_from(list("0123456789.eE+- ")), max_size=8)


def _is_reference_number(cell: str) -> bool:
    return bool(_REFERENCE_NUMBER.fullmatch(cell.strip(" "))) and math.isfinite(float(cell))


@given(st.lists(st.tuples(_CELL, _CELL), min_size=1))
def test_a_cell_is_read_exactly_when_it_is_a_decimal_number(rows: list[tuple[str, str]]) -> None:
    """The reference: a cell is a number iff it matches the grammar (after spaces) and is
    finite, and then its value is what Python's float() makes of it. A bad file names its
    first bad cell, row by row, x before y."""
    text = "x,y\n" + "".join(f"{a},{b}\n" for a, b in rows)
    kept = [(line, row) for line, row in enumerate(rows, 2) if (row[0] + row[1]).strip()]
    cells = [(line, column, c) for line, row in kept for column, c in enumerate(row, 1)]
    bad: list[tuple[int, int | None]] = [
        (line, column) for line, column, c in cells if not _is_reference_number(c)
    ]
    if not kept:  # only empty rows, as a spreadsheet writes ",": skipped
        bad = [(2, None)]  # "line 2: the header has no rows of data after it"
    if not bad:
        d = parse_csv(text)
        assert list(zip(d.x.tolist(), d.y.tolist(), strict=True)) == [
            (float(a), float(b)) for _, (a, b) in kept
        ]
    else:
        with pytest.raises(DataError) as e:
            parse_csv(text)
        assert (e.value.line, e.value.column) == bad[0]


@given(
    st.lists(
        st.tuples(
            st.floats(allow_nan=False, allow_infinity=False),
            st.floats(allow_nan=False, allow_infinity=False),
        ),
        min_size=1,
        max_size=30,
    ),
    st.sampled_from([",", ";", "\t"]),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
)
def test_any_table_of_floats_reads_back_exactly(
    rows: list[tuple[float, float]], separator: str, newline: str, header: bool
) -> None:
    out = io.StringIO()
    if header:
        out.write(f"x{separator} y{newline}")
    for a, b in rows:
        out.write(f" {a!r}{separator}{b!r} {newline}")
    d = parse_csv(out.getvalue())
    assert d.x.tolist() == [a for a, _ in rows] and d.y.tolist() == [b for _, b in rows]


def test_the_data_package_loads_neither_sympy_nor_qt_and_builds_no_dataset_on_import() -> None:
    code = (
        "import sys; import gradient_studio.engine.data as d\n"
        "from gradient_studio.engine.data.builtin import _load\n"
        "built_on_import = _load.cache_info().currsize\n"
        "d.DATASETS['linear'].load(); d.parse_csv('x,y\\n1,2\\n')\n"
        "heavy = ('sympy', 'symengine', 'PySide6', 'pyqtgraph')\n"
        "print(built_on_import, sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0 []"
