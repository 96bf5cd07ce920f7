"""Limits checked before a parser expands a file: sizes, pages, archive members, encryption."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass


class ConversionError(ValueError):
    """The file is refused; the message says why, in words for the person who uploaded it."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 20 * 1024 * 1024
    max_pages: int = 300
    max_unzipped_bytes: int = 100 * 1024 * 1024
    max_zip_members: int = 5000
    max_zip_ratio: int = 200  # uncompressed / compressed size of one member


def check_size(data: bytes, limits: Limits) -> None:
    if len(data) > limits.max_bytes:
        raise ConversionError(
            f"The file is {len(data) // (1024 * 1024)} MB; the limit is "
            f"{limits.max_bytes // (1024 * 1024)} MB."
        )
    if not data:
        raise ConversionError("The file is empty.")


def check_zip(data: bytes, limits: Limits, what: str) -> None:
    """Refuse archives that would expand far beyond their size (zip bombs) or are not archives."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise ConversionError(f"This is not a readable {what} file.") from error
    members = archive.infolist()
    if len(members) > limits.max_zip_members:
        raise ConversionError(f"This {what} file has too many parts ({len(members)}).")
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 1024 * 1024 and ratio > limits.max_zip_ratio:
            raise ConversionError(
                f"This {what} file expands to far more than its size (a part grows "
                f"{ratio:.0f} times): it is refused as a possible zip bomb."
            )
    if total > limits.max_unzipped_bytes:
        raise ConversionError(
            f"This {what} file expands to {total // (1024 * 1024)} MB; the limit is "
            f"{limits.max_unzipped_bytes // (1024 * 1024)} MB."
        )
