"""The OpenAPI document is valid, describes what the API really answers, and exposes no private field.

Schemathesis generates requests from the schema (valid and invalid ones) and checks every
answer: no 5xx, a documented status code, a documented content type, a body that matches the
documented schema. It runs in-process over WSGI against the test database, with a bounded
number of examples so `make test` stays fast.
"""

import json
import os

import pytest
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    ignored_auth,
    negative_data_rejection,
    positive_data_acceptance,
)

from registry.wsgi import application
from tests.factories import publish_new

# Examples per operation: 25 in make test; SCHEMA_EXAMPLES=400 SCHEMA_RANDOM=1 for a long run.
EXAMPLES = int(os.environ.get("SCHEMA_EXAMPLES", "25"))


def _count_call(case=None):
    """With SCHEMA_COUNT=path, add one line per generated request, naming the operation (for reporting a long run)."""
    if os.environ.get("SCHEMA_COUNT"):
        with open(os.environ["SCHEMA_COUNT"], "a") as f:
            f.write(f"{case.operation.label if case is not None else '-'}\n")

PRIVATE_FIELDS = {"contact_email", "token", "token_hash", "claimed_by", "payload", "submitter"}


def openapi() -> dict:
    from io import StringIO

    out = StringIO()
    call_command("spectacular", "--format", "openapi-json", "--validate", "--fail-on-warn", stdout=out)
    return json.loads(out.getvalue())


def test_schema_is_valid_and_generated_without_warnings():
    document = openapi()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/incidents/" in document["paths"]


def _property_names(schema, components, seen=None) -> set:
    seen = seen if seen is not None else set()
    names = set()
    if "$ref" in schema:
        ref = schema["$ref"].rsplit("/", 1)[-1]
        if ref in seen:
            return names
        seen.add(ref)
        return _property_names(components[ref], components, seen)
    for key in ("allOf", "oneOf", "anyOf"):
        for sub in schema.get(key, []):
            names |= _property_names(sub, components, seen)
    for name, sub in schema.get("properties", {}).items():
        names.add(name)
        names |= _property_names(sub, components, seen)
    if "items" in schema:
        names |= _property_names(schema["items"], components, seen)
    return names


def test_no_public_response_documents_a_private_field():
    """Public (unauthenticated) GET answers never carry submitter contact or moderation internals."""
    document = openapi()
    components = document["components"]["schemas"]
    for path, operations in document["paths"].items():
        if "/moderation/" in path or "/submissions/" in path:
            continue
        for method, operation in operations.items():
            for response in operation.get("responses", {}).values():
                for media in response.get("content", {}).values():
                    leaked = _property_names(media["schema"], components) & PRIVATE_FIELDS
                    assert not leaked, f"{method.upper()} {path} documents {leaked}"


def _schema(path_regex: str | None = None):
    # Loaded from the same generator the /api/schema/ endpoint uses, and called over WSGI in-process.
    # (schemathesis.pytest.from_fixture does not work with pytest 9 yet: it sets Function._nodeid.)
    from drf_spectacular.generators import SchemaGenerator

    document = json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))
    loaded = schemathesis.openapi.from_dict(document)
    if path_regex:
        loaded = loaded.include(path_regex=path_regex)
    loaded.app = application
    return loaded


schema = _schema(r"^/api/v1/(?!moderation/)")
# Schemathesis' in-process WSGI calls do not undo gzip; compression is tested in tests/http.
PLAIN = {"Accept-Encoding": "identity"}


@pytest.fixture(autouse=True)
def some_records(db, moderator):
    """A few published records so detail, system and organization routes have something to find."""
    publish_new(moderator)
    publish_new(moderator, title="A second documented case")


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Plain WSGI closes the database connection after each request; Django's test client does not.

    Closing it would end the test's transaction, so do what django.test.Client does.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=not os.environ.get("SCHEMA_RANDOM"))
def test_public_api_conforms_to_its_schema(case):
    query = case.query or {}
    excluded = []
    # A cursor is opaque: a random string is schema-valid yet rightly refused with a 400 that names it.
    if "cursor" in query:
        excluded.append(positive_data_acceptance)
    # An empty filter means "not set", as an HTML form sends it (documented in the API description).
    if any(v == "" for value in query.values() for v in (value if isinstance(value, list) else [value])):
        excluded.append(negative_data_rejection)
    _count_call()
    response = case.call(headers=PLAIN)
    # Rules across fields or against the calendar, which a JSON Schema cannot state, are
    # refused with a 400 naming the field and the rule (documented in the field
    # descriptions): an outcome's source numbers must exist, dates must be real and past,
    # an amount needs its currency and at most two decimals, a country code must be assigned, a
    # minor is never named; a link must be a public http(s) address (stricter than format: uri).
    if response.status_code == 400 and _only_semantic_rules(response):
        excluded.append(positive_data_acceptance)
    if response.status_code == 413:  # a body over the size limit is refused before it is read (documented 413)
        excluded.append(negative_data_rejection)
    case.validate_response(response, excluded_checks=excluded)


SEMANTIC_RULES = ("does not exist: there are", "This field may not be blank.", "Ensure this field has at least",  # texts are trimmed first
                  "Null characters are not allowed.",  # PostgreSQL text cannot hold NUL
                  "Give at least one source",  # minItems: drf-spectacular drops it on nested lists
                  "Enter a valid URL.", "Only http and https links are accepted.", "is not a real date", "The date is in the future", "Dates before 1900",
                  "Give the currency of the amount", "Ensure that there are no more than",  # decimal places: JSON numbers are floats
                  "is not an ISO 3166-1 alpha-2 country code", "A minor's name is never recorded",
                  "The period ends before it starts.", "The end date is before the start date.",  # a figure's period, a deployment's dates
                  "A percentage is at most 100.", "No deployment ",  # a unit-dependent bound; an id that must exist
                  "Only a personal testimony can be sent without one",  # a link is optional for one source type only
                  "The record is written in this language already", "has no translation into",  # a translation's language
                  # a claim names one of the record's own attributions, and a source stands on one side of it
                  "Name what the claim is about", "is not one of the record's", "Use a technology code", "This claim is already given above",
                  "A source cannot both support and contradict", "The record does not say whether", "Give a whole number of days")


def _only_semantic_rules(response) -> bool:
    try:
        fields = response.json()["error"]["fields"]
    except (ValueError, KeyError, TypeError):
        return False
    return bool(fields) and all(any(rule in message for rule in SEMANTIC_RULES) for messages in fields.values() for message in messages)


moderation_schema = _schema(r"^/api/v1/moderation/")


@moderation_schema.parametrize()
@settings(max_examples=max(EXAMPLES // 2, 15), deadline=None, suppress_health_check=list(HealthCheck), derandomize=not os.environ.get("SCHEMA_RANDOM"))
def test_moderation_api_conforms_to_its_schema_with_a_moderator_token(case, moderator):
    from api.models import ApiToken

    _, key = ApiToken.issue(moderator, "schemathesis")
    _count_call()
    response = case.call(headers={**PLAIN, "Authorization": f"Token {key}"})
    # Each operation accepts a token OR a session (OpenAPI security alternatives); schemathesis
    # spoils one while the valid token stays, then expects a 401. That the spoiled one alone
    # is refused is tested in test_moderation_api.py (anonymous, non-moderator, bad token).
    excluded = [ignored_auth]
    query = case.query or {}
    if any(v == "" for value in query.values() for v in (value if isinstance(value, list) else [value])):
        excluded.append(negative_data_rejection)  # an empty parameter means "not set", as in the public API
    if response.status_code == 400 and _only_semantic_rules(response):
        excluded.append(positive_data_acceptance)
    if response.status_code == 413:
        excluded.append(negative_data_rejection)
    case.validate_response(response, excluded_checks=excluded)


def test_the_api_holds_its_schema_over_linked_sequences(moderator, rate_limits):
    """Schemathesis' stateful phase: sequences that follow the schema's links (submit → status,
    answer, claim → publish → record, correct, redact, withdraw...), as a moderator, with every
    check on every answer."""
    from hypothesis import settings as hypothesis_settings

    from api.models import ApiToken

    rate_limits(submissions="100000/hour", corrections="100000/hour")
    _, key = ApiToken.issue(moderator, "schemathesis stateful")
    base = _schema().as_state_machine()

    class Machine(base):
        def get_call_kwargs(self, case):
            _count_call(case)
            return {"headers": {**PLAIN, "Authorization": f"Token {key}"}}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            excluded = [ignored_auth]
            query = case.query or {}
            if "cursor" in query:  # opaque: a made-up one is rightly refused (as in the public test)
                excluded.append(positive_data_acceptance)
            if any(v == "" for value in query.values() for v in (value if isinstance(value, list) else [value])):
                excluded.append(negative_data_rejection)
            if response.status_code == 400 and _only_semantic_rules(response):
                excluded.append(positive_data_acceptance)
            if response.status_code == 413:
                excluded.append(negative_data_rejection)
            case.validate_response(response, excluded_checks=excluded, additional_checks=additional_checks)

    from hypothesis.stateful import run_state_machine_as_test

    run_state_machine_as_test(Machine, settings=hypothesis_settings(
        max_examples=max(EXAMPLES // 3, 8), stateful_step_count=6, deadline=None, suppress_health_check=list(HealthCheck),
        derandomize=not os.environ.get("SCHEMA_RANDOM"), database=None))
