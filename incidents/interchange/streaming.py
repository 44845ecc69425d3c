"""Importing a JSON Lines file of any size with memory flat in its size: each line validated
with the submission's rules as it is read, written a batch at a time, all in one transaction."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from ..public import store
from .importing import _analyze_imported_tables, _import_batch, _Names, _refuse_taken_ids, _reserve_given_ids, allocate_public_ids, parse_line


def import_stream(lines: Iterable[str], actor=None, batch_size: int = 500, progress=None) -> int:
    """Validate and write JSON Lines as they are read, a batch at a time, in one transaction;
    return how many incidents were imported.

    Memory stays flat in the file's size: only a batch is held (and the set of public ids the
    file gives, to refuse a repeated one). All or nothing as ``import_records``: a bad line,
    wherever it is, names itself and rolls back every batch written before it."""
    names, now, count, seen_ids = _Names(), timezone.now(), 0, set()
    with transaction.atomic(), store.deferred_counts():
        batch, number = [], 0
        for number, line in enumerate(lines, start=1):
            attrs = parse_line(number, line, seen_ids)
            if attrs is not None:
                batch.append(attrs)
            if len(batch) >= batch_size:
                count = _write_batch(batch, names, actor, now, count)
                batch = []
                if progress:
                    progress(number)
        if batch:
            count = _write_batch(batch, names, actor, now, count)
        if progress:
            progress(number)
    return count


def _write_batch(batch, names, actor, now, written: int) -> int:
    _refuse_taken_ids(batch)
    _reserve_given_ids(batch)
    missing = [a for a in batch if not a.get("public_id")]
    for attrs, pid in zip(missing, allocate_public_ids(len(missing), now.year)):
        attrs["public_id"] = pid
    _import_batch(batch, names, actor, now)
    batches = written // max(len(batch), 1) + 1
    if batches & (batches - 1) == 0:  # after batches 1, 2, 4, 8, … (as import_records)
        _analyze_imported_tables()
    return written + len(batch)
