"""The import reads its file a batch at a time, all in one transaction: a bad line anywhere,
or an id repeated across batches, names its line and leaves nothing of the earlier batches."""

import gzip
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from incidents.interchange.importing import ImportError_
from incidents.interchange.streaming import import_stream
from incidents.models import Incident, ModerationEvent, PublicRecord

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[3] / "incidents" / "fixtures" / "demo.jsonl"


def demo_lines():
    return DEMO.read_text(encoding="utf-8").splitlines()


def test_a_file_is_imported_a_batch_at_a_time(tmp_path):
    lines = demo_lines()
    path = tmp_path / "cases.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    err = io.StringIO()
    call_command("import_incidents", str(path), "--batch-size", "3", stdout=io.StringIO(), stderr=err)
    assert Incident.objects.filter(status="published").count() == PublicRecord.objects.count() == len(lines)
    assert f"importing: {len(lines)}/{len(lines)}" in err.getvalue()


def test_a_bad_last_line_leaves_nothing_of_the_batches_before_it():
    lines = demo_lines()
    bad = json.loads(lines[0]) | {"country": "XX"}
    with pytest.raises(ImportError_) as error:
        import_stream([*lines, json.dumps(bad)], batch_size=2)
    assert error.value.line == len(lines) + 1 and "country" in str(error.value)
    assert not Incident.objects.exists() and not ModerationEvent.objects.exists() and not PublicRecord.objects.exists()


def test_an_id_repeated_in_a_later_batch_names_its_line(tmp_path):
    lines = demo_lines()
    first = json.loads(lines[0]) | {"public_id": "WIR-2025-0900"}
    again = json.loads(lines[1]) | {"public_id": "WIR-2025-0900"}
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join([json.dumps(first), *lines[2:], json.dumps(again)]) + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match=rf"line {len(lines)}: public_id: WIR-2025-0900 appears twice"):
        call_command("import_incidents", str(path), "--batch-size", "2", stdout=io.StringIO(), stderr=io.StringIO())
    assert not Incident.objects.exists()


def test_the_kept_counts_are_made_once_at_the_end_and_equal_counting(moderator):
    """An import defers the kept counts to its end (one set-based count instead of the triggers'
    update per batch): they equal counting the read model after it, a failed import leaves none,
    and a deferral never hides a replaced row."""
    from incidents.models import PublicCount
    from incidents.public import store
    from tests.factories import publish_new
    from tests.incidents.public.test_counts import _kept_equal_counted

    existing = publish_new(moderator)
    before = dict(PublicCount.objects.filter(scope="", dimension="total").values_list("key", "n"))
    with pytest.raises(ImportError_):
        import_stream([*demo_lines(), "{}"], batch_size=3)
    assert dict(PublicCount.objects.filter(scope="", dimension="total").values_list("key", "n")) == before
    assert import_stream(demo_lines(), batch_size=3) == len(demo_lines())
    assert PublicCount.objects.get(scope="", scope_key="", dimension="total", key="").n == 1 + len(demo_lines())
    _kept_equal_counted(every_scope_kept=False)
    # The count triggers are on again after the import: a publication counts at once.
    publish_new(moderator)
    assert PublicCount.objects.get(scope="", scope_key="", dimension="total", key="").n == 2 + len(demo_lines())
    with pytest.raises(RuntimeError, match="deferred only for incidents new"), transaction.atomic(), store.deferred_counts():
        store.refresh([existing.pk])
