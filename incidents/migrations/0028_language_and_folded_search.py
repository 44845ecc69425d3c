"""Records carry their language; search folds accents and stems in the record's language and
the reader's.

Two SQL functions, core PostgreSQL only (the embedded server has no unaccent extension):

- ``wir_fold(text)``: lower case without the diacritics of the Latin alphabets ("Policía" →
  "policia", "Constitución" → "constitucion"); both the documents and the queries pass
  through it, so the rule is in one place;
- ``wir_ts_config(language)``: the text-search configuration of a BCP 47 language tag
  (es → spanish, pt-BR → portuguese...), 'simple' for a language PostgreSQL cannot stem.

Published records' vectors are cleared; ``after_migrate`` computes them again.
"""

from django.db import migrations, models

FOLD_FROM = "áàâãäåāăąçćĉčďđéèêëēĕėęěĝğġģĥíìîïĩīĭįĵķĺļľłñńņňóòôõöøōŏőŕŗřśŝşšţťŧúùûüũūŭůűųŵýÿŷźżž"
FOLD_TO = "aaaaaaaaaccccddeeeeeeeeegggghiiiiiiiijkllllnnnnooooooooorrrsssstttuuuuuuuuuuwyyyzzz"

FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION wir_fold(value text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURNS NULL ON NULL INPUT
    AS $$ SELECT translate(lower(value), '{FOLD_FROM}', '{FOLD_TO}') $$;

CREATE OR REPLACE FUNCTION wir_ts_config(language text) RETURNS regconfig
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT (CASE lower(split_part(coalesce(language, ''), '-', 1))
        WHEN 'en' THEN 'english' WHEN 'es' THEN 'spanish' WHEN 'pt' THEN 'portuguese' WHEN 'fr' THEN 'french'
        WHEN 'de' THEN 'german' WHEN 'it' THEN 'italian' WHEN 'nl' THEN 'dutch' WHEN 'sv' THEN 'swedish'
        WHEN 'da' THEN 'danish' WHEN 'no' THEN 'norwegian' WHEN 'nb' THEN 'norwegian' WHEN 'fi' THEN 'finnish'
        WHEN 'ru' THEN 'russian' WHEN 'tr' THEN 'turkish' WHEN 'ro' THEN 'romanian' WHEN 'hu' THEN 'hungarian'
        WHEN '' THEN 'english' ELSE 'simple' END)::regconfig $$;
"""

DROP = "DROP FUNCTION IF EXISTS wir_ts_config(text); DROP FUNCTION IF EXISTS wir_fold(text);"


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0027_testimony_without_link"),
    ]

    operations = [
        migrations.AddField(
            model_name="incident",
            name="language",
            field=models.CharField(default="en", help_text="BCP 47 tag of the language the title and narrative are written in, e.g. en, es, pt-BR",
                                   max_length=12, verbose_name="language"),
        ),
        migrations.RunSQL(FUNCTIONS, DROP),
        migrations.RunSQL("UPDATE incidents_incident SET search_vector = NULL WHERE status = 'published';", migrations.RunSQL.noop),
    ]
