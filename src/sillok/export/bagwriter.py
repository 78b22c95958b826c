"""Writing a BagIt bag (RFC 8493) one file at a time.

Every payload file is hashed while it is written and its manifest lines go
straight to the open manifest files, so building a bag of 50,000 documents
holds one file's buffer in memory, never the whole payload or its manifest.
The reference ``bagit`` tool validates what this writes (a test checks both the
library and its command line).

Only names this module is given by Sillok itself reach the file system: every
path component must match :data:`SAFE_COMPONENT`, so nothing taken from a
document (a file name, a zip member) can steer a write outside the bag.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from ..exc import SillokError

BAGIT_VERSION = "1.0"
ALGORITHMS = ("sha256", "sha512")
SAFE_COMPONENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
CHUNK = 1 << 20


class PackageError(SillokError):
    """A package cannot be written or read as asked."""


def safe_relpath(relpath: str) -> str:
    """``relpath`` when every component is a plain, safe name; else :class:`PackageError`."""
    parts = relpath.split("/")
    if not parts or any(not SAFE_COMPONENT.match(p) or p in (".", "..") for p in parts):
        raise PackageError(f"refusing to write {relpath!r} into a bag: only plain names made "
                           "of letters, digits, '.', '_' and '-' are used inside a package")
    return relpath


class PayloadFile:
    """A payload file being written: every byte goes to disk and to the hashers."""

    def __init__(self, handle: IO[bytes], algorithms: Sequence[str]) -> None:
        self._handle = handle
        self._hashers = {alg: hashlib.new(alg) for alg in algorithms}
        self.size = 0

    def write(self, data: bytes) -> None:
        self._handle.write(data)
        for hasher in self._hashers.values():
            hasher.update(data)
        self.size += len(data)

    def digests(self) -> dict[str, str]:
        return {alg: hasher.hexdigest() for alg, hasher in self._hashers.items()}


def _manifest_line(digest: str, relpath: str) -> str:
    # RFC 8493 §2.1.3: CR, LF and % in a path are percent-encoded. Sillok's names
    # never contain them, but a manifest must be right for any name.
    encoded = relpath.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return f"{digest}  {encoded}\n"


def _tag_value(value: str) -> str:
    """One line of bag-info: line breaks inside a value become spaces."""
    return " ".join(str(value).split())


def file_digest(path: Path, algorithm: str) -> str:
    """Hex digest of a file, read in chunks (a large bag's manifests run to tens of MB)."""
    hasher = hashlib.new(algorithm)
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if value < 1000 or unit == "TB":
            return f"{int(value)} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{size} bytes"


class BagWriter:
    """Builds a bag in ``root`` (which must not exist yet); call :meth:`finish` last."""

    def __init__(self, root: Path, algorithms: Sequence[str] = ALGORITHMS) -> None:
        self.root = root
        self.algorithms = tuple(algorithms)
        try:
            root.mkdir(parents=True, exist_ok=False)
        except FileExistsError:
            raise PackageError(f"{root} exists already: choose a new folder for the package"
                               ) from None
        (root / "data").mkdir()
        # The manifests stay open while the payload is written (closed in finish/abort).
        self._manifests = {alg: open(root / f"manifest-{alg}.txt", "w",  # noqa: SIM115
                                     encoding="utf-8", newline="\n") for alg in self.algorithms}
        self.octets = 0
        self.files = 0
        self._dirs: set[str] = {"data"}

    def _target(self, relpath: str) -> tuple[str, Path]:
        relpath = "data/" + safe_relpath(relpath)
        parent = relpath.rsplit("/", 1)[0]
        if parent not in self._dirs:
            (self.root / parent).mkdir(parents=True, exist_ok=True)
            self._dirs.add(parent)
        return relpath, self.root / relpath

    @contextmanager
    def open(self, relpath: str) -> Iterator[PayloadFile]:
        """Write a payload file under ``data/`` through the returned object."""
        bag_path, target = self._target(relpath)
        with open(target, "xb") as handle:
            payload = PayloadFile(handle, self.algorithms)
            yield payload
        for alg, digest in payload.digests().items():
            self._manifests[alg].write(_manifest_line(digest, bag_path))
        self.octets += payload.size
        self.files += 1

    def write_bytes(self, relpath: str, data: bytes) -> dict[str, str]:
        with self.open(relpath) as payload:
            payload.write(data)
        return payload.digests()

    def copy_file(self, relpath: str, source: Path) -> dict[str, str]:
        """Copy ``source`` in chunks into the payload; return its digests."""
        with self.open(relpath) as payload, open(source, "rb") as handle:
            for chunk in iter(lambda: handle.read(CHUNK), b""):
                payload.write(chunk)
        return payload.digests()

    @property
    def oxum(self) -> str:
        return f"{self.octets}.{self.files}"

    def finish(self, info: Sequence[tuple[str, Any]]) -> dict[str, str]:
        """Write bagit.txt, bag-info.txt and the tag manifests; return the tag manifests' hashes.

        ``info`` is a list of (label, value) pairs for bag-info.txt; Payload-Oxum,
        Bag-Size and Bagging-Date are added unless given.
        """
        for handle in self._manifests.values():
            handle.close()
        (self.root / "bagit.txt").write_text(
            f"BagIt-Version: {BAGIT_VERSION}\nTag-File-Character-Encoding: UTF-8\n",
            encoding="utf-8", newline="\n")
        labels = {label for label, _ in info}
        lines = [(label, _tag_value(value)) for label, value in info]
        if "Bagging-Date" not in labels:
            lines.append(("Bagging-Date", datetime.now(UTC).date().isoformat()))
        if "Bag-Size" not in labels:
            lines.append(("Bag-Size", human_size(self.octets)))
        if "Payload-Oxum" not in labels:
            lines.append(("Payload-Oxum", self.oxum))
        (self.root / "bag-info.txt").write_text(
            "".join(f"{label}: {value}\n" for label, value in lines), encoding="utf-8",
            newline="\n")
        tag_files = ["bagit.txt", "bag-info.txt",
                     *(f"manifest-{alg}.txt" for alg in self.algorithms)]
        digests: dict[str, str] = {}
        for alg in self.algorithms:
            lines_out = []
            for name in tag_files:
                lines_out.append(_manifest_line(file_digest(self.root / name, alg), name))
            tagmanifest = self.root / f"tagmanifest-{alg}.txt"
            content = "".join(lines_out).encode("utf-8")
            tagmanifest.write_bytes(content)
            digests[alg] = hashlib.new(alg, content).hexdigest()
        return digests

    def abort(self) -> None:
        """Close what is open (the caller removes the folder)."""
        for handle in self._manifests.values():
            if not handle.closed:
                handle.close()
