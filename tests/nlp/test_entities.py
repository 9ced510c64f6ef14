"""Entities: canonical names, every label, and the hard cases of TAXONOMY.md."""

from __future__ import annotations

import json
from pathlib import Path

from nlp.analyze import analyze_record
from nlp.extract import Extractor
from nlp.pipeline import NlpSettings

TRAFFICKING = "Victims of human trafficking were forced to work in scam compounds."


def test_burma_is_canonicalised_as_myanmar(analyze):
    record = analyze(f"Dozens of workers were trafficked to Burma last year. {TRAFFICKING}")
    assert "Myanmar" in record["LOCATION"]
    assert "Burma" not in record["LOCATION"]


def test_myawadi_is_canonicalised_as_myawaddy(analyze):
    record = analyze(f"The compounds around Myawadi have grown since 2021. {TRAFFICKING}")
    assert record["LOCATION"] == ["Myawaddy"]


def test_dotted_kk_park_is_canonicalised_as_kk_park(analyze):
    record = analyze(f"Survivors described beatings inside K.K. Park. {TRAFFICKING}")
    assert "KK Park" in record["LOCATION"]


def test_spelled_out_unodc_is_canonicalised(analyze):
    record = analyze("The UN Office on Drugs and Crime warned of a growing scam industry.")
    assert record["ORG"] == ["UNODC"]


def test_lao_pdr_and_viet_nam_take_common_short_names(analyze):
    record = analyze("Workers from Lao PDR and Viet Nam were trafficked into the compounds.")
    assert record["LOCATION"] == ["Laos", "Vietnam"]


def test_each_label_is_found_in_one_story(analyze):
    record = analyze(
        "Recruiters posted fake job adverts on Facebook and moved victims to compounds in "
        "Shwe Kokko run by the Karen Border Guard Force. Maria Santos, a researcher with "
        "the International Organization for Migration, said many were forced into online "
        "scams and held in debt bondage."
    )
    assert "Shwe Kokko" in record["LOCATION"]
    assert record["PLATFORM"] == ["Facebook"]
    assert "Karen Border Guard Force" in record["RECRUITER"]
    assert record["ORG"] == ["IOM"]
    assert record["PERSON"] == ["Maria Santos"]
    assert {"online scam", "debt bondage"} <= set(record["CRIME"])


def test_thai_police_is_an_org_and_not_a_location(analyze):
    record = analyze("Thai police said the suspects trafficked 19 people into scam compounds.")
    assert record["ORG"] == ["Royal Thai Police"]
    assert "Thailand" not in record["LOCATION"]


def test_broad_region_is_not_a_location(analyze):
    record = analyze("Scam centres in Southeast Asia recruit victims from across Africa and Asia.")
    assert record["LOCATION"] == []


def test_the_border_is_not_a_location(analyze):
    record = analyze("The workers were smuggled across the border at night by brokers.")
    assert record["LOCATION"] == []


def test_nationality_is_not_a_location(analyze):
    record = analyze("Three Indonesian and two Kenyan workers were rescued from a scam compound.")
    assert record["LOCATION"] == []


def test_country_used_as_adjective_is_not_a_location(analyze):
    record = analyze("UK analysts say scam compounds in Cambodia keep growing.")
    assert record["LOCATION"] == ["Cambodia"]


def test_platform_cited_as_photo_credit_is_not_counted(analyze):
    record = analyze(
        "Rescued workers rest in a shelter in Mae Sot (photo: Facebook). Trafficking victims "
        "were forced to run online scams for months."
    )
    assert record["PLATFORM"] == []


def test_platform_used_to_recruit_is_counted(analyze):
    record = analyze("Traffickers lured victims with fake job offers posted on Telegram.")
    assert record["PLATFORM"] == ["Telegram"]


def test_platforms_in_an_off_topic_story_are_not_counted(analyze):
    record = analyze(
        "Residents shared photos of flooded streets on Facebook as the river rose, and "
        "farmers posted updates on their crops in village groups."
    )
    assert record["PLATFORM"] == []


def test_line_is_matched_only_in_capitals(analyze):
    record = analyze(
        "Scammers contacted victims on LINE and asked them to pay fees, keeping a fine line "
        "between friendship and fraud in these romance scams."
    )
    assert record["PLATFORM"] == ["LINE"]


def test_unnamed_recruiters_become_the_generic_recruiter(analyze):
    record = analyze("Brokers and recruiters promised the victims well-paid jobs in Thailand.")
    assert record["RECRUITER"] == ["recruitment agent"]


def test_criminal_syndicates_without_recruiting_are_not_a_recruiter(analyze):
    record = analyze("Criminal syndicates launder the proceeds of online scams through casinos.")
    assert record["RECRUITER"] == []


def test_armed_group_running_compounds_is_a_recruiter(analyze):
    record = analyze("The DKBA protects several scam compounds near the Moei River.")
    assert record["RECRUITER"] == ["DKBA"]


def test_person_named_only_by_an_initial_is_not_counted(analyze):
    record = analyze("A victim identified only by the initial N. said she was forced to scam.")
    assert record["PERSON"] == []


def test_pseudonym_given_in_the_text_counts_as_a_person(analyze):
    record = analyze(
        "A recruiter who called himself Andi moved the conversation to WhatsApp and sent "
        "a plane ticket to the trafficking victim."
    )
    assert record["PERSON"] == ["Andi"]


def test_surname_alone_is_the_person_named_in_full(analyze):
    record = analyze(
        "The company, founded by Pavel Durov and now based in Dubai, faces regulators. "
        "Durov was placed under formal investigation in France."
    )
    assert record["PERSON"] == ["Pavel Durov"]


def test_drug_trafficking_is_not_trafficking_in_persons(analyze):
    record = analyze("Police seized methamphetamine in a drug trafficking case in Chiang Rai.")
    assert "trafficking in persons" not in record["CRIME"]


def test_common_wording_maps_onto_the_closed_crime_list(analyze):
    record = analyze(
        "Victims of human trafficking were forced to scam strangers, held for ransom, and "
        "some were forced into prostitution; bosses ran online fraud and online gambling."
    )
    assert set(record["CRIME"]) == {
        "trafficking in persons",
        "forced criminality",
        "extortion",
        "sexual exploitation",
        "cyber fraud",
        "illegal gambling",
    }


def test_unmapped_crime_wording_is_left_out(analyze):
    record = analyze("The gang was accused of sextortion and of selling counterfeit watches.")
    assert record["CRIME"] == []


def test_place_missing_from_the_gazetteers_is_found_by_the_model(analyze):
    record = analyze("Workers recruited in Mombasa were trafficked to Myawaddy.")
    assert record["LOCATION"] == ["Mombasa", "Myawaddy"]


def test_place_inside_an_organisation_name_is_not_a_location(analyze):
    record = analyze(
        "Researchers at the United States Institute of Peace studied the scam compounds."
    )
    assert record["LOCATION"] == []
    assert record["ORG"] == ["United States Institute of Peace"]


def test_user_gazetteer_extends_the_bundled_one(tmp_path: Path):
    pattern = {"label": "RECRUITER", "pattern": "Golden Lotus Manpower", "id": "Golden Lotus"}
    (tmp_path / "local_recruiters.jsonl").write_text(json.dumps(pattern) + "\n")
    extractor = Extractor(NlpSettings(gazetteer_dir=tmp_path))
    text = "Golden Lotus Manpower sent forty workers to Myawaddy, where they were trafficked."
    record = analyze_record("t", next(extractor.extract([("t", text)])))
    assert record["RECRUITER"] == ["Golden Lotus"]
    assert "Myawaddy" in record["LOCATION"]


def test_country_inside_an_organisation_name_stays_in_the_name(analyze):
    record = analyze(
        "The Bank of Thailand said scam proceeds were laundered through mule accounts."
    )
    assert record["ORG"] == ["Bank of Thailand"]
    assert record["LOCATION"] == []


def test_name_given_with_an_age_is_a_person(analyze):
    record = analyze(
        '"The agency said all the papers were legal," said Dewi, 26, who was trafficked '
        "to a scam compound."
    )
    assert record["PERSON"] == ["Dewi"]


def test_bare_brokers_recruit_but_crypto_brokers_do_not(analyze):
    recruiting = analyze("Brokers promised the villagers factory jobs and took their passports.")
    laundering = analyze("Stolen funds were cashed out through over-the-counter brokers.")
    assert recruiting["RECRUITER"] == ["recruitment agent"]
    assert laundering["RECRUITER"] == []


def test_possessive_country_before_an_institution_is_not_a_place(analyze):
    record = analyze("Malaysia's prime minister hosted talks on scam compounds in Myawaddy.")
    assert record["LOCATION"] == ["Myawaddy"]


def test_compound_unknown_to_the_gazetteers_is_a_location_everywhere_it_is_named(analyze):
    record = analyze(
        "Eleven Indonesians said they were held at a compound called Golden Lotus Park, "
        "outside Payathonzu, and forced to run online scams.\n\n"
        "Golden Lotus Park lies a few kilometres from the border."
    )
    assert "Golden Lotus Park" in record["LOCATION"]
    assert record["PERSON"] == []


def test_text_beyond_the_length_cap_is_not_read(extractor, monkeypatch):
    import nlp.extract

    monkeypatch.setattr(nlp.extract, "MAX_CHARS", 60)
    text = "Workers were trafficked from Indonesia to Cambodia. " + "Filler words. " * 5
    text += "Later some were moved to Myawaddy."
    record = analyze_record("t", next(extractor.extract([("t", text)])))
    assert record["LOCATION"] == ["Cambodia", "Indonesia"]


def test_name_after_said_and_a_description_is_a_person(analyze):
    record = analyze(
        '"These workers are trapped," said Thida Win, a labour organiser in Mae Sot.'
    )
    assert record["PERSON"] == ["Thida Win"]
    assert record["ORG"] == []


def test_courtesy_title_is_dropped_from_a_name(analyze):
    record = analyze(
        '"The promise is always the same," said Dr Ratna Dewi, a researcher who has '
        "interviewed trafficking victims."
    )
    assert record["PERSON"] == ["Ratna Dewi"]


def test_generational_suffix_stays_in_a_name(analyze):
    record = analyze(
        "The syndicates moved online after President Ferdinand Marcos Jr. banned POGOs."
    )
    assert record["PERSON"] == ["Ferdinand Marcos Jr."]


def test_surname_given_after_a_comma_is_a_person(analyze):
    record = analyze(
        "One graduate, identified only by his surname, Li, said the bosses forced him to run "
        "investment scams."
    )
    assert record["PERSON"] == ["Li"]


def test_demonym_is_never_a_person(analyze):
    record = analyze("The victims were forced to call Thai people and demand money.")
    assert record["PERSON"] == []


def test_acronym_defined_once_is_the_same_organisation(analyze):
    record = analyze(
        "The Migrant Workers Rights Network (MWRN) said brokers were recruiting workers for "
        "scam compounds. MWRN called on the government to act."
    )
    assert record["ORG"] == ["Migrant Workers Rights Network"]


def test_known_acronym_stays_the_canonical_name(analyze):
    record = analyze(
        "The International Organization for Migration (IOM) said trafficking victims needed "
        "shelter, and IOM staff met them in Mae Sot."
    )
    assert record["ORG"] == ["IOM"]


def test_country_foreign_ministry_takes_the_country_demonym(analyze):
    record = analyze(
        "Kenya's foreign ministry says it has helped 600 trafficking victims return from "
        "Myanmar."
    )
    assert record["ORG"] == ["Kenyan Ministry of Foreign Affairs"]


def test_bare_ministry_belongs_to_the_country_the_story_is_about(analyze):
    record = analyze(
        "Sri Lankan families say their sons were trafficked to Myawaddy. The Ministry of "
        "Foreign Affairs said its embassy in Yangon had raised the cases with Myanmar and "
        "Thai officials in Bangkok and Naypyidaw."
    )
    assert record["ORG"] == ["Sri Lankan Ministry of Foreign Affairs"]


def test_karen_name_keeps_its_prefix(analyze):
    record = analyze(
        "The Treasury designated the group's leader Saw Chit Thu and two of his sons, Saw "
        "Htoo Eh Moo and Saw Chit Chit, over scam compounds."
    )
    assert record["PERSON"] == ["Saw Chit Chit", "Saw Chit Thu", "Saw Htoo Eh Moo"]


def test_quoted_pseudonym_is_a_person(analyze):
    record = analyze(
        "A 24-year-old man who asked to be called 'Tun' said brokers had trafficked him to "
        "a scam compound."
    )
    assert record["PERSON"] == ["Tun"]


def test_police_titles_are_dropped_from_names(analyze):
    record = analyze(
        "Pol. Maj. Gen. Kritsada Kaewchan said most brokers now recruited trafficking "
        "victims through Facebook."
    )
    assert record["PERSON"] == ["Kritsada Kaewchan"]



def test_a_ministry_owned_by_a_two_word_country_takes_its_demonym(analyze):
    record = analyze(
        "Scam compounds in Myanmar still hold foreign workers. Sri Lanka's Ministry of Foreign "
        f"Affairs said 40 citizens were trapped there. {TRAFFICKING}"
    )
    assert "Sri Lankan Ministry of Foreign Affairs" in record["ORG"]
    assert "Myanmar Ministry of Foreign Affairs" not in record["ORG"]


def test_a_body_name_cut_before_trailing_of_the_is_trimmed(analyze):
    record = analyze(
        "The Directorate of Criminal Investigation of the Kenyan police arrested two "
        f"recruitment agents. {TRAFFICKING}"
    )
    assert "Directorate of Criminal Investigation" in record["ORG"]
    assert not any(o.endswith((" of", " the")) for o in record["ORG"])


def test_a_ministry_name_with_a_list_of_portfolios_stays_whole(analyze):
    record = analyze(
        "The Ministry of Labour, Invalids and Social Affairs of Vietnam warned workers about "
        f"fake jobs in Cambodia. {TRAFFICKING}"
    )
    assert record["ORG"] == ["Vietnamese Ministry of Labour, Invalids and Social Affairs"]


def test_a_demonym_before_a_known_body_is_not_an_organisation(analyze):
    record = analyze(
        "The Philippine Bureau of Immigration stopped 30 passengers bound for Cambodia. "
        f"{TRAFFICKING}"
    )
    assert "Philippine" not in record["ORG"]
    assert "Bureau of Immigration" in record["ORG"]


def test_an_all_capitals_dateline_is_a_place_not_an_organisation(analyze):
    record = analyze(
        f"BANDAR SERI BEGAWAN – Officials met on Thursday to discuss scam centres. {TRAFFICKING}"
    )
    assert "Bandar Seri Begawan" in record["LOCATION"]
    assert not any(o.isupper() for o in record["ORG"])


def test_a_known_dateline_the_model_missed_is_found(analyze):
    record = analyze(f"GENEVA – The agency said it was alarmed by new reports. {TRAFFICKING}")
    assert "Geneva" in record["LOCATION"]


def test_a_person_of_a_place_is_a_person_not_an_organisation(analyze):
    record = analyze(
        "The meeting was chaired by Siti Rahmah Yusof of Brunei's Narcotics Control Bureau. "
        f"{TRAFFICKING}"
    )
    assert "Siti Rahmah Yusof" in record["PERSON"]
    assert not any("Siti" in o for o in record["ORG"])


def test_a_people_named_before_a_plural_noun_is_not_an_organisation(analyze):
    record = analyze(f"Shan migrants described how brokers recruited them. {TRAFFICKING}")
    assert "Shan" not in record["ORG"]


def test_a_legislature_named_alone_is_not_an_organisation(analyze):
    record = analyze(f"The Senate held a hearing on the trafficking cases. {TRAFFICKING}")
    assert "Senate" not in record["ORG"]


def test_the_us_treasury_is_the_department_of_the_treasury(analyze):
    record = analyze(f"The US Treasury sanctioned the network's bosses. {TRAFFICKING}")
    assert "US Department of the Treasury" in record["ORG"]


def test_a_name_given_an_age_is_a_person_even_if_the_model_calls_it_a_place(analyze):
    record = analyze(
        "Bikash, 23, which is not his real name, paid a manpower agent in Kathmandu. "
        f"{TRAFFICKING}"
    )
    assert "Bikash" in record["PERSON"]
    assert "Bikash" not in record["LOCATION"]


def test_a_surname_with_an_age_does_not_hide_the_full_name(analyze):
    record = analyze(
        "The actor Wang Xing vanished near the border. Wang, 31, had been promised a film "
        f"role. {TRAFFICKING}"
    )
    assert "Wang Xing" in record["PERSON"]


def test_a_body_name_the_model_cut_short_takes_its_last_proper_noun(analyze):
    record = analyze(
        "The Office of the Attorney General in Bangkok said it would appeal the verdict. "
        f"{TRAFFICKING}"
    )
    assert "Office of the Attorney General" in record["ORG"]


def test_a_body_named_after_a_country_is_one_organisation(analyze):
    record = analyze(
        f"The Bangladesh Meteorological Department recorded heavy rain overnight. {TRAFFICKING}"
    )
    assert "Bangladesh Meteorological Department" in record["ORG"]
    assert "Bangladesh" not in record["LOCATION"]


def test_a_country_before_a_title_and_name_stays_a_place(analyze):
    record = analyze(f"In Thailand Prime Minister Anutin spoke about the raids. {TRAFFICKING}")
    assert "Thailand" in record["LOCATION"]
