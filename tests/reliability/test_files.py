"""flashpoint.files: safe reading, one-line errors naming the file and the reason."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from flashpoint.files import (
    MAX_DEPTH,
    InputFileError,
    OutputPathError,
    check_output_path,
    check_tree,
    parse_document,
    read_text,
)


def test_regular_utf8_file(tmp_path: Path) -> None:
    p = tmp_path / "a.toml"
    p.write_text("\ufeffx = 1\n", encoding="utf-8")
    assert read_text(p) == "x = 1\n"


@pytest.mark.parametrize(("make", "match"), [
    (lambda t: t, "Got a directory instead"),
    (lambda t: Path("/dev/zero"), "Got a device instead"),
    (lambda t: t / "missing.toml", "file not found"),
])
def test_not_regular_files(tmp_path: Path, make, match: str) -> None:
    with pytest.raises(InputFileError, match=match):
        read_text(make(tmp_path))


def test_a_fifo_does_not_hang(tmp_path: Path) -> None:
    p = tmp_path / "pipe.toml"
    os.mkfifo(p)
    t = time.monotonic()
    with pytest.raises(InputFileError, match="named pipe"):
        read_text(p)
    assert time.monotonic() - t < 2


def test_size_and_encoding(tmp_path: Path) -> None:
    p = tmp_path / "big.toml"
    p.write_bytes(b"#" * 2000)
    with pytest.raises(InputFileError, match=r"at most 1\.0 KiB\. Got 2\.0 KiB"):
        read_text(p, max_bytes=1024)
    p.write_bytes("x = 'é'".encode("latin-1"))
    with pytest.raises(InputFileError, match=r"expected UTF-8 text\. Got byte 0xe9 at offset 5"):
        read_text(p)
    p.write_bytes("x = 1".encode("utf-16"))
    with pytest.raises(InputFileError, match="UTF-16"):
        read_text(p)
    p.write_bytes(b"x = 1\x00")
    with pytest.raises(InputFileError, match="NUL byte"):
        read_text(p)


@pytest.mark.parametrize("fmt", ["toml", "json"])
def test_depth_and_non_finite_numbers(fmt: str) -> None:
    deep = ("x = " if fmt == "toml" else '{"x": ') + "[" * 3000 + "]" * 3000 + ("" if fmt == "toml" else "}")
    with pytest.raises(InputFileError, match=f"at most {MAX_DEPTH} levels"):
        parse_document(deep, "f", fmt=fmt)
    mid = ("x = " if fmt == "toml" else '{"x": ') + "[" * 40 + "]" * 40 + ("" if fmt == "toml" else "}")
    with pytest.raises(InputFileError, match=f"at most {MAX_DEPTH} levels"):
        parse_document(mid, "f", fmt=fmt)
    bad = "a = [1.0, nan]" if fmt == "toml" else '{"a": [1.0, NaN]}'
    with pytest.raises(InputFileError, match=r"a\[1\]: expected a finite number" if fmt == "toml"
                       else "expected finite numbers"):
        parse_document(bad, "f", fmt=fmt)
    if fmt == "json":
        with pytest.raises(InputFileError, match="at the top level"):
            parse_document("[1]", "f", fmt=fmt)


def test_check_tree_is_iterative() -> None:
    doc: object = 1.0
    for _ in range(100_000):
        doc = [doc]
    with pytest.raises(InputFileError, match="levels"):
        check_tree(doc, "f")


def test_output_paths(tmp_path: Path) -> None:
    check_output_path(tmp_path / "r.nc", option="--out", suffixes=(".nc",))
    with pytest.raises(OutputPathError, match=r"ending in \.nc"):
        check_output_path(tmp_path / "r.csv", option="--out", suffixes=(".nc",))
    with pytest.raises(OutputPathError, match="does not exist"):
        check_output_path(tmp_path / "no" / "r.nc", option="--out")
    (tmp_path / "d.nc").mkdir()
    with pytest.raises(OutputPathError, match="a directory"):
        check_output_path(tmp_path / "d.nc", option="--out")
