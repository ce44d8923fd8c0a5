import concurrent.futures
import http.server
import os
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aebook.data import store
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


# --------------------------------------------------------------------------- faults


def _trickle_server(n_bytes: int, pause: float):
    """A local HTTP server sending ``n_bytes`` one at a time, ``pause`` seconds apart, no length."""

    class Trickle(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.end_headers()
            try:
                for _ in range(n_bytes):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(pause)
            except OSError:  # the client gave up, as it should
                pass

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/a.bin"


def test_a_trickling_mirror_is_abandoned_at_the_deadline(tmp_path):
    server, url = _trickle_server(10_000, 0.02)
    source = DatasetSource("toy", (RemoteFile("a.bin", "0" * 64, (url,)),))
    start = time.monotonic()
    try:
        with pytest.warns(UserWarning, match="longer than 0.5 s"):
            with pytest.raises(DataUnavailableError, match="longer than 0.5 s"):
                fetch(source, root=tmp_path, timeout=5, deadline=0.5)
    finally:
        server.shutdown()
    assert time.monotonic() - start < 5
    assert not list(tmp_path.iterdir())


def test_a_download_past_the_size_limit_is_abandoned(tmp_path):
    good, digest = _mirror(tmp_path, "a.bin", b"x" * 5000)
    server, url = _trickle_server(5000, 0)  # no Content-Length: the limit is met while reading
    source = DatasetSource("toy", (RemoteFile("a.bin", digest, (good.as_uri(), url)),))
    try:
        with pytest.warns(UserWarning), pytest.raises(DataUnavailableError) as err:
            fetch(source, root=tmp_path / "data", max_bytes=1000)
    finally:
        server.shutdown()
    assert "announces 5000 bytes" in str(err.value)
    assert "passed the limit of 1000 bytes" in str(err.value)
    assert not list((tmp_path / "data").iterdir())


def test_every_download_uses_a_temporary_file_of_its_own(tmp_path, monkeypatch):
    good, digest = _mirror(tmp_path, "a.bin", b"data")
    source = DatasetSource("toy", (RemoteFile("a.bin", digest, (good.as_uri(),)),))
    seen = []
    real = store.sha256_of

    def spy(path):
        seen.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(store, "sha256_of", spy)
    for _ in range(2):
        (tmp_path / "data" / "a.bin").unlink(missing_ok=True)
        fetch(source, root=tmp_path / "data")
    parts = [n for n in seen if n.endswith(".part")]
    assert len(parts) == 2 and parts[0] != parts[1] and parts[0].startswith(".a.bin.")


def test_a_downloaded_file_gets_the_permissions_of_an_ordinary_file(tmp_path):
    good, digest = _mirror(tmp_path, "a.bin", b"data")
    source = DatasetSource("toy", (RemoteFile("a.bin", digest, (good.as_uri(),)),))
    ordinary = tmp_path / "ordinary"
    ordinary.write_text("")
    path = fetch(source, root=tmp_path / "data")["a.bin"]
    assert path.stat().st_mode & 0o777 == ordinary.stat().st_mode & 0o777  # not mkstemp's 0600


def test_concurrent_downloads_into_one_folder_all_succeed(tmp_path):
    good, digest = _mirror(tmp_path, "a.bin", os.urandom(3 << 20))
    source = DatasetSource("toy", (RemoteFile("a.bin", digest, (good.as_uri(),)),))
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: fetch(source, root=tmp_path / "data"), range(4)))
    assert all(r["a.bin"].read_bytes() == good.read_bytes() for r in results)
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["a.bin"]


def test_an_earlier_quarantined_file_is_never_overwritten(tmp_path):
    good, digest = _mirror(tmp_path, "a.bin", b"good data")
    source = DatasetSource("toy", (RemoteFile("a.bin", digest, (good.as_uri(),)),))
    data = tmp_path / "data"
    data.mkdir()
    for damaged in (b"first", b"second", b"third"):
        (data / "a.bin").write_bytes(damaged)
        with pytest.warns(UserWarning, match="Moved to"):
            fetch(source, root=data)
    assert (data / "a.bin.corrupt").read_bytes() == b"first"
    assert (data / "a.bin.corrupt.2").read_bytes() == b"second"
    assert (data / "a.bin.corrupt.3").read_bytes() == b"third"


def test_a_folder_where_a_file_should_be_is_reported_and_left_alone(tmp_path):
    good, digest = _mirror(tmp_path, "a.bin", b"good data")
    source = DatasetSource("toy", (RemoteFile("a.bin", digest, (good.as_uri(),)),))
    (tmp_path / "data" / "a.bin").mkdir(parents=True)
    (tmp_path / "data" / "a.bin" / "keep.txt").write_text("mine")
    with pytest.raises(DataUnavailableError, match="is a folder, not a file"):
        fetch(source, root=tmp_path / "data")
    assert (tmp_path / "data" / "a.bin" / "keep.txt").read_text() == "mine"


def test_aebook_data_must_be_an_absolute_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("AEBOOK_DATA", "shared/data")
    with pytest.raises(ValueError, match="must be an absolute path; got 'shared/data'"):
        data_dir()
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("AEBOOK_DATA", str(tmp_path / "file"))
    with pytest.raises(ValueError, match="is a file"):
        data_dir()


def test_an_uncreatable_data_folder_is_named(tmp_path):
    (tmp_path / "file").write_text("")
    good, digest = _mirror(tmp_path, "a.bin", b"good data")
    source = DatasetSource("toy", (RemoteFile("a.bin", digest, (good.as_uri(),)),))
    with pytest.raises(DataUnavailableError, match="Could not create the data folder .*file/sub"):
        fetch(source, root=tmp_path / "file" / "sub")
    with pytest.raises(DataUnavailableError, match="is a file"):
        fetch(source, root=tmp_path / "file")


@settings(max_examples=30, deadline=None)
@given(
    timeout=st.one_of(st.floats(max_value=0), st.just(float("nan")), st.just(float("inf"))),
)
def test_fetch_refuses_bad_limits_before_touching_the_disk(tmp_path_factory, timeout):
    root = tmp_path_factory.mktemp("data") / "never"
    source = DatasetSource("toy", (RemoteFile("a.bin", "0" * 64, ()),))
    with pytest.raises(ValueError, match="timeout must be"):
        fetch(source, root=root, timeout=timeout)
    with pytest.raises((TypeError, ValueError), match="max_bytes must be"):
        fetch(source, root=root, max_bytes=0)
    with pytest.raises(TypeError, match="names must be a list"):
        fetch(source, "a.bin", root=root)
    assert not root.exists()
