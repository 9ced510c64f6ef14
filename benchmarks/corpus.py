"""A synthetic year of regional news, written as RSS files, for scale benchmarks.

Articles are assembled from sentence templates (scam compounds, recruitment,
rescues, routes, arrests, sanctions, courts) filled with entities drawn from
the gazetteers in nlp/gazetteers/ and invented people, dated over one year.
In every block of 20 items exactly one is a syndicated copy of an earlier
item with small edits (5%) and three are off-topic (15%: weather, sport,
markets, festivals), at positions the seed shuffles. The same seed gives the
same bytes with the same gazetteers (editing them changes the draws). Items
are generated and written one feed file at a time, so memory stays flat
whatever N is.

    python benchmarks/corpus.py --n 100000 --out DIR [--seed 1] [--per-file 1000]

Every item's description holds its full text (over 400 characters), so
ingest never tries to fetch the ``news.example`` links.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
GAZETTEERS = ROOT / "nlp" / "gazetteers"

ON_TOPIC = "on_topic"
OFF_TOPIC = "off_topic"
SYNDICATED = "syndicated"
BLOCK = 20  # per block: 1 syndicated copy, 3 off-topic, 16 on-topic
SYNDICATED_PER_BLOCK = 1
OFF_TOPIC_PER_BLOCK = 3
RECENT = 200  # syndicated copies are of one of the last RECENT on-topic items
MIN_CHARS = 600

OUTLETS = ("Mekong Wire", "Border Post Daily", "Andaman Herald", "Delta Courier",
           "Highland Observer", "Gulf Coast Times", "Riverbank Review", "Straits Ledger")
SYLLABLES = ("an", "ba", "chai", "dao", "en", "hong", "kyaw", "lin", "min", "nga", "phon",
             "rith", "sok", "thu", "vann", "wai", "yin", "zaw", "sen", "mya", "tun", "lwin")
# Regional countries named in on-topic text (all present in countries.jsonl).
COUNTRIES = ("Myanmar", "Thailand", "Cambodia", "Laos", "Vietnam", "Malaysia", "Indonesia",
             "Philippines", "China", "Bangladesh", "India", "Sri Lanka", "Kenya", "Uganda")
JOBS = ("customer service", "data entry", "translation", "casino marketing", "IT support",
        "online sales", "call centre", "hotel reception")

# Slots: {loc} {loc2} {compound} {country} {recruiter} {platform} {org} {crime}
# {person} {n} {m} {job} {wage}
ON_TOPIC_SENTENCES = (
    "Police in {loc} said {n} people had been rescued from a compound near {compound}.",
    "The victims told officers they were recruited through {platform} with offers of "
    "{job} jobs paying {wage} dollars a month.",
    "According to {org}, workers were moved from {loc} to {loc2} by road before crossing "
    "the border at night.",
    "{recruiter} has denied any link to the site, which investigators say was used for "
    "{crime}.",
    "A court in {loc} sentenced {person} to {m} years in prison for {crime}.",
    "Authorities in {country} said {n} nationals were still held at {compound}.",
    "{person}, who escaped in March, said guards confiscated passports on arrival.",
    "Recruiters used {platform} and {platform2} to reach job seekers from {country}.",
    "{org} estimates that tens of thousands of people are forced to run online scams in "
    "the region.",
    "The group was taken by boat from {loc} along the river to {loc2}.",
    "Officials in {loc2} confirmed that {n} workers had been handed over to immigration.",
    "Sanctions announced this week target {recruiter} and companies linked to {compound}.",
    "Families in {country} said relatives had stopped answering messages on {platform}.",
    "Investigators believe the network laundered proceeds of {crime} through shell firms "
    "in {loc}.",
    "{person} told reporters that workers who missed targets were beaten.",
    "The raid on {compound} followed months of pressure from {org}.",
    "Survivors described being sold between compounds in {loc} and {loc2}.",
    "Prosecutors in {country} charged {m} suspects with {crime} and money laundering.",
    "Job advertisements posted on {platform} promised free flights to {loc}.",
    "{org} called for stronger screening at the crossing between {loc} and {loc2}.",
)
ON_TOPIC_TITLES = (
    "{n} rescued from scam compound near {compound}",
    "Court jails recruiter over {crime} in {loc}",
    "Raid in {loc} frees workers lured by fake {job} jobs",
    "{org} warns of trafficking route through {loc}",
    "Sanctions hit {recruiter} over {compound}",
    "Families in {country} search for relatives held in {loc}",
)
OFF_TOPIC_SENTENCES = (
    "Heavy rain is expected across the {region} over the weekend, forecasters said.",
    "Rice prices rose {m} percent at the {town} wholesale market this month.",
    "The {town} football club won {m} to {k} in front of a home crowd on Saturday.",
    "Organisers expect {n} visitors at the lantern festival along the {town} waterfront.",
    "The central bank kept its policy rate unchanged, citing stable inflation.",
    "A new bridge across the river near {town} will open to traffic in {month}.",
    "Exporters said durian shipments to northern markets were up on last year.",
    "Schools in the {region} will reopen on Monday after the holiday.",
    "The city council approved a budget for {n} new streetlights in {town}.",
    "Fishermen reported a good season despite rising fuel costs.",
)
OFF_TOPIC_TITLES = (
    "Weekend weather: rain across the {region}",
    "{town} market sees rice prices climb",
    "Local side wins derby {m}-{k}",
    "Lantern festival draws crowds to {town}",
)
OFF_TOPIC_TOWNS = ("Riverside", "Hillcrest", "Lakeview", "Old Quarter", "Port Town", "Greenfield")
OFF_TOPIC_REGIONS = ("northern provinces", "central plains", "coastal districts", "uplands")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
EDITS = (("said", "stated"), ("people", "individuals"), ("workers", "labourers"),
         ("told", "informed"), ("near", "close to"))


@dataclass(frozen=True)
class Article:
    number: int
    kind: str  # ON_TOPIC, OFF_TOPIC or SYNDICATED
    title: str
    text: str  # paragraphs separated by blank lines
    published: datetime
    outlet: str
    link: str
    copy_of: int | None = None  # the item a syndicated copy was made from


@dataclass(frozen=True)
class Gazetteer:
    """Surface forms per slot, read from nlp/gazetteers/*.jsonl."""

    places: tuple[str, ...]
    compounds: tuple[str, ...]
    recruiters: tuple[str, ...]
    platforms: tuple[str, ...]
    organisations: tuple[str, ...]
    crimes: tuple[str, ...]


def load_gazetteer(folder: Path = GAZETTEERS) -> Gazetteer:
    def entries(name: str) -> list[dict]:
        lines = (folder / name).read_text(encoding="utf-8").splitlines()
        return [e for e in map(json.loads, filter(str.strip, lines))
                if isinstance(e.get("pattern"), str) and e.get("id")]

    def forms(name: str) -> tuple[str, ...]:
        # Mostly canonical names, some aliases: real text spells things several ways.
        found = {e["id"] for e in entries(name)}
        found |= {e["pattern"] for e in entries(name) if len(e["pattern"]) > 3}
        return tuple(sorted(found))

    crimes = tuple(sorted({e["id"] for e in entries("crimes.jsonl")}))
    # Generic recruiter patterns ("fake agent") read oddly as a subject: named ones only.
    recruiters = tuple(r for r in forms("recruiters.jsonl") if r[:1].isupper())
    return Gazetteer(places=forms("locations.jsonl"), compounds=forms("compounds.jsonl"),
                     recruiters=recruiters, platforms=forms("platforms.jsonl"),
                     organisations=forms("organisations.jsonl"), crimes=crimes)


def _person(rng: random.Random) -> str:
    return " ".join(rng.choice(SYLLABLES).title() + rng.choice(SYLLABLES) for _ in range(2))


def _fill(template: str, rng: random.Random, gaz: Gazetteer) -> str:
    places = rng.sample(gaz.places, 2)
    platforms = rng.sample(gaz.platforms, 2)
    return template.format(
        loc=places[0], loc2=places[1], compound=rng.choice(gaz.compounds),
        country=rng.choice(COUNTRIES), recruiter=rng.choice(gaz.recruiters),
        platform=platforms[0], platform2=platforms[1], org=rng.choice(gaz.organisations),
        crime=rng.choice(gaz.crimes), person=_person(rng), n=rng.randint(3, 900),
        m=rng.randint(2, 12), k=rng.randint(0, 4), job=rng.choice(JOBS),
        wage=rng.choice((800, 1000, 1200, 1500, 2000)), town=rng.choice(OFF_TOPIC_TOWNS),
        region=rng.choice(OFF_TOPIC_REGIONS), month=rng.choice(MONTHS))


def _body(sentences: tuple[str, ...], rng: random.Random, gaz: Gazetteer) -> str:
    """Two to four paragraphs of two to four sentences, at least MIN_CHARS long."""
    paragraphs: list[str] = []
    length = 0
    while len(paragraphs) < 2 or length < MIN_CHARS:
        chosen = rng.sample(sentences, rng.randint(2, 4))
        paragraph = " ".join(_fill(s, rng, gaz) for s in chosen)
        paragraphs.append(paragraph)
        length += len(paragraph)
        if len(paragraphs) == 4 and length >= MIN_CHARS:
            break
    return "\n\n".join(paragraphs)


def _syndicated(original: Article, number: int, rng: random.Random, published: datetime,
                outlet: str) -> Article:
    """A wire copy: same story, one wording change and a credit line."""
    text = original.text
    for old, new in rng.sample(EDITS, len(EDITS)):
        if f" {old} " in text:
            text = text.replace(f" {old} ", f" {new} ", 1)
            break
    text += f"\n\nThis story first appeared in {original.outlet}."
    return Article(number=number, kind=SYNDICATED, title=original.title, text=text,
                   published=published, outlet=outlet,
                   link=_link(outlet, published, number), copy_of=original.number)


def _link(outlet: str, published: datetime, number: int) -> str:
    slug = outlet.lower().replace(" ", "-")
    return f"https://news.example/{slug}/{published:%Y/%m}/{number:07d}"


def articles(n: int, seed: int = 1, start: date = date(2025, 1, 1),
             gazetteer: Gazetteer | None = None) -> Iterator[Article]:
    """``n`` articles in publication order over one year from ``start``."""
    rng = random.Random(seed)
    gaz = gazetteer or load_gazetteer()
    recent: deque[Article] = deque(maxlen=RECENT)
    first = datetime(start.year, start.month, start.day, 8, 0, tzinfo=UTC)
    kinds: list[str] = []
    for number in range(n):
        if not kinds:
            kinds = ([SYNDICATED] * SYNDICATED_PER_BLOCK + [OFF_TOPIC] * OFF_TOPIC_PER_BLOCK
                     + [ON_TOPIC] * (BLOCK - SYNDICATED_PER_BLOCK - OFF_TOPIC_PER_BLOCK))
            rng.shuffle(kinds)
            if not recent and kinds[0] == SYNDICATED:  # a copy needs an original before it
                kinds.append(kinds.pop(0))
        kind = kinds.pop(0)
        # Spread evenly over 365 days, with minutes of jitter inside the day.
        published = first + timedelta(days=number * 365 // max(n, 1),
                                      minutes=rng.randint(0, 600))
        outlet = rng.choice(OUTLETS)
        if kind == SYNDICATED and recent:
            article = _syndicated(rng.choice(recent), number, rng, published, outlet)
        elif kind == OFF_TOPIC:
            article = Article(number, OFF_TOPIC, _fill(rng.choice(OFF_TOPIC_TITLES), rng, gaz),
                              _body(OFF_TOPIC_SENTENCES, rng, gaz), published, outlet,
                              _link(outlet, published, number))
        else:
            article = Article(number, ON_TOPIC, _fill(rng.choice(ON_TOPIC_TITLES), rng, gaz),
                              _body(ON_TOPIC_SENTENCES, rng, gaz), published, outlet,
                              _link(outlet, published, number))
            recent.append(article)
        yield article


def rss_item(article: Article) -> str:
    return (
        "<item>"
        f"<title>{escape(article.title)}</title>"
        f"<link>{escape(article.link)}</link>"
        f'<guid isPermaLink="true">{escape(article.link)}</guid>'
        f"<pubDate>{format_datetime(article.published)}</pubDate>"
        f"<description>{escape(article.text)}</description>"
        "</item>\n"
    )


def write_feeds(items: Iterable[Article], out: Path, per_file: int = 1000,
                prefix: str = "feed") -> list[Path]:
    """Write ``items`` as RSS 2.0 files of ``per_file`` items each; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    batch: list[str] = []

    def flush() -> None:
        path = out / f"{prefix}-{len(paths):05d}.xml"
        title = OUTLETS[len(paths) % len(OUTLETS)]
        path.write_text(
            '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
            f"<title>{escape(title)}</title><link>https://news.example/</link>"
            "<description>Synthetic regional news for scamtrace benchmarks</description>\n"
            + "".join(batch) + "</channel></rss>\n", encoding="utf-8")
        paths.append(path)
        batch.clear()

    for article in items:
        batch.append(rss_item(article))
        if len(batch) == per_file:
            flush()
    if batch:
        flush()
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, required=True, help="number of items")
    parser.add_argument("--out", type=Path, required=True, help="folder for the RSS files")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--per-file", type=int, default=1000)
    args = parser.parse_args()
    started = time.perf_counter()
    paths = write_feeds(articles(args.n, args.seed), args.out, args.per_file)
    seconds = time.perf_counter() - started
    size = sum(p.stat().st_size for p in paths)
    print(f"{args.n:,} items in {len(paths)} files under {args.out}: {size / 1e6:,.1f} MB "
          f"in {seconds:.1f} s ({args.n / seconds:,.0f} items/s)")
    print(json.dumps({"items": args.n, "files": len(paths), "bytes": size,
                      "seconds": round(seconds, 2)}))


if __name__ == "__main__":
    main()
