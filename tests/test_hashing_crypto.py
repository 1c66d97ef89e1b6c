"""Tests of vidlab.hashing.crypto and `vidlab hash`, checked against hashlib on real bytes."""

import hashlib
import io
import os
import shutil
import subprocess
import tempfile

import pandas as pd
import pytest

from vidlab.cli import main
from vidlab.exceptions import DatasetError, InvalidParameterError
from vidlab.hashing import crypto
from vidlab.hashing.crypto import (
    ALGORITHMS,
    ManifestReport,
    duplicate_groups,
    hash_file,
    hash_files,
    iter_files,
    parse_algorithms,
    read_manifest,
    verify_manifest,
    write_manifest,
)
from vidlab.io import read_table

HASH_DTYPES = {"path": str, "md5": str, "sha1": str, "sha256": str, "error": str}


def expected(data, names=ALGORITHMS):
    return {name: hashlib.new(name, data).hexdigest() for name in names}


@pytest.fixture
def tree(tmp_path):
    """A small folder: two identical files, a nested file, an empty file."""
    root = tmp_path / "evidence"
    (root / "sub" / "deeper").mkdir(parents=True)
    files = {
        "b.bin": b"same bytes",
        "a.bin": b"same bytes",
        "sub/c.txt": b"unique\n",
        "sub/deeper/empty": b"",
    }
    for name, data in files.items():
        (root / name).write_bytes(data)
    return root, files


def can_read_unreadable_files():
    """True when chmod 000 does not stop us (root, or CAP_DAC_OVERRIDE): those tests skip."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return False
    with tempfile.TemporaryDirectory() as folder:
        probe = os.path.join(folder, "probe")
        with open(probe, "wb"):
            pass
        os.chmod(probe, 0)
        try:
            with open(probe, "rb"):
                return True
        except PermissionError:
            return False


# --- parse_algorithms ----------------------------------------------------------------------


def test_parse_algorithms_canonical_order_and_dedup():
    assert parse_algorithms("sha256,md5") == ("md5", "sha256")
    assert parse_algorithms(" SHA1 , sha256,sha1 ") == ("sha1", "sha256")
    assert parse_algorithms(["sha256", "md5", "md5"]) == ("md5", "sha256")


@pytest.mark.parametrize("text", ["sha512", "sha256,phash", "md-5"])
def test_parse_algorithms_unknown_names_the_value_and_choices(text):
    with pytest.raises(InvalidParameterError) as info:
        parse_algorithms(text)
    message = str(info.value)
    bad = [name for name in text.split(",") if name not in ALGORITHMS][0]
    assert repr(bad) in message
    assert "md5, sha1, sha256" in message
    assert "\n" not in message


@pytest.mark.parametrize("text", ["", ",", []])
def test_parse_algorithms_empty_is_an_error(text):
    with pytest.raises(InvalidParameterError, match="at least one"):
        parse_algorithms(text)


# --- hash_file -----------------------------------------------------------------------------


def test_hash_file_empty_file(tmp_path):
    path = tmp_path / "empty"
    path.write_bytes(b"")
    assert hash_file(path, ALGORITHMS) == expected(b"")


@pytest.mark.parametrize("chunk_size", [1, 1000, 4096, 1 << 20])
def test_hash_file_multi_chunk_matches_hashlib(tmp_path, chunk_size):
    data = os.urandom(3 * 4096 + 17)  # larger than the chunk, not a multiple of it
    path = tmp_path / "data.bin"
    path.write_bytes(data)
    assert hash_file(path, ALGORITHMS, chunk_size=chunk_size) == expected(data)
    assert hash_file(path, chunk_size=chunk_size) == expected(data, ["sha256"])


def test_hash_file_larger_than_default_chunk(tmp_path):
    data = os.urandom(crypto.CHUNK_SIZE * 2 + 1)
    path = tmp_path / "big.bin"
    path.write_bytes(data)
    assert hash_file(path, "md5,sha256") == expected(data, ["md5", "sha256"])


def test_hash_file_raises_oserror_for_missing_and_folder(tmp_path):
    with pytest.raises(FileNotFoundError):
        hash_file(tmp_path / "missing")
    with pytest.raises(IsADirectoryError):
        hash_file(tmp_path)


@pytest.mark.parametrize("chunk_size", [0, -1, 1.5, True])
def test_hash_file_rejects_bad_chunk_size(tmp_path, chunk_size):
    (tmp_path / "f").write_bytes(b"x")
    with pytest.raises(InvalidParameterError, match="'chunk_size'"):
        hash_file(tmp_path / "f", chunk_size=chunk_size)


# --- iter_files ----------------------------------------------------------------------------


def test_iter_files_expands_sorted_and_keeps_given_paths(tree, tmp_path):
    root, _ = tree
    missing = tmp_path / "not-there.bin"
    single = root / "sub" / "c.txt"
    paths = iter_files([single, root, missing])
    assert paths[0] == single
    assert [p.relative_to(root).as_posix() for p in paths[1:-1]] == [
        "a.bin",
        "b.bin",
        "sub/c.txt",
        "sub/deeper/empty",
    ]
    assert paths[-1] == missing
    assert iter_files(str(single)) == [single]  # a single path is not iterated as characters


def test_iter_files_does_not_follow_symlinked_folders(tree, tmp_path):
    root, _ = tree
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.bin").write_bytes(b"x")
    (root / "link-to-folder").symlink_to(outside, target_is_directory=True)
    (root / "link-to-file").symlink_to(root / "a.bin")
    names = [p.relative_to(root).as_posix() for p in iter_files([root])]
    assert "link-to-file" in names
    assert not any(name.startswith("link-to-folder") for name in names)


# --- hash_files ----------------------------------------------------------------------------


def test_hash_files_matches_hashlib_and_column_order(tree):
    root, files = tree
    table = hash_files([root], algorithms="sha256,md5")
    assert list(table.columns) == ["path", "size", "md5", "sha256", "error"]
    names = sorted(files)
    assert table["path"].tolist() == [str(root / name) for name in names]
    assert table["size"].tolist() == [len(files[name]) for name in names]
    assert table["md5"].tolist() == [hashlib.md5(files[n]).hexdigest() for n in names]
    assert table["sha256"].tolist() == [hashlib.sha256(files[n]).hexdigest() for n in names]
    assert (table["error"] == "").all()


def test_hash_files_keeps_paths_as_given(tree, monkeypatch):
    root, _ = tree
    monkeypatch.chdir(root.parent)
    table = hash_files(["evidence/sub"])
    assert table["path"].tolist() == ["evidence/sub/c.txt", "evidence/sub/deeper/empty"]


def test_hash_files_one_row_per_file_with_missing_file(tree, tmp_path):
    root, _ = tree
    missing = tmp_path / "missing.bin"
    table = hash_files([root / "a.bin", missing, root / "b.bin"], ALGORITHMS)
    assert table["path"].tolist() == [str(root / "a.bin"), str(missing), str(root / "b.bin")]
    row = table.iloc[1]
    assert row["error"] == "No such file or directory"
    assert row["size"] == -1
    assert [row[name] for name in ALGORITHMS] == ["", "", ""]
    assert table.loc[[0, 2], "error"].tolist() == ["", ""]


@pytest.mark.skipif(can_read_unreadable_files(), reason="root can read a chmod 000 file")
def test_hash_files_unreadable_file_gets_error_row(tree):
    root, _ = tree
    locked = root / "locked.bin"
    locked.write_bytes(b"secret")
    locked.chmod(0)
    try:
        table = hash_files([root])
    finally:
        locked.chmod(0o600)
    row = table[table["path"] == str(locked)].iloc[0]
    assert (row["size"], row["sha256"], row["error"]) == (-1, "", "Permission denied")
    assert len(table) == 5


@pytest.mark.skipif(can_read_unreadable_files(), reason="root can list a chmod 000 folder")
def test_hash_files_unlistable_folder_gets_error_row(tree):
    root, _ = tree
    (root / "sub").chmod(0)
    try:
        table = hash_files([root])
    finally:
        (root / "sub").chmod(0o700)
    row = table[table["path"] == str(root / "sub")].iloc[0]
    assert row["error"] == "Permission denied"


@pytest.mark.skipif(can_read_unreadable_files(), reason="root can search a chmod 000 folder")
def test_hash_files_file_in_unsearchable_folder_gets_error_row(tree):
    root, _ = tree
    (root / "sub").chmod(0)
    try:
        table = hash_files([root / "sub" / "c.txt", root / "a.bin"])
    finally:
        (root / "sub").chmod(0o700)
    assert table["error"].tolist() == ["Permission denied", ""]


def test_hash_files_permission_error_row_simulated(tree, monkeypatch):
    # The same contract as the chmod test above, checked even when running as root.
    root, _ = tree
    locked = str(root / "b.bin")
    real_open = os.open

    def fake_open(path, *args, **kwargs):
        if os.fspath(path) == locked:
            raise PermissionError(13, "Permission denied", locked)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(crypto.os, "open", fake_open)
    table = hash_files([root])
    assert len(table) == 4
    row = table[table["path"] == locked].iloc[0]
    assert (row["size"], row["sha256"], row["error"]) == (-1, "", "Permission denied")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_hash_files_fifo_is_an_error_row_not_a_hang(tree):
    root, _ = tree
    os.mkfifo(root / "pipe")
    table = hash_files([root])
    row = table[table["path"] == str(root / "pipe")].iloc[0]
    assert row["error"].startswith("Not a regular file")


def test_hash_files_empty_input_gives_empty_table(tmp_path):
    table = hash_files([tmp_path], "md5")
    assert list(table.columns) == ["path", "size", "md5", "error"]
    assert len(table) == 0


def test_hash_files_jobs_2_equals_jobs_1(tree, tmp_path):
    root, _ = tree
    paths = [root, tmp_path / "missing"]
    serial = hash_files(paths, ALGORITHMS, jobs=1)
    parallel = hash_files(paths, ALGORITHMS, jobs=2)
    pd.testing.assert_frame_equal(serial, parallel)


# --- duplicate_groups ----------------------------------------------------------------------


def test_duplicate_groups_from_hashed_files(tree):
    root, _ = tree
    (root / "sub" / "copy.bin").write_bytes(b"same bytes")
    table = hash_files([root, root / "gone-1", root / "gone-2"])  # two error rows, same ""
    assert duplicate_groups(table) == [
        [str(root / "a.bin"), str(root / "b.bin"), str(root / "sub" / "copy.bin")]
    ]


def test_duplicate_groups_sorted_and_errors_ignored():
    table = pd.DataFrame(
        {
            "path": ["z", "y", "x", "w", "v", "u"],
            "md5": ["h1", "h2", "h1", "h2", "h3", "h1"],
            "error": ["", "", "", "", "", "Permission denied"],
        }
    )
    assert duplicate_groups(table, "md5") == [["w", "y"], ["x", "z"]]


def test_duplicate_groups_unknown_algorithm():
    table = pd.DataFrame({"path": ["a"], "sha256": ["h"], "error": [""]})
    with pytest.raises(InvalidParameterError, match="'md5'"):
        duplicate_groups(table, "md5")


# --- manifests -----------------------------------------------------------------------------


def test_manifest_round_trip(tree):
    root, files = tree
    manifest = write_manifest(root)
    assert manifest == root / "MANIFEST.sha256"
    lines = manifest.read_text().splitlines()
    assert lines == [f"{hashlib.sha256(files[n]).hexdigest()}  {n}" for n in sorted(files)]
    assert read_manifest(manifest) == {n: hashlib.sha256(files[n]).hexdigest() for n in files}
    report = verify_manifest(root, manifest)
    assert report == ManifestReport(changed=[], missing=[], unexpected=[], n_checked=4)
    assert report.ok


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="needs coreutils sha256sum")
def test_manifest_is_checked_by_sha256sum(tree):
    root, _ = tree
    (root / "odd\\name").write_bytes(b"backslash")  # sha256sum escapes such names
    write_manifest(root)
    result = subprocess.run(
        ["sha256sum", "--check", "--strict", "MANIFEST.sha256"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert verify_manifest(root).ok


def test_manifest_exclude_and_outside_output(tree, tmp_path):
    root, _ = tree
    (root / "dataset.json").write_text("{}")
    out = tmp_path / "elsewhere" / "m.sha256"
    write_manifest(root, out, exclude=["dataset.json", "sub/deeper"])
    assert sorted(read_manifest(out)) == ["a.bin", "b.bin", "sub/c.txt"]
    assert verify_manifest(root, out, exclude=["dataset.json", "sub/deeper"]).ok
    report = verify_manifest(root, out)
    assert report.unexpected == ["dataset.json", "sub/deeper/empty"]


def test_verify_reports_changed_missing_unexpected(tree):
    root, _ = tree
    manifest = write_manifest(root)
    (root / "a.bin").write_bytes(b"tampered")
    (root / "sub" / "c.txt").unlink()
    (root / "sub" / "new.txt").write_text("new")
    report = verify_manifest(root, manifest)
    assert report == ManifestReport(
        changed=["a.bin"], missing=["sub/c.txt"], unexpected=["sub/new.txt"], n_checked=3
    )
    assert not report.ok


def test_read_manifest_malformed_line_names_the_line(tmp_path):
    good = hashlib.sha256(b"").hexdigest()
    path = tmp_path / "MANIFEST.sha256"
    path.write_text(f"{good}  a\n{good} *b\nnot a hash  c\n")
    with pytest.raises(DatasetError, match="line 3") as info:
        read_manifest(path)
    assert "\n" not in str(info.value)
    path.write_text(f"{good}  a\n{good}  a\n")
    with pytest.raises(DatasetError, match="line 2 lists 'a' a second time"):
        read_manifest(path)


def test_read_manifest_missing_file_is_a_vidlab_error(tmp_path):
    with pytest.raises(DatasetError, match="does not exist"):
        read_manifest(tmp_path / "MANIFEST.sha256")


def test_write_manifest_refuses_unhashable_file_and_bad_root(tree, tmp_path):
    root, _ = tree
    os.mkfifo(root / "pipe")
    with pytest.raises(DatasetError, match="'pipe'"):
        write_manifest(root)
    with pytest.raises(InvalidParameterError, match="'root'"):
        write_manifest(tmp_path / "nowhere")


# --- vidlab hash ---------------------------------------------------------------------------


def test_cli_hash_writes_csv_to_stdout(tree, capsys):
    root, files = tree
    assert main(["hash", str(root), "--algorithms", "sha256,md5"]) == 0
    captured = capsys.readouterr()
    table = pd.read_csv(io.StringIO(captured.out), dtype=HASH_DTYPES, keep_default_na=False)
    # DESIGN's hash-table order, restricted to what was asked: path, size, hashes, error.
    assert list(table.columns) == ["path", "size", "md5", "sha256", "error"]
    assert table["sha256"].tolist() == [hashlib.sha256(files[n]).hexdigest() for n in sorted(files)]
    assert captured.err == ""


def test_cli_hash_missing_path_exits_1_and_keeps_every_file(tree, tmp_path, capsys):
    root, files = tree
    out = tmp_path / "hashes.csv"
    missing = tmp_path / "missing.jpg"
    status = main(["hash", str(root), str(missing), "--out", str(out), "--jobs", "2"])
    assert status == 1
    table = read_table(out, dtype=HASH_DTYPES)
    assert list(table.columns) == ["path", "size", "sha256", "error"]
    assert table["path"].tolist() == [str(root / n) for n in sorted(files)] + [str(missing)]
    assert table["error"].tolist() == [""] * len(files) + ["No such file or directory"]
    err = capsys.readouterr().err
    assert f"{missing}: No such file or directory" in err
    assert "Traceback" not in err


def test_cli_hash_unknown_algorithm_exits_2_with_one_line(tree, capsys):
    root, _ = tree
    assert main(["hash", str(root), "--algorithms", "sha256,sha512"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("vidlab: error: ")
    assert "'sha512'" in lines[0] and "md5, sha1, sha256" in lines[0]


def test_hash_files_relative_to_gives_manifest_style_paths(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_bytes(b"abc")
    outside = tmp_path.parent / f"{tmp_path.name}-outside.txt"
    outside.write_bytes(b"x")
    table = hash_files([tmp_path, outside], relative_to=tmp_path)
    assert table["path"].tolist() == ["sub/a.txt", str(outside)]
