"""py3langid's identifier with its model memory-mapped (used by :mod:`bot.articles.language`).

The model is ~70 MB once unpacked (a byte-level automaton and a feature × language table), the
largest thing in a serving process. Instead of reading it onto the heap, it is unpacked once into
an anonymous temporary file (``$TMPDIR``, on disk; deleted at once, kept open by the mapping) and
memory-mapped read-only: only the pages that the texts actually walk through become resident, and
the kernel may drop them again under memory pressure. Loading also never holds two copies of the
automaton at once, as py3langid's own loader does.
"""

from __future__ import annotations

import lzma
import math
import mmap
import os
import shutil
import struct
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

# py3langid ships no type information (no py.typed), hence the ignore.
from py3langid.langid import (  # type: ignore[import-untyped]  # no stubs
    MODEL_DIR,
    MODEL_FILE,
    LanguageIdentifier,
)

from bot.logs import get_logger

log = get_logger(__name__)


def load_identifier() -> Any:
    """The identifier over py3langid's bundled model, mapped (the library's own loader if the
    model cannot be mapped: no writable ``$TMPDIR``, or another layout of the model file)."""
    try:
        return mapped_identifier(Path(MODEL_DIR) / MODEL_FILE)
    except (OSError, ValueError, zipfile.BadZipFile):
        log.warning("language.model_not_mapped", exc_info=True)
        return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


# The arrays of py3langid's model file (py3langid/modelio.py, save_model): an npz (a zip of
# .npy files, stored uncompressed) inside xz.
_MODEL_ARRAYS = frozenset({"ptc", "pc", "classes", "nextmove", "nextmove_row", "out_feat"})
_ZIP_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature … file name length, extra length


def mapped_identifier(model: Path) -> Any:
    """py3langid's identifier for the model file ``model``, its arrays memory-mapped.

    Classifies exactly as ``LanguageIdentifier.from_model_file`` does (the same arrays, read
    through a mapping instead of copied onto the heap).
    """
    with tempfile.TemporaryFile(prefix="newsbot-langid-", suffix=".npz") as unpacked:
        with lzma.open(model) as packed:
            shutil.copyfileobj(packed, unpacked, 1 << 20)
        unpacked.flush()
        fd = unpacked.fileno()
        if hasattr(os, "posix_fadvise"):
            # Written pages would stay cached and be mapped in 64 KB batches on the first touch
            # ("fault-around"): drop them, so a page becomes resident only when it is read.
            os.fsync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        mapping = mmap.mmap(fd, 0, access=mmap.ACCESS_READ)  # outlives the (deleted) file
    if hasattr(mmap, "MADV_RANDOM"):
        mapping.madvise(mmap.MADV_RANDOM)  # sparse lookups: no read-ahead around each one
    arrays = _npz_arrays(mapping)
    # The automaton is walked byte by byte: index it through a memoryview (plain ints, as fast
    # as py3langid's own array.array) rather than through numpy scalars.
    return LanguageIdentifier(
        arrays["ptc"],
        np.array(arrays["pc"]),
        arrays["classes"].tolist(),
        _ints(arrays["nextmove"]),
        _ints(arrays["out_feat"]),
        norm_probs=True,
        tk_row=arrays["nextmove_row"].tolist(),
    )


def _ints(array: np.ndarray[Any, Any]) -> memoryview:
    """A flat integer array as a memoryview whose items are Python ints (no copy)."""
    if not array.dtype.isnative or array.dtype.kind not in "iu" or array.ndim != 1:
        raise ValueError(f"langid model: cannot index a {array.dtype} array")
    return memoryview(array.data).cast("B").cast(array.dtype.char)


def _npz_arrays(mapping: mmap.mmap) -> dict[str, np.ndarray[Any, Any]]:
    """Each model array in the uncompressed zip ``mapping``, as a read-only view of it."""
    arrays: dict[str, np.ndarray[Any, Any]] = {}
    # An mmap reads, seeks and tells like a file: the zip directory and the .npy headers are
    # read through it; the arrays are views of it.
    with zipfile.ZipFile(mapping) as archive:  # type: ignore[call-overload]  # file-like
        members = archive.infolist()
    for info in members:
        name = info.filename.removesuffix(".npy")
        if name not in _MODEL_ARRAYS:
            continue
        if info.compress_type != zipfile.ZIP_STORED:
            raise ValueError(f"langid model: {info.filename} is compressed, cannot be mapped")
        signature, name_length, extra_length = _ZIP_LOCAL_HEADER.unpack_from(
            mapping, info.header_offset
        )
        if signature != b"PK\x03\x04":
            raise ValueError(f"langid model: no local header for {info.filename}")
        mapping.seek(info.header_offset + _ZIP_LOCAL_HEADER.size + name_length + extra_length)
        version = np.lib.format.read_magic(mapping)
        read_header = (
            np.lib.format.read_array_header_1_0
            if version == (1, 0)
            else np.lib.format.read_array_header_2_0
        )
        shape, fortran_order, dtype = read_header(mapping)
        count = math.prod(shape)
        flat = np.frombuffer(mapping, dtype=dtype, count=count, offset=mapping.tell())
        arrays[name] = flat.reshape(shape, order="F" if fortran_order else "C")
    missing = _MODEL_ARRAYS - arrays.keys()
    if missing:
        raise ValueError(f"langid model: arrays missing: {sorted(missing)}")
    return arrays
