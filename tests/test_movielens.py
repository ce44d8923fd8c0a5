"""MovieLens 100K loader: parsing, checksums, the archive route, and the generated stand-in."""

import io
import zipfile

import numpy as np
import pytest
import torch

from aebook.data.movielens import (
    MOVIELENS_100K,
    MOVIELENS_100K_ARCHIVE,
    fetch_movielens_100k,
    load_movielens_100k,
    load_ratings,
    low_rank_ratings,
    read_movielens_100k,
)
from aebook.data.store import CorruptDataError, DatasetSource, DataUnavailableError, RemoteFile

from conftest import sha256

NAMES = ("u.data", "u.item", "u.user")


def tiny_files(rng, n_users=6, n_items=5, n_ratings=12) -> dict[str, bytes]:
    pairs = rng.choice(n_users * n_items, n_ratings, replace=False)
    lines = [
        f"{k // n_items + 1}\t{k % n_items + 1}\t{rng.integers(1, 6)}\t{880000000 + i}"
        for i, k in enumerate(pairs)
    ]
    items = [f"{i + 1}|Film {i + 1} (1995)|01-Jan-1995||http://x|0|1" for i in range(n_items)]
    users = [f"{u + 1}|30|F|writer|12345" for u in range(n_users)]
    items[0] = "1|Café Noir (1995)|01-Jan-1995||http://x|0|1"
    return {
        "u.data": ("\n".join(lines) + "\n").encode(),
        "u.item": ("\n".join(items) + "\n").encode("latin-1"),
        "u.user": ("\n".join(users) + "\n").encode(),
    }


def write(folder, files: dict[str, bytes]):
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def sources(tmp_path, files, *, file_urls=None, archive_urls=(), archive_digest=None):
    """A DatasetSource for the files and one for an archive, both with test mirrors."""
    mirror = write(tmp_path / "mirror", files)
    digests = {n: sha256(mirror / n) for n in NAMES}
    urls = file_urls if file_urls is not None else {n: ((mirror / n).as_uri(),) for n in NAMES}
    direct = DatasetSource("ml", tuple(RemoteFile(n, digests[n], urls[n]) for n in NAMES))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in files.items():
            zf.writestr(f"ml-100k/{name}", data)
        zf.writestr("ml-100k/README", b"read me")
    (tmp_path / "zips").mkdir()
    (tmp_path / "zips" / "ml-100k.zip").write_bytes(buffer.getvalue())
    digest = archive_digest or sha256(tmp_path / "zips" / "ml-100k.zip")
    good_zip = (tmp_path / "zips" / "ml-100k.zip").as_uri()
    archive = DatasetSource(
        "ml", (RemoteFile("ml-100k.zip", digest, tuple(archive_urls) or (good_zip,)),)
    )
    return direct, archive


def test_parses_ratings_with_zero_based_indices(tmp_path, rng):
    files = tiny_files(rng)
    direct, archive = sources(tmp_path, files)
    ratings = load_movielens_100k(root=tmp_path / "data", source=direct, archive=archive)
    raw = np.loadtxt(io.BytesIO(files["u.data"]), dtype=np.int64)
    assert (ratings.n_users, ratings.n_items, len(ratings)) == (6, 5, 12)
    np.testing.assert_array_equal(ratings.users.numpy(), raw[:, 0] - 1)
    np.testing.assert_array_equal(ratings.items.numpy(), raw[:, 1] - 1)
    np.testing.assert_array_equal(ratings.values.numpy(), raw[:, 2].astype(np.float32))
    assert ratings.item_names[0] == "Café Noir (1995)"
    assert "MovieLens" in ratings.source


def test_the_archive_is_used_when_no_file_mirror_answers(tmp_path, rng):
    files = tiny_files(rng)
    dead = {n: ((tmp_path / "nowhere" / n).as_uri(),) for n in NAMES}
    direct, archive = sources(tmp_path, files, file_urls=dead)
    with pytest.warns(UserWarning, match="Mirror failed"):
        paths = fetch_movielens_100k(root=tmp_path / "data", source=direct, archive=archive)
    assert {p.name for p in paths.values()} == set(NAMES)
    assert paths["u.data"].read_bytes() == files["u.data"]
    assert not (tmp_path / "data" / "ml-100k.zip").exists(), "the archive is removed once used"
    assert not list((tmp_path / "data").glob("*.part"))
    ordinary = tmp_path / "ordinary"
    ordinary.write_text("")
    modes = {p.stat().st_mode & 0o777 for p in paths.values()}
    assert modes == {ordinary.stat().st_mode & 0o777}, "extracted files are readable like any"


def test_an_archive_whose_members_do_not_match_is_refused(tmp_path, rng):
    files = tiny_files(rng)
    dead = {n: ((tmp_path / "nowhere" / n).as_uri(),) for n in NAMES}
    direct, _ = sources(tmp_path, files, file_urls=dead)
    # an archive with a different u.data: the archive's own checksum matches, its member does not
    other = dict(files, **{"u.data": files["u.data"].replace(b"\t5\t", b"\t4\t") + b"1\t1\t1\t1\n"})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in other.items():
            zf.writestr(f"ml-100k/{name}", data)
    bad_zip = tmp_path / "bad.zip"
    bad_zip.write_bytes(buffer.getvalue())
    archive = DatasetSource(
        "ml", (RemoteFile("ml-100k.zip", sha256(bad_zip), (bad_zip.as_uri(),)),)
    )
    with pytest.warns(UserWarning), pytest.raises(DataUnavailableError, match="u.data inside"):
        fetch_movielens_100k(root=tmp_path / "data", source=direct, archive=archive)
    assert not (tmp_path / "data" / "u.data").exists(), "a bad member is never written"


def test_a_corrupt_local_file_is_set_aside_and_fetched_again(tmp_path, rng):
    files = tiny_files(rng)
    direct, archive = sources(tmp_path, files)
    data = write(tmp_path / "data", files)
    (data / "u.data").write_bytes(files["u.data"][:-7])  # truncated
    with pytest.warns(UserWarning, match="SHA-256"):
        ratings = load_movielens_100k(root=data, source=direct, archive=archive)
    assert len(ratings) == 12
    assert (data / "u.data.corrupt").exists()


def test_offline_without_files_names_folder_files_and_urls(tmp_path, rng):
    files = tiny_files(rng)
    direct, archive = sources(tmp_path, files)
    with pytest.raises(DataUnavailableError, match="u.data") as info:
        load_movielens_100k(root=tmp_path / "empty", download=False, source=direct, archive=archive)
    assert str(tmp_path / "empty") in str(info.value)


def test_content_errors_are_reported(tmp_path, rng):
    files = tiny_files(rng)
    bad_rating = dict(files, **{"u.data": b"1\t1\t7\t880000000\n"})
    folder = write(tmp_path / "a", bad_rating)
    with pytest.raises(CorruptDataError, match="outside 1..5"):
        read_movielens_100k({n: folder / n for n in NAMES})
    unknown_item = dict(files, **{"u.data": b"1\t9\t3\t880000000\n"})
    folder = write(tmp_path / "b", unknown_item)
    with pytest.raises(CorruptDataError, match="do not list"):
        read_movielens_100k({n: folder / n for n in NAMES})
    wrong_columns = dict(files, **{"u.data": b"1\t1\t3\n"})
    folder = write(tmp_path / "c", wrong_columns)
    with pytest.raises(CorruptDataError, match="columns"):
        read_movielens_100k({n: folder / n for n in NAMES})


def test_the_published_sources_have_checksums_and_two_mirrors_each():
    for remote in MOVIELENS_100K.files + MOVIELENS_100K_ARCHIVE.files:
        assert len(remote.sha256) == 64
        assert len({url.split("/")[2] for url in remote.urls}) >= 2, "two independent hosts"


def test_the_workplace_copy_is_movielens_100k(monkeypatch):
    import os

    root = os.environ.get("AEBOOK_DATA")
    if not root or not (os.path.exists(os.path.join(root, "movielens-100k", "u.data"))):
        pytest.skip("MovieLens 100K is not in $AEBOOK_DATA")
    ratings = load_movielens_100k(download=False)
    assert (ratings.n_users, ratings.n_items, len(ratings)) == (943, 1682, 100_000)
    counts = torch.bincount(ratings.values.long(), minlength=6)[1:].tolist()
    assert counts == [6110, 11370, 27145, 34174, 21201]  # MANIFEST.md
    assert ratings.item_names[0] == "Toy Story (1995)"
    assert load_ratings(download=False).source == ratings.source


def test_generated_ratings_look_like_movielens_and_are_seeded():
    a = low_rank_ratings(200, 300, 6000, rank=4, seed=3)
    b = low_rank_ratings(200, 300, 6000, rank=4, seed=3)
    assert torch.equal(a.values, b.values) and torch.equal(a.users, b.users)
    assert len(a) == 6000 and a.density == pytest.approx(0.1)
    pairs = a.users * a.n_items + a.items
    assert len(torch.unique(pairs)) == 6000, "every (user, item) pair at most once"
    assert set(torch.unique(a.values).tolist()) <= {1.0, 2.0, 3.0, 4.0, 5.0}
    assert 3.0 < float(a.values.mean()) < 4.0
    popular = torch.bincount(a.items, minlength=300).sort(descending=True).values
    assert popular[:30].sum() > 3 * popular[-150:].sum(), "a long tail of rarely rated items"
    assert "generated" in a.source
    with pytest.raises(ValueError, match="n_ratings"):
        low_rank_ratings(10, 10, 80)


def test_no_substitute_unless_asked_for(tmp_path, monkeypatch):
    monkeypatch.setenv("AEBOOK_DATA", str(tmp_path))  # an empty data folder
    with pytest.raises(DataUnavailableError, match='substitute="generated"'):
        load_ratings(download=False)
    made = load_ratings(substitute="generated", seed=2)
    assert made.is_substitute and "SUBSTITUTE" in made.source
    assert made.provenance["substitute_for"] == "MovieLens 100K"
    assert made.provenance["seed"] == 2
    assert torch.equal(made.values, low_rank_ratings(seed=2).values)
    assert made.subset(torch.arange(5)).is_substitute, "subsets and splits stay marked"
    assert all(part.is_substitute for part in made.split(0.1))
    with pytest.raises(ValueError, match="substitute must be one of generated; got 'random'"):
        load_ratings(substitute="random")


def test_real_ratings_name_their_files(tmp_path, rng):
    direct, archive = sources(tmp_path, tiny_files(rng))
    ratings = load_movielens_100k(root=tmp_path / "data", source=direct, archive=archive)
    assert not ratings.is_substitute
    assert ratings.provenance["kind"] == "official"
    assert ratings.provenance["files"] == {r.name: r.sha256 for r in direct.files}
