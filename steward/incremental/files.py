"""The snapshot's files on disk and how a run knows it can trust them.

``meta.json`` is the manifest: every other file of the snapshot with its size and SHA-256, and
the manifest's own checksum (``meta_sha256``). ``MatchSnapshot.load`` checks all of it before it
reads a byte of data: a file missing, cut short or with one byte changed, or a meta.json that is
not the one written, makes the snapshot *damaged*, never an error; the run then rebuilds in full
and says why (``steward.run.stages.snapshot_reason``).

SHA-256 because it is the fastest digest hashlib has here (OpenSSL with the CPU's SHA
instructions: ~1.5 GB/s per core, blake2b ~0.95 GB/s, measured on a 300 MB file), and a
cryptographic one costs no more than a CRC would in practice: the files are read from the page
cache the nightly run fills anyway. Files are hashed side by side (hashlib releases the GIL), and
a file hashed once in this process is not hashed again while its size, inode and times stay the
same: the Dagster steps of one run each load the snapshot, and only the first pays.
"""

from __future__ import annotations

import hashlib
import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

DIGEST = "sha256"
META = "meta.json"
SEAL = "meta_sha256"

# (path, device, inode, size, mtime_ns, ctime_ns) -> digest, for files checked in this process.
_checked: dict[tuple, str] = {}


class SnapshotDamaged(Exception):
    """The snapshot's files are not what its manifest says (the message says which and how)."""


def file_digest(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, DIGEST).hexdigest()


def _stamp(path: Path) -> tuple:
    st = os.stat(path)
    return (str(path), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def checked_digest(path: Path) -> str:
    """The digest of ``path``, hashed again only when the file may have changed since it was last."""
    stamp = _stamp(path)
    digest = _checked.get(stamp)
    if digest is None:
        digest = file_digest(path)
        _checked[stamp] = digest
    return digest


def manifest(directory: Path, known: dict[str, str]) -> dict[str, dict]:
    """Size and digest of every file in ``directory`` but meta.json; ``known``: digests already
    known (segments linked from a snapshot whose manifest was checked), the others are hashed."""
    names = sorted(p.name for p in Path(directory).iterdir() if p.name != META)

    def describe(name: str) -> tuple[str, dict]:
        path = Path(directory) / name
        digest = known.get(name) or file_digest(path)
        return name, {"bytes": path.stat().st_size, DIGEST: digest}

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(pool.map(describe, names))


def _seal_of(meta: dict) -> str:
    text = json.dumps({k: v for k, v in meta.items() if k != SEAL}, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_meta(directory: Path, meta: dict) -> None:
    """meta.json with its own checksum: a changed or cut meta.json is told from a good one."""
    plain = json.loads(json.dumps(meta, default=str))  # as it reads back (numbers, strings)
    plain[SEAL] = _seal_of(plain)
    (Path(directory) / META).write_text(json.dumps(plain, indent=2))


def read_meta(directory: Path) -> dict:
    """The manifest of the snapshot in ``directory``; SnapshotDamaged when it is missing, not JSON,
    or not as written. A manifest without a seal is an older format's (the caller tells by its
    ``format``)."""
    path = Path(directory) / META
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SnapshotDamaged(f"{META} is missing") from None
    except (OSError, ValueError) as exc:
        raise SnapshotDamaged(f"{META} cannot be read ({_short(exc)})") from None
    if not isinstance(meta, dict):
        raise SnapshotDamaged(f"{META} is not a snapshot manifest")
    if SEAL in meta and meta[SEAL] != _seal_of(meta):
        raise SnapshotDamaged(f"{META} was changed after it was written (its checksum does not match)")
    return meta


def check_files(directory: Path, files: dict | None) -> None:
    """Every file of the manifest ``files`` present, of its size and digest; SnapshotDamaged
    naming the first that is not. Sizes first (a stat each): a cut or missing file is told
    without hashing anything."""
    if not isinstance(files, dict) or not files:
        raise SnapshotDamaged(f"{META} lists no files")
    directory = Path(directory)
    for name, expected in sorted(files.items()):
        path = directory / name
        if not path.is_file():
            raise SnapshotDamaged(f"{name} is missing")
        size = path.stat().st_size
        if size != expected.get("bytes"):
            raise SnapshotDamaged(f"{name} has {size} bytes, {expected.get('bytes')} were written")

    def digest(name: str) -> tuple[str, str]:
        return name, checked_digest(directory / name)

    with ThreadPoolExecutor(max_workers=4) as pool:
        for name, found in pool.map(digest, sorted(files)):
            if found != files[name].get(DIGEST):
                raise SnapshotDamaged(f"{name}: its checksum does not match (changed after it was written)")


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]


def short_error(exc: Exception) -> str:
    """One line for a read error: its type and first line."""
    return f"{type(exc).__name__}: {_short(exc)}"
