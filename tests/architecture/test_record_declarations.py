"""The record's shape is written in four places (the JSON Schema, the Python format, the SQL
build, the API serializer); the JSON Schema is the declaration and the others are held to
it, field by field and level by level, so none can drift. (SQL equals Python on every
record of a varied set: tests/incidents/public/test_record_sql.py.)"""

import json
from pathlib import Path

import pytest
from rest_framework import serializers

from api.serializers import IncidentRecord, IncidentSummary
from incidents.public.format import as_v1, public_record, summary_record
from tests.factories import SystemFactory, publish_new

SCHEMAS = Path(__file__).resolve().parents[2] / "incidents" / "schemas"
SCHEMA = json.loads((SCHEMAS / "wir-incident-2.schema.json").read_text())
SCHEMA_V1 = json.loads((SCHEMAS / "wir-incident-1.schema.json").read_text())
API_ONLY = {"history_url", "html_url"}  # links the API adds to the record


def _schema_shape(node) -> dict | None:
    """{field: nested shape or None} for an object schema (arrays: their items), else None."""
    for key in ("anyOf", "oneOf"):
        if key in node:
            shapes = [s for s in (_schema_shape(n) for n in node[key]) if s is not None]
            return shapes[0] if shapes else None
    if node.get("type") == "array" or "items" in node:
        return _schema_shape(node.get("items", {}))
    if "properties" in node:
        return {name: _schema_shape(sub) for name, sub in node["properties"].items()}
    return None


def _serializer_shape(field) -> dict | None:
    if isinstance(field, serializers.ListSerializer):
        field = field.child
    if isinstance(field, serializers.Serializer):
        return {name: _serializer_shape(sub) for name, sub in field.fields.items()}
    return None


def _record_shape(value) -> dict | None:
    if isinstance(value, list):
        return next((s for s in map(_record_shape, value) if s is not None), None)
    if isinstance(value, dict):
        return {k: _record_shape(v) for k, v in value.items()}
    return None


def _same(declared, other, path="record"):
    """Every level of ``other`` has exactly the declared fields (where ``other`` shows the level)."""
    assert set(other) == set(declared), f"{path}: missing {sorted(set(declared) - set(other))}, extra {sorted(set(other) - set(declared))}"
    for name, sub in declared.items():
        if sub is not None and other[name] is not None:
            _same(sub, other[name], f"{path}.{name}")


def test_the_api_serializer_declares_exactly_the_record_fields():
    shape = _serializer_shape(IncidentRecord())
    _same(_schema_shape(SCHEMA), {k: v for k, v in shape.items() if k not in API_ONLY})


@pytest.mark.django_db
def test_the_python_record_has_exactly_the_declared_fields(moderator):
    system = SystemFactory()
    incident = publish_new(moderator, affected={"count": 1, "has_minor": False, "name": "Ada Example"}, systems=[system.slug],
                           outcomes=[{"type": "detained", "days": 5, "sources": [0],
                                      "values": [{"field": "days", "value": "5", "sources": [0]}]}])
    record = public_record(incident)
    assert record["claims"] and record["outcomes"][0]["values"]
    _same(_schema_shape(SCHEMA), _record_shape(record))
    # Version 1, still served, is the same record without its claims.
    _same(_schema_shape(SCHEMA_V1), _record_shape(as_v1(record)), "v1")


@pytest.mark.django_db
def test_the_list_row_and_its_serializer_agree(moderator):
    incident = publish_new(moderator)
    declared = {k: v for k, v in _serializer_shape(IncidentSummary()).items() if k != "url"}  # the API adds each row's link
    _same(declared, _record_shape(summary_record(public_record(incident))), "summary")
