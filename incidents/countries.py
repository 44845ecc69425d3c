"""Country names for ISO 3166-1 alpha-2 codes, as pages, feeds and counts show them, in the
reader's language (pycountry ships the ISO names' translations as gettext catalogues)."""

import gettext
from functools import lru_cache

import pycountry
from django.utils import translation

from .text import fold


@lru_cache(maxsize=8)
def _catalogue(language: str):
    code = translation.to_locale(language)
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[code, code.split("_")[0]])
    except OSError:
        return gettext.NullTranslations()


def _english(country) -> str:
    return getattr(country, "common_name", None) or country.name


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code) if code else None
    if country is None:
        return code
    return _catalogue(translation.get_language() or "en").gettext(_english(country))


@lru_cache(maxsize=8)
def _choices(language: str) -> list[tuple[str, str]]:
    catalogue = _catalogue(language)
    names = [(c.alpha_2, catalogue.gettext(_english(c))) for c in pycountry.countries]
    return sorted(names, key=lambda c: fold(c[1]))


def country_choices() -> list[tuple[str, str]]:
    """Every country as (code, name) in the reader's language, sorted as a reader expects
    (accents ignored: "Ecuador" before "Egipto", "Áustria" among the A's)."""
    return _choices(translation.get_language() or "en")
