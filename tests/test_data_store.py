from pathlib import Path

import pytest

from aebook.data.store import (
    DatasetSource,
    DataUnavailableError,
    RemoteFile,
    data_dir,
    fetch,
)

from conftest import sha256


def _mirror(tmp_path: Path, name: str, content: bytes) -> tuple[Path, str]:
    """A folder acting as a download mirror, holding one file."""
    folder = tmp_path / "mirror"
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(content)
    return folder / name, sha256(folder / name)


def test_data_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("AEBOOK_DATA", str(tmp_path))
    assert data_dir() == tmp_path
    monkeypatch.delenv("AEBOOK_DATA")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert data_dir() == tmp_path / "cache" / "aebook"


def test_missing_file_is_downloaded_from_the_second_mirror(tmp_path):
    good, digest = _mirror(tmp_path, "a.bin", b"hello" * 100)
    dead = (tmp_path / "nowhere" / "a.bin").as_uri()
    source = DatasetSource("toy", (RemoteFile("a.bin", digest, (dead, good.as_uri())),))
    with pytest.warns(UserWarning, match="Mirror failed"):
        paths = fetch(source, root=tmp_path / "data")
    assert paths["a.bin"].read_bytes() == b"hello" * 100
    assert not list((tmp_path / "data").glob("*.part"))


def test_corrupt_local_file_is_set_aside_and_fetched_again(tmp_path):
    good, digest = _mirror(tmp_path, "a.bin", b"good data")
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.bin").write_bytes(b"good da")  # truncated copy
    source = DatasetSource("toy", (RemoteFile("a.bin", digest, (good.as_uri(),)),))
    with pytest.warns(UserWarning, match="does not match its SHA-256"):
        paths = fetch(source, root=data)
    assert paths["a.bin"].read_bytes() == b"good data"
    assert (data / "a.bin.corrupt").read_bytes() == b"good da"


def test_a_mirror_serving_a_bad_file_never_leaves_it_under_the_real_name(tmp_path):
    _, digest = _mirror(tmp_path, "a.bin", b"the real thing")
    bad = tmp_path / "bad" / "a.bin"
    bad.parent.mkdir()
    bad.write_bytes(b"something else")
    source = DatasetSource("toy", (RemoteFile("a.bin", digest, (bad.as_uri(),)),))
    with pytest.warns(UserWarning), pytest.raises(DataUnavailableError, match="checksum"):
        fetch(source, root=tmp_path / "data")
    assert not (tmp_path / "data" / "a.bin").exists()


def test_offline_error_names_folder_files_and_urls(tmp_path):
    urls = ("https://example.invalid/a.bin", "https://mirror.invalid/a.bin")
    source = DatasetSource("toy", (RemoteFile("a.bin", "0" * 64, urls),), homepage="https://x.org")
    with pytest.raises(DataUnavailableError) as err:
        fetch(source, root=tmp_path / "data", download=False)
    text = str(err.value)
    for expected in (str(tmp_path / "data"), "a.bin", *urls, "AEBOOK_DATA"):
        assert expected in text


def test_unknown_file_name_is_a_value_error(tmp_path):
    source = DatasetSource("toy", (RemoteFile("a.bin", "0" * 64, ()),))
    with pytest.raises(ValueError, match="name must be one of"):
        fetch(source, ["b.bin"], root=tmp_path)
