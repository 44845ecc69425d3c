"""One publish costs a fixed, small number of statements, whatever the record holds:
the service's checks, one UPDATE of the incident and its search vector, and one DELETE and
one INSERT into the read model (every public copy at once), the submitter's notice, the version and the history."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents.domain import moderation
from tests.factories import OrganizationFactory, SystemFactory, submit

pytestmark = pytest.mark.django_db

PUBLISH_QUERIES = 20  # was 41-43 before the one read model; +1 since the submitter's notice (one INSERT … SELECT); each query is listed by the failure message


def _publish_queries(moderator, **shape) -> list[str]:
    incident = submit(**shape)[0]
    moderation.claim(incident, moderator)
    with CaptureQueriesContext(connection) as queries:
        moderation.publish(incident, moderator)
    return [q["sql"] for q in queries.captured_queries]


def test_publish_runs_a_fixed_small_number_of_queries(moderator):
    systems = [SystemFactory(name=name, vendor=OrganizationFactory()).name for name in ("Scanner One", "Scanner Two")]
    plain = _publish_queries(moderator)
    rich = _publish_queries(moderator, systems=systems, sources=[
        {"url": f"https://news.example/{n}", "source_type": "news", "title": f"Report {n}"} for n in range(4)],
        outcomes=[{"type": "arrested", "sources": [0, 1]}, {"type": "detained", "days": 3, "sources": [2]}, {"type": "charges_dropped", "sources": [3]}])
    assert len(plain) == len(rich) == PUBLISH_QUERIES, "\n".join(q[:120] for q in rich)
    writes = [q.split()[0] for q in rich if q.split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert sum(1 for q in rich if q.startswith("UPDATE \"incidents_incident\"") or q.lstrip().startswith("UPDATE incidents_incident ")) == 2
    assert len(writes) <= 9, writes  # the notice is the ninth
