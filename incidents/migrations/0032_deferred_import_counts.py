"""An import may defer the kept counts to its end: one set-based count of every row it wrote
instead of an update of the counter rows per batch (which left the table nine tenths dead
rows after a 100,000-incident import, docs/performance.md).

The count triggers return at once while the transaction has set ``registry.defer_counts``;
``incidents_publiccount_count_rows(ids)`` then adds the rows of those incidents in one
statement (``store.deferred_counts``). Literal SQL: migrations never import the app's code.
"""

from django.db import migrations

ROW_VALUES = """
    UNION ALL SELECT 'system', x::text FROM unnest(r.system_ids) x
    UNION ALL SELECT 'operator', x::text FROM unnest(r.operator_ids) x
    UNION ALL SELECT 'vendor', x::text FROM unnest(r.vendor_ids) x
    UNION ALL SELECT 'outcome', x FROM unnest(r.outcome_types) x
    UNION ALL SELECT 'country', r.country
    UNION ALL SELECT 'error_type', r.error_type
    UNION ALL SELECT 'identification_mode', r.identification_mode
    UNION ALL SELECT 'evidence', r.evidence
    UNION ALL SELECT 'year', coalesce(r.year::text, '')
    UNION ALL SELECT 'has_minor', coalesce(r.affected_minor::text, '')"""

DELTA_SQL = f"""
INSERT INTO incidents_publiccount (scope, scope_key, dimension, key, n)
SELECT x.scope, x.scope_key, x.dimension, x.key, {{sign}} count(*) FROM (
    SELECT s.scope, s.scope_key, d.dimension, d.key
    FROM {{rows}} r
    CROSS JOIN LATERAL (SELECT '' AS scope, '' AS scope_key{ROW_VALUES}) s
    CROSS JOIN LATERAL (SELECT 'total' AS dimension, '' AS key{ROW_VALUES}) d
    UNION ALL
    SELECT CASE split_part(a, ':', 1) WHEN 's' THEN 'system' WHEN 'v' THEN 'vendor' WHEN 'op' THEN 'operator' ELSE 'technology' END,
           split_part(a, ':', 2), 'attribution', split_part(a, ':', 3)
    FROM {{rows}} r, unnest(r.attributions) a
) x
GROUP BY 1, 2, 3, 4
ORDER BY 1, 2, 3, 4
ON CONFLICT (scope, scope_key, dimension, key) DO UPDATE SET n = incidents_publiccount.n + EXCLUDED.n
"""

DEFERRED = "IF current_setting('registry.defer_counts', true) = 'on' THEN RETURN NULL; END IF;"

FUNCTIONS_SQL = f"""
CREATE OR REPLACE FUNCTION incidents_publiccount_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {DEFERRED}
    {DELTA_SQL.format(rows="added", sign="")};
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION incidents_publiccount_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {DEFERRED}
    {DELTA_SQL.format(rows="removed", sign="-")};
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION incidents_publiccount_count_rows(ids bigint[]) RETURNS void LANGUAGE sql AS $$
    {DELTA_SQL.format(rows="(SELECT * FROM incidents_publicrecord WHERE incident_id = ANY(ids))", sign="")};
$$;
"""

UNDO_SQL = f"""
CREATE OR REPLACE FUNCTION incidents_publiccount_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {DELTA_SQL.format(rows="added", sign="")};
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION incidents_publiccount_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {DELTA_SQL.format(rows="removed", sign="-")};
    RETURN NULL;
END $$;
DROP FUNCTION incidents_publiccount_count_rows(bigint[]);
"""


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0031_claims"),
    ]

    operations = [
        migrations.RunSQL(FUNCTIONS_SQL, UNDO_SQL),
    ]
