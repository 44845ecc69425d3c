"""Country names for ISO 3166-1 alpha-2 codes, as pages, feeds and counts show them."""

import pycountry


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code) if code else None
    return getattr(country, "common_name", None) or getattr(country, "name", code) if country else code
