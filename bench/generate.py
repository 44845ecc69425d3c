"""Synthetic incidents in the registry's import format, with a realistic shape.

200 systems with a long tail (a few appear in thousands of cases, most in a handful),
vendors and operators reused across systems, 1-4 sources and 1-3 outcomes per incident,
narratives mixing the domain words real reports use with a long-tailed vocabulary, so a
full-text term is about as selective as in real prose.
Deterministic for a given seed, so two runs measure the same data.
"""

import datetime
import json
import random

VERSION = 2  # bump when the generated shape changes, so the bench rebuilds its database

TECH = ["face"] * 7 + ["fingerprint", "iris", "identity_database"]
MODES = ["investigative_search", "live_search", "verification", "record_lookup", "unknown"]
ERRORS = ["false_match"] * 6 + ["wrong_record", "outdated_reference", "false_non_match", "other"]
FACTORS = ["low_quality_probe", "outdated_reference_photo", "over_reliance", "no_corroboration", "failed_liveness",
           "database_entry_error", "demographic_differential", "suggestive_lineup"]
OUTCOMES = ["stopped", "questioned", "arrested", "detained", "charged", "charges_dropped", "deported", "denied_entry",
            "denied_service", "banned", "lawsuit_filed", "settlement", "apology", "policy_change"]
COUNTRIES = ["US"] * 12 + ["GB"] * 3 + ["AR", "BR", "IN", "RU", "AU", "CA", "FR", "DE", "NL", "ZA", "KE", "NG", "MX", "CN", "IT", "ES", "SE", "PL", "JP", "KR"]
SOURCE_TYPES = ["news"] * 6 + ["court_record", "government_document", "ngo_report", "regulator_action", "official_response"]
WORDS = ("police arrested man woman teenager facial recognition search matched photo mugshot database driver licence "
         "surveillance camera still image store theft shoplifting warrant detention jail released charges dropped "
         "lawsuit settlement apology immigration agents app scan border crossing fugitive list subway station "
         "identity wrong record name same birthday outdated photograph examiner candidate lineup witness alibi "
         "retailer watchlist banned security guard airport passport verification failed liveness check deported "
         "hours days family lawyer court judge prosecutor evidence corroboration investigator software vendor "
         "algorithm accuracy error mistake misidentified wrongly accused innocent").split()


SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "pra", "sto", "gle", "mar", "den", "vil", "tor", "ash", "bel", "cor", "dun"]


def _vocabulary(rng, size=4000):
    """Pseudo-words with a Zipf-like frequency, so full-text terms are as selective as in real prose."""
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    ordered = sorted(words)
    rng.shuffle(ordered)
    return ordered


def _text(rng, vocabulary, weights, k):
    """Real prose: a third common domain words, the rest from a long-tailed vocabulary."""
    common = rng.choices(WORDS, k=k // 3)
    rare = rng.choices(vocabulary, weights, k=k - k // 3)
    mixed = common + rare
    rng.shuffle(mixed)
    return " ".join(mixed)


def _zipf_weights(n, s=1.1):
    return [1 / (rank ** s) for rank in range(1, n + 1)]


def catalogue(rng):
    vendors = [{"name": f"Vendor {i:02d} Biometrics", "slug": f"vendor-{i:02d}", "kind": "vendor", "country": rng.choice(COUNTRIES)}
               for i in range(40)]
    systems = []
    for i in range(200):
        vendor = vendors[i % len(vendors)]
        systems.append({"name": f"System {i:03d} Identify", "slug": f"system-{i:03d}", "technology": rng.choice(TECH),
                        "aliases": [f"SYS{i:03d}"], "vendor": {"name": vendor["name"], "slug": vendor["slug"], "kind": "vendor"}})
    operators = [{"name": f"Agency {i:03d}", "slug": f"agency-{i:03d}", "kind": rng.choice(["police", "federal_agency", "city_government", "retailer"]),
                  "country": rng.choice(COUNTRIES)} for i in range(300)]
    return systems, operators


def records(count: int, seed: int = 7):
    rng = random.Random(seed)
    systems, operators = catalogue(rng)
    system_weights, operator_weights = _zipf_weights(len(systems)), _zipf_weights(len(operators), 0.9)
    vocabulary = _vocabulary(rng)
    vocab_weights = _zipf_weights(len(vocabulary), 1.0)
    start = datetime.datetime(2019, 1, 1, tzinfo=datetime.UTC)
    span = (datetime.datetime(2026, 10, 1, tzinfo=datetime.UTC) - start).total_seconds()
    for n in range(count):
        published = start + datetime.timedelta(seconds=span * n / count + rng.random())
        incident_date = (published - datetime.timedelta(days=rng.randint(5, 900))).date()
        narrative = _text(rng, vocabulary, vocab_weights, rng.randint(60, 140))
        sources = [{
            "url": f"https://news{rng.randint(1, 400)}.example.org/{n}/{k}",
            "title": _text(rng, vocabulary, vocab_weights, rng.randint(6, 12)).capitalize(),
            "publisher": f"Publisher {rng.randint(1, 400)}",
            "published_date": (incident_date + datetime.timedelta(days=rng.randint(1, 60))).isoformat(),
            "language": "en", "source_type": rng.choice(SOURCE_TYPES),
        } for k in range(rng.randint(1, 4))]
        outcomes = []
        for outcome_type in rng.sample(OUTCOMES, rng.randint(1, 3)):
            outcome = {"type": outcome_type, "detail": " ".join(rng.choices(WORDS, k=8)), "sources": [rng.randrange(len(sources))]}
            if outcome_type == "detained":
                outcome["days"] = rng.randint(1, 60)
            outcomes.append(outcome)
        chosen_systems = {json.dumps(s, sort_keys=True) for s in rng.choices(systems, system_weights, k=rng.choice([0, 1, 1, 1, 2]))}
        minor = rng.random() < 0.03
        yield {
            "title": f"{rng.choice(['Man', 'Woman', 'Teenager', 'Traveller', 'Shopper'])} {_text(rng, vocabulary, vocab_weights, 7)}",
            "narrative": narrative.capitalize() + ".",
            "incident_date": incident_date.isoformat(), "date_precision": "day",
            "country": rng.choice(COUNTRIES), "region": f"Region {rng.randint(1, 50)}", "city": f"City {rng.randint(1, 500)}",
            "systems": [json.loads(s) for s in chosen_systems],
            "operators": rng.choices(operators, operator_weights, k=1),
            "identification_mode": rng.choice(MODES), "error_type": rng.choice(ERRORS),
            "contributing_factors": rng.sample(FACTORS, rng.randint(0, 3)),
            "affected": {"count": 1, "has_minor": minor},
            "sources": sources, "outcomes": outcomes,
            "published_at": published.isoformat(), "updated_at": published.isoformat(),
        }


def write_jsonl(path, count: int, seed: int = 7):
    with open(path, "w", encoding="utf-8") as out:
        for record in records(count, seed):
            out.write(json.dumps(record) + "\n")
