"""aebook.progress: bars over epochs, switched off by AEBOOK_PROGRESS=0."""

from aebook.progress import epoch_bar, progress_enabled


def test_the_environment_switches_bars_off(monkeypatch):
    monkeypatch.setenv("AEBOOK_PROGRESS", "0")
    assert not progress_enabled()
    assert epoch_bar("VAE", 0, 3).disable
    monkeypatch.setenv("AEBOOK_PROGRESS", "1")
    assert progress_enabled()


def test_a_resumed_run_counts_the_epochs_still_to_train():
    bar = epoch_bar("VAE", 2, 5, progress=False)
    assert list(bar) == [2, 3, 4] and bar.total == 5
