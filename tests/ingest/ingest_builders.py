"""Bodies for the ingest tests: paragraphs, RSS and Atom feeds, PDFs."""

from __future__ import annotations

import hashlib

from fpdf import FPDF
from fpdf.enums import EncryptionMethod

_VOCABULARY = (
    "workers were recruited through online job adverts promising high salaries in "
    "hotels and casinos but were taken across the border to compounds where they "
    "were forced to run investment and romance scams under threat of beatings and "
    "fines while police and aid groups tried to trace the brokers and the money"
)


def paragraph(topic: str, words: int = 120) -> str:
    """A deterministic, varied English paragraph about ``topic``."""
    vocabulary = _VOCABULARY.split()
    seed = int(hashlib.sha1(topic.encode()).hexdigest(), 16)
    chosen = []
    for index in range(words):
        seed = (seed * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        chosen.append(vocabulary[(seed >> 33) % len(vocabulary)])
        if index % 15 == 14:
            chosen[-1] += "."
    return f"{topic}: " + " ".join(chosen) + "."


def rss(items: list[dict[str, str]], title: str = "Test Wire") -> str:
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0"><channel>',
        f"<title>{title}</title><link>https://news.example/</link>",
        "<description>test feed</description>",
    ]
    for item in items:
        parts.append("<item>")
        for key, value in item.items():
            if key == "description":
                parts.append(f"<description><![CDATA[{value}]]></description>")
            else:
                parts.append(f"<{key}>{value}</{key}>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "\n".join(parts)


def atom(entries: list[dict[str, str]], title: str = "Test Atom") -> str:
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<title>{title}</title><id>urn:test:atom</id><updated>2026-05-01T00:00:00Z</updated>",
    ]
    for entry in entries:
        parts.append(
            "<entry>"
            f"<title>{entry['title']}</title>"
            f'<link rel="alternate" href="{entry["link"]}"/>'
            f"<id>{entry['link']}</id>"
            f"<updated>{entry['updated']}</updated>"
            f'<content type="html"><![CDATA[{entry["content"]}]]></content>'
            "</entry>"
        )
    parts.append("</feed>")
    return "\n".join(parts)


def pdf_bytes(
    text: str, title: str = "", pages: int = 1, user_password: str | None = None
) -> bytes:
    document = FPDF()
    if title:
        document.set_title(title)
    document.set_font("helvetica", size=11)
    for page in range(pages):
        document.add_page()
        document.multi_cell(0, 6, f"Page {page + 1}. {text}")
    if user_password is not None:
        document.set_encryption(
            owner_password="owner",
            user_password=user_password,
            encryption_method=EncryptionMethod.RC4,
        )
    return bytes(document.output())
