"""Regenerate ``countries.jsonl`` from pycountry.

Run from the repository root:

    python -m nlp.gazetteers.build_countries

Each country gets one canonical short English name (TAXONOMY.md: Myanmar,
Laos, Vietnam, Timor-Leste) and its ISO names and common aliases as patterns.
The output is committed, so nothing is generated at run time.
"""

from __future__ import annotations

import json
from pathlib import Path

import pycountry

# ISO short names that are not how English news names the country.
CANONICAL_OVERRIDES: dict[str, str] = {
    "BN": "Brunei",
    "BO": "Bolivia",
    "CD": "Democratic Republic of the Congo",
    "CG": "Republic of the Congo",
    "CC": "Cocos Islands",
    "CV": "Cape Verde",
    "CZ": "Czech Republic",
    "FK": "Falkland Islands",
    "FM": "Micronesia",
    "IR": "Iran",
    "KP": "North Korea",
    "KR": "South Korea",
    "LA": "Laos",
    "MD": "Moldova",
    "MF": "Saint Martin",
    "PS": "Palestine",
    "RU": "Russia",
    "SX": "Sint Maarten",
    "SY": "Syria",
    "TR": "Turkey",
    "TW": "Taiwan",
    "TZ": "Tanzania",
    "VA": "Vatican City",
    "VE": "Venezuela",
    "VG": "British Virgin Islands",
    "VI": "US Virgin Islands",
    "VN": "Vietnam",
}

# Aliases beyond the ISO names: former names, abbreviations, local spellings.
EXTRA_ALIASES: dict[str, list[str]] = {
    "MM": ["Burma", "Republic of the Union of Myanmar"],
    "LA": ["Lao PDR", "Lao P.D.R.", "Lao People's Democratic Republic"],
    "VN": ["Viet Nam", "Socialist Republic of Vietnam"],
    "KH": ["Kampuchea", "Kingdom of Cambodia"],
    "TL": ["East Timor", "Timor Leste"],
    "TH": ["Kingdom of Thailand", "Siam"],
    "US": ["US", "U.S.", "USA", "U.S.A.", "United States of America"],
    "GB": ["UK", "U.K.", "Britain", "Great Britain"],
    "CN": ["PRC", "People's Republic of China", "mainland China"],
    "KR": ["Republic of Korea"],
    "KP": ["DPRK"],
    "AE": ["UAE", "U.A.E."],
    "TR": ["Türkiye", "Turkiye"],
    "CI": ["Ivory Coast", "Cote d'Ivoire"],
    "SZ": ["Swaziland"],
    "MK": ["Macedonia"],
    "CV": ["Cabo Verde"],
    "MO": ["Macau"],
    "PH": ["the Philippines"],
    "NL": ["Holland"],
}

# ISO entries that are not countries a news text would mean by these words.
SKIPPED = {"AQ", "BV", "HM", "UM", "GS", "IO", "TF", "JE", "GG"}


def country_patterns() -> list[dict[str, str]]:
    """One entity-ruler pattern per (alias, country), canonical name as id."""
    patterns: list[dict[str, str]] = []
    for country in pycountry.countries:
        code = country.alpha_2
        if code in SKIPPED:
            continue
        canonical = (
            CANONICAL_OVERRIDES.get(code) or getattr(country, "common_name", None) or country.name
        )
        aliases = [
            canonical,
            country.name,
            getattr(country, "common_name", ""),
            getattr(country, "official_name", ""),
        ]
        aliases += EXTRA_ALIASES.get(code, [])
        seen: set[str] = set()
        for alias in aliases:
            # ISO inverted forms ("Korea, Republic of") never occur in prose.
            if not alias or "," in alias or "(" in alias or alias in seen:
                continue
            seen.add(alias)
            patterns.append({"label": "LOCATION", "pattern": alias, "id": canonical})
    return patterns


def main() -> None:
    out = Path(__file__).with_name("countries.jsonl")
    with out.open("w", encoding="utf-8") as fh:
        for pattern in country_patterns():
            fh.write(json.dumps(pattern, ensure_ascii=False) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
