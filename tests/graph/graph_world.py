"""A small graph written by hand; the tests' expected results are worked out
from it by hand (off-topic rows and the unnamed route end are marked)."""

from __future__ import annotations

from graph.model import DocumentRow, EntityRow, EvidenceRow, GraphBatch, MentionRow

KK_PARK = "LOCATION:KK Park"
MYAWADDY = "LOCATION:Myawaddy"
MYANMAR = "LOCATION:Myanmar"
MAE_SOT = "LOCATION:Mae Sot"
THAILAND = "LOCATION:Thailand"
CAMBODIA = "LOCATION:Cambodia"
LAOS = "LOCATION:Laos"
DKBA = "RECRUITER:DKBA"
AGENT = "RECRUITER:recruitment agent"
FACEBOOK = "PLATFORM:Facebook"
UNODC = "ORG:UNODC"
TIP = "CRIME:trafficking in persons"
SCAM = "CRIME:online scam"

D1, D2, D3, D4, D5 = "d1", "d2", "d3", "d4", "d5"
DATES = {D1: "2024-01-10", D2: "2024-02-15", D3: "2024-02-20", D4: "2024-03-05",
         D5: "2024-03-31"}


def doc(doc_id: str, title: str, source: str, relevant: bool = True) -> DocumentRow:
    return DocumentRow(id=doc_id, title=title, url=f"https://example.org/{doc_id}",
                       source=source, published=DATES[doc_id], relevant=relevant)


def mention(doc_id: str, entity: str, count: int = 1) -> MentionRow:
    return MentionRow(doc_id=doc_id, entity=entity, count=count, date=DATES[doc_id])


def ev(type_: str, source: str, target: str, doc_id: str, index: int, sentence: str,
       mode: str = "", via: tuple[str, ...] = ()) -> EvidenceRow:
    return EvidenceRow(type=type_, source=source, target=target, mode=mode, via=via,
                       doc_id=doc_id, sentence_index=index, sentence=sentence,
                       date=DATES[doc_id])


S_RAID = "Police raided KK Park outside Myawaddy."
S_GUARD = "The DKBA guards the KK Park compound."
S_STATE = "Myawaddy lies in Myanmar's Karen State."
S_ADVERT = "Brokers recruited workers through Facebook adverts."
S_JOBS = "Facebook adverts promised jobs in Myanmar."
S_SENT = "Others were sent to Cambodia and Myanmar."
S_CROSS = "Victims were taken from Mae Sot across the Moei River into Myawaddy."
S_FLOWN = "They had been flown to Mae Sot."
S_TOWN = "Mae Sot is a Thai border town in Thailand."
S_UNODC = "UNODC says Myanmar hosts most compounds."
S_HOLD = "Compounds in Myanmar and Cambodia hold thousands."
S_DENY = "Cambodia and Myanmar deny it."
S_POLICE = "UNODC works with Cambodia's police."

WORLD = GraphBatch(
    documents=(
        doc(D1, "Raid on KK Park compound in Myawaddy", "Irrawaddy"),
        doc(D2, "Recruiters use Facebook to lure workers", "Frontier"),
        doc(D3, "Floods along the Mekong", "Irrawaddy", relevant=False),
        doc(D4, "Trafficked from Mae Sot into Myawaddy", "Frontier"),
        doc(D5, "UNODC report on scam centres", "UNODC"),
    ),
    entities=(
        EntityRow(key=MYANMAR, label="LOCATION", name="Myanmar", aliases=("Burma",)),
        EntityRow(key=MYAWADDY, label="LOCATION", name="Myawaddy", aliases=("Myawadi",)),
        EntityRow(key=KK_PARK, label="LOCATION", name="KK Park", aliases=("K.K. Park",)),
        EntityRow(key=MAE_SOT, label="LOCATION", name="Mae Sot", lat=16.71, lon=98.57),
    ),
    mentions=(
        mention(D1, KK_PARK, 3), mention(D1, MYAWADDY, 2), mention(D1, MYANMAR), mention(D1, DKBA),
        mention(D2, FACEBOOK, 2), mention(D2, AGENT), mention(D2, MYANMAR), mention(D2, CAMBODIA),
        mention(D3, LAOS, 4), mention(D3, THAILAND),  # off-topic: dropped
        mention(D4, MAE_SOT), mention(D4, MYAWADDY), mention(D4, THAILAND), mention(D4, TIP),
        mention(D5, UNODC, 2), mention(D5, MYANMAR, 2), mention(D5, CAMBODIA), mention(D5, SCAM),
    ),
    evidence=(
        ev("CO_OCCURS", KK_PARK, MYAWADDY, D1, 0, S_RAID),
        ev("LOCATED_IN", KK_PARK, MYAWADDY, D1, 0, S_RAID),
        ev("CO_OCCURS", KK_PARK, DKBA, D1, 1, S_GUARD),
        ev("OPERATES_IN", DKBA, KK_PARK, D1, 1, S_GUARD),
        ev("CO_OCCURS", MYANMAR, MYAWADDY, D1, 2, S_STATE),
        ev("LOCATED_IN", MYAWADDY, MYANMAR, D1, 2, S_STATE),
        ev("RECRUITS_VIA", AGENT, FACEBOOK, D2, 0, S_ADVERT),
        ev("CO_OCCURS", MYANMAR, FACEBOOK, D2, 1, S_JOBS),
        ev("CO_OCCURS", CAMBODIA, MYANMAR, D2, 2, S_SENT),
        ev("CO_OCCURS", LAOS, THAILAND, D3, 0, "Floods hit Laos and Thailand."),  # dropped
        ev("ROUTE", MAE_SOT, MYAWADDY, D4, 0, S_CROSS, mode="land", via=("Moei River",)),
        ev("CO_OCCURS", MAE_SOT, MYAWADDY, D4, 0, S_CROSS),
        ev("ROUTE", "LOCATION:", MAE_SOT, D4, 1, S_FLOWN, mode="air"),  # unnamed origin
        ev("CO_OCCURS", MAE_SOT, THAILAND, D4, 2, S_TOWN),
        ev("CO_OCCURS", UNODC, MYANMAR, D5, 0, S_UNODC),  # given reversed: stored Myanmar-UNODC
        ev("CO_OCCURS", CAMBODIA, MYANMAR, D5, 1, S_HOLD),
        ev("CO_OCCURS", CAMBODIA, MYANMAR, D5, 2, S_DENY),
        ev("OPERATES_IN", UNODC, CAMBODIA, D5, 3, S_POLICE),
    ),
    high_water_mark=5,
)
