"""ROUTE relations: shapes of journeys and what is not a route."""

from __future__ import annotations


def routes(record):
    return [(r["origin"], r["destination"], tuple(r["via"]), r["mode"]) for r in record["ROUTES"]]


def test_from_to_sentence_is_a_route(analyze):
    record = analyze("The women were trafficked from Indonesia to Cambodia last year.")
    assert [(o, d) for o, d, _, _ in routes(record)] == [("Indonesia", "Cambodia")]


def test_each_stated_leg_is_its_own_route(analyze):
    record = analyze(
        "Rina flew from Jakarta to Bangkok, then was driven to Mae Sot by a broker who "
        "recruited her."
    )
    assert routes(record) == [
        ("Bangkok", "Mae Sot", (), "land"),
        ("Jakarta", "Bangkok", (), "air"),
    ]


def test_boats_make_a_sea_route(analyze):
    record = analyze("Smugglers took the refugees by boat from Cox's Bazar to Malaysia.")
    assert routes(record) == [("Cox's Bazar", "Malaysia", (), "sea")]


def test_boat_crossing_of_a_river_is_a_land_route_via_the_river(analyze):
    record = analyze(
        "Trafficking victims were taken across the Moei River in a small boat from Mae Sot "
        "into Myawaddy."
    )
    assert routes(record) == [("Mae Sot", "Myawaddy", ("Moei River",), "land")]


def test_repatriation_is_not_a_route(analyze):
    record = analyze("The rescued workers were repatriated from Myawaddy to Bangkok by air.")
    assert record["ROUTES"] == []


def test_unnamed_origin_is_the_empty_string(analyze):
    record = analyze("The two men were convicted of trafficking 12 people to Cambodia.")
    assert routes(record) == [("", "Cambodia", (), "unknown")]


def test_movement_of_goods_is_not_a_route(analyze):
    record = analyze("Drugs were smuggled from Shan State to Thailand by truck.")
    assert record["ROUTES"] == []


def test_summary_journey_covered_by_its_legs_is_dropped(analyze):
    record = analyze(
        "The couple lured 19 people from Buriram into scam compounds in Poipet. Applicants "
        "were picked up in Buriram and driven to Aranyaprathet, then walked across the "
        "border into Poipet."
    )
    assert [(o, d) for o, d, _, _ in routes(record)] == [
        ("Aranyaprathet", "Poipet"),
        ("Buriram", "Aranyaprathet"),
    ]


def test_places_listed_together_share_their_role(analyze):
    record = analyze(
        "Prosecutors said the network trafficked workers from China, Indonesia and Vietnam "
        "to Cambodia, where they were forced to run online scams."
    )
    assert sorted((o, d) for o, d, _, _ in routes(record)) == [
        ("China", "Cambodia"),
        ("Indonesia", "Cambodia"),
        ("Vietnam", "Cambodia"),
    ]


def test_intercepted_journey_is_not_a_route(analyze):
    record = analyze(
        "Immigration officers stopped four women about to board a flight to Bangkok after "
        "finding messages from a recruiter for a scam compound."
    )
    assert record["ROUTES"] == []


def test_journeys_in_an_off_topic_story_are_not_routes(analyze):
    record = analyze(
        "Millions began the journey home for the holiday, with train tickets from "
        "Ho Chi Minh City to Hanoi sold out and buses taking families to Hue."
    )
    assert record["ROUTES"] == []
    assert record["relevant"] is False


def test_leg_without_a_verb_takes_the_mode_of_the_leg_before(analyze):
    record = analyze(
        "The trafficking victims were first flown to Dubai, then on to Bangkok, and finally "
        "driven to Mae Sot."
    )
    assert ("Dubai", "Bangkok", (), "air") in routes(record)
    assert ("Bangkok", "Mae Sot", (), "land") in routes(record)


def test_origin_named_after_the_destination_is_the_origin(analyze):
    record = analyze(
        "The women were trafficked into Cambodia from Vietnam by a network that advertised "
        "jobs on Facebook."
    )
    assert [(o, d) for o, d, _, _ in routes(record)] == [("Vietnam", "Cambodia")]


def test_legs_told_across_sentences_chain_from_there(analyze):
    record = analyze(
        "Recruits were flown from Colombo to Bangkok. From there they were driven to Mae Sot "
        "and across the Moei River into Myawaddy, where they were forced to run online scams."
    )
    assert routes(record) == [
        ("Bangkok", "Mae Sot", (), "land"),
        ("Colombo", "Bangkok", (), "air"),
        ("Mae Sot", "Myawaddy", ("Moei River",), "land"),
    ]


def test_boats_leaving_a_port_for_a_country_make_a_sea_route(analyze):
    record = analyze(
        "Boats leaving Cox's Bazar for Malaysia carried hundreds of Rohingya refugees who "
        "had paid people smugglers."
    )
    assert routes(record) == [("Cox's Bazar", "Malaysia", (), "sea")]


def test_country_bound_boat_has_that_destination(analyze):
    record = analyze(
        "People smugglers load Rohingya refugees onto Malaysia-bound trawlers at night."
    )
    assert routes(record) == [("", "Malaysia", (), "sea")]


def test_nationality_is_not_an_origin_and_a_later_rescue_keeps_the_route(analyze):
    record = analyze(
        "Indonesian nationals trafficked to Cambodia were rescued in a raid on Tuesday."
    )
    assert routes(record) == [("", "Cambodia", (), "unknown")]


def test_people_rescued_and_taken_somewhere_is_not_a_route(analyze):
    record = analyze(
        "The trafficking victims were rescued from the compound and taken to Mae Sot."
    )
    assert record["ROUTES"] == []


def test_possessive_country_does_not_hide_the_origin(analyze):
    record = analyze(
        "Police said the group had been trafficked from Myanmar's Shan State to Laos."
    )
    assert [(o, d) for o, d, _, _ in routes(record)] == [("Shan State", "Laos")]


def test_journey_to_the_unnamed_border_has_an_empty_destination(analyze):
    record = analyze(
        "He was recruited on Telegram and driven straight from Bangkok's airport to the "
        "border by a trafficker."
    )
    assert routes(record) == [("Bangkok", "", (), "land")]


def test_city_of_arrival_starts_the_next_leg(analyze):
    record = analyze(
        "After landing in Bangkok, the trafficked men were put in a van and taken to Mae Sot."
    )
    assert routes(record) == [("Bangkok", "Mae Sot", (), "land")]


def test_country_after_a_comma_locates_the_destination(analyze):
    record = analyze(
        "The victims were later trafficked to a compound in Sihanoukville, Cambodia."
    )
    assert [(o, d) for o, d, _, _ in routes(record)] == [("", "Sihanoukville")]


def test_origin_of_a_person_described_on_the_way_is_not_an_origin(analyze):
    record = analyze(
        "Zhang, a shopkeeper from Fujian province, says she paid the traffickers to free her "
        "son, who had travelled to Thailand for a job."
    )
    assert [(o, d) for o, d, _, _ in routes(record)] == [("", "Thailand")]


def test_blank_line_ends_a_sentence(extract):
    extraction = extract(
        "Families say their sons were trafficked into the compounds of Myawaddy\n\n"
        "Police in Fujian province said they had opened an investigation."
    )
    assert len(extraction.sentences) == 2


def test_place_of_recruitment_starts_the_journey_told_in_the_next_sentence(analyze):
    record = analyze(
        "The couple recruited the victims in Sisaket and Surin with offers of work. The "
        "victims were transported by van to Aranyaprathet and smuggled across the border "
        "into Poipet."
    )
    assert sorted((o, d, m) for o, d, _, m in routes(record)) == [
        ("Aranyaprathet", "Poipet", "land"),
        ("Sisaket", "Aranyaprathet", "land"),
        ("Surin", "Aranyaprathet", "land"),
    ]


def test_boat_that_left_a_port_for_a_country_is_a_route(analyze):
    record = analyze(
        "The boat had left Teknaf, near the refugee camps, for Malaysia with 180 people "
        "who had paid people smugglers."
    )
    assert routes(record) == [("Teknaf", "Malaysia", (), "sea")]


def test_scam_compounds_tagged_as_a_verb_still_receive_trafficked_people(analyze):
    record = analyze(
        "The court sentenced the couple for trafficking 23 villagers to scam compounds in "
        "Cambodia."
    )
    assert [(o, d) for o, d, _, _ in routes(record)] == [("", "Cambodia")]


def test_delegation_travelling_is_not_a_route_even_where_workers_are_mentioned(analyze):
    record = analyze(
        "The delegation travelled to Naypyidaw to discuss the trafficking of workers."
    )
    assert record["ROUTES"] == []


def test_place_on_a_return_journey_is_not_a_via_of_the_outward_one(analyze):
    record = analyze(
        "Officials said 60 citizens who had been trafficked to Myanmar had been brought home "
        "through Bangkok."
    )
    assert routes(record) == [("", "Myanmar", (), "unknown")]


def test_city_passed_through_starts_the_next_leg(analyze):
    record = analyze(
        "Many of the trafficking victims transited through Bangkok before being taken "
        "overland to the border town of Mae Sot."
    )
    assert routes(record) == [("Bangkok", "Mae Sot", (), "land")]


def test_transport_for_flights_home_is_not_a_route(analyze):
    record = analyze(
        "Thai authorities have transported more than 500 trafficking victims from Mae Sot to "
        "Bangkok for flights home."
    )
    assert record["ROUTES"] == []


def test_where_after_a_destination_starts_the_next_leg_from_it(analyze):
    record = analyze(
        "The victims flew from Colombo to Bangkok and were then driven to Mae Sot, where they "
        "were taken across the Moei River into Myawaddy."
    )
    assert routes(record) == [
        ("Bangkok", "Mae Sot", (), "land"),
        ("Colombo", "Bangkok", (), "air"),
        ("Mae Sot", "Myawaddy", ("Moei River",), "land"),
    ]


def test_where_clause_without_movement_adds_no_leg(analyze):
    record = analyze(
        "The workers were trafficked into Cambodia, where they were forced to run online scams "
        "in Sihanoukville."
    )
    assert routes(record) == [("", "Cambodia", (), "unknown")]


def test_country_naming_one_side_of_a_border_is_not_a_destination(analyze):
    record = analyze(
        "An estimated 1,200 people may have been trafficked into scam compounds along the "
        "Thai-Myanmar border since January."
    )
    assert record["ROUTES"] == []


def test_country_before_a_hyphenated_border_is_not_a_destination(analyze):
    record = analyze("Hundreds of victims were smuggled to the Myanmar-Thailand border last year.")
    assert record["ROUTES"] == []


def test_a_business_moving_is_not_a_route(analyze):
    record = analyze(
        "The recruiter told the trafficking victims at the last minute that the company had "
        "moved to Thailand."
    )
    assert record["ROUTES"] == []


def test_a_business_sending_people_is_still_a_route(analyze):
    record = analyze("The company trafficked them to Cambodia with fake job offers.")
    assert routes(record) == [("", "Cambodia", (), "unknown")]


def test_towards_names_the_destination_of_a_stopped_journey(analyze):
    record = analyze(
        "Police intercepted a minibus carrying 14 trafficking victims as it headed from "
        "Bangkok towards Mae Sot."
    )
    assert routes(record) == [("Bangkok", "Mae Sot", (), "land")]


def test_a_drifting_boat_is_not_a_route(analyze):
    record = analyze(
        "The smugglers' boat lost its engine and drifted towards Sumatra with 150 refugees "
        "aboard."
    )
    assert record["ROUTES"] == []


def test_a_believed_destination_is_not_a_route(analyze):
    record = analyze(
        "The recruiter lied about the scam compound. I thought I was going to Dubai."
    )
    assert record["ROUTES"] == []


def test_a_belief_beside_the_real_journey_keeps_the_real_one(analyze):
    record = analyze(
        "Believing they were going to Bangkok, the victims were trafficked to Myawaddy."
    )
    assert routes(record) == [("", "Myawaddy", (), "unknown")]


def test_a_journey_into_the_place_that_contains_the_origin_is_not_a_route(analyze):
    record = analyze(
        "Shwe Kokko, Myanmar, is a scam hub. Victims were trafficked from Myanmar to Shwe Kokko."
    )
    assert record["ROUTES"] == []


def test_a_journey_between_places_not_contained_in_each_other_stays(analyze):
    record = analyze(
        "Shwe Kokko, Myanmar, is a scam hub. Victims were trafficked from Thailand to Shwe Kokko."
    )
    assert routes(record) == [("Thailand", "Shwe Kokko", (), "unknown")]


def test_where_officials_met_is_not_the_origin(analyze):
    record = analyze(
        "Ministers met in Jakarta on Monday and said that scam centres had moved trafficking "
        "victims to Laos."
    )
    assert routes(record) == [("", "Laos", (), "unknown")]


def test_where_people_were_met_is_still_the_origin(analyze):
    record = analyze("Trafficking victims were met in Bangkok by a driver and taken to Mae Sot.")
    assert [(o, d) for o, d, _, _ in routes(record)] == [("Bangkok", "Mae Sot")]


def test_a_possible_journey_is_not_a_route(analyze):
    record = analyze(
        "Officials in Phnom Penh said trafficking victims could be sent to Myanmar if the "
        "crackdown continued."
    )
    assert record["ROUTES"] == []


def test_a_conditional_journey_is_not_a_route(analyze):
    record = analyze("If trafficking victims are taken to Cambodia, they lose their passports.")
    assert record["ROUTES"] == []


def test_a_journey_in_the_next_sentence_without_a_carry_over_keeps_its_origin_unnamed(analyze):
    record = analyze(
        "Many trafficking victims were taken into the compounds of Myawaddy. Her son had "
        "travelled to Thailand for what he thought was a hotel job."
    )
    assert ("Myawaddy", "Thailand") not in [(o, d) for o, d, _, _ in routes(record)]


def test_from_there_carries_the_journey_on_from_the_sentence_before(analyze):
    record = analyze(
        "The trafficking victims flew from Kolkata to Bangkok. From there they were taken "
        "by road to Chiang Rai."
    )
    assert [(o, d) for o, d, _, _ in routes(record)] == [
        ("Bangkok", "Chiang Rai"),
        ("Kolkata", "Bangkok"),
    ]


def test_a_suspect_travelling_alone_is_not_a_route(analyze):
    record = analyze(
        "Police in Mae Sot said the trafficking suspect had travelled to Myawaddy to collect "
        "payments."
    )
    assert record["ROUTES"] == []


def test_a_suspect_taking_victims_is_a_route(analyze):
    record = analyze("The suspect trafficked the women to Cambodia.")
    assert routes(record) == [("", "Cambodia", (), "unknown")]


def test_scam_companies_in_a_country_make_it_the_destination(analyze):
    record = analyze(
        "The court found she sent 11 job seekers to scam companies in Cambodia, a case of "
        "trafficking in persons."
    )
    assert routes(record) == [("", "Cambodia", (), "unknown")]


def test_crossing_back_is_a_return_not_a_route(analyze):
    record = analyze("300 trafficking victims crossed back from Myawaddy to Mae Sot on Tuesday.")
    assert record["ROUTES"] == []


def test_sent_back_is_a_return_not_a_route(analyze):
    record = analyze("They were sent back to Indonesia after being trafficked.")
    assert record["ROUTES"] == []


def test_representatives_travelling_to_talks_are_not_a_route(analyze):
    record = analyze(
        "Representatives from Thailand, Laos and Myanmar travelled to Vientiane for talks on "
        "trafficking."
    )
    assert record["ROUTES"] == []


def test_a_resale_between_compounds_is_not_a_route(analyze):
    record = analyze(
        "Trafficking victims who missed their targets were sold to compounds in Shwe Kokko."
    )
    assert record["ROUTES"] == []


def test_a_verb_of_trafficking_still_moves_people(analyze):
    record = analyze("He was accused of trafficking women to Cambodia.")
    assert routes(record) == [("", "Cambodia", (), "unknown")]


def pairs(record):
    return sorted((r["origin"], r["destination"]) for r in record["ROUTES"])


def test_the_zone_refers_to_the_zone_named_earlier(analyze):
    record = analyze(
        "Police say the trafficked men were held in the Golden Triangle Special Economic Zone "
        "for months. Brokers had taken them by boat from Chiang Saen into the zone at night."
    )
    assert pairs(record) == [("Chiang Saen", "Golden Triangle SEZ")]


def test_the_zone_does_not_refer_to_a_park(analyze):
    record = analyze(
        "Trafficking victims from KK Park described their ordeal. Brokers had smuggled them "
        "from Mae Sot into the zone."
    )
    assert ("Mae Sot", "KK Park") not in pairs(record)


def test_ended_up_in_a_place_ends_the_leg(analyze):
    record = analyze(
        "The trafficked teenagers rode a bus from Vientiane to Pakse and ended up in "
        "Stung Treng two days later."
    )
    assert pairs(record) == [("Pakse", "Stung Treng"), ("Vientiane", "Pakse")]


def test_before_arriving_in_a_place_closes_the_leg(analyze):
    record = analyze(
        "The smuggled workers were driven from Lashio through Shan State for a week before "
        "arriving in Tachileik."
    )
    assert pairs(record) == [("Lashio", "Tachileik")]


def test_opening_at_inside_a_quote_is_the_origin(analyze):
    record = analyze(
        '"At Mae Sai the trafficked women were walked over to Tachileik before dawn," the '
        "officer said."
    )
    assert pairs(record) == [("Mae Sai", "Tachileik")]


def test_a_bridge_crossed_on_the_way_does_not_hide_the_destination(analyze):
    record = analyze(
        "Smugglers walked the recruits across the bridge to Myawaddy after dark."
    )
    assert pairs(record) == [("", "Myawaddy")]


def test_the_road_to_a_place_named_alone_is_still_not_a_journey(analyze):
    record = analyze("Trafficking victims said the road to Myawaddy was guarded by soldiers.")
    assert record["ROUTES"] == []


def test_where_after_a_place_starts_the_leg_there(analyze):
    record = analyze(
        "The trafficking victims were first assembled in Makassar, where a broker put them "
        "on a ferry to Nunukan."
    )
    assert pairs(record) == [("Makassar", "Nunukan")]


def test_a_hand_over_before_a_semicolon_does_not_block_the_next_clause(analyze):
    record = analyze(
        "The recruits were handed to a second broker in Bangkok; the following day he drove "
        "them from Bangkok to Mae Sot for the scam compounds."
    )
    assert pairs(record) == [("Bangkok", "Mae Sot")]


def test_a_journey_goes_on_across_a_sentence_that_names_no_place(analyze):
    record = analyze(
        "The trafficked workers flew from Dhaka to Bangkok. A stranger collected them at the "
        "gate. They spent two nights in a hostel before being taken by van to Mae Sot."
    )
    assert pairs(record) == [("Bangkok", "Mae Sot"), ("Dhaka", "Bangkok")]


def test_a_crossing_starts_where_the_last_leg_ended(analyze):
    record = analyze(
        "The trafficking victims were driven from Chiang Rai to Chiang Khong. After dark a "
        "boatman ferried them across the Mekong River to Huay Xai."
    )
    assert ("Chiang Khong", "Huay Xai") in pairs(record)


def test_a_departure_with_no_named_end_has_an_unnamed_destination(analyze):
    record = analyze(
        "Smugglers said a wooden boat that set out from Sittwe with 200 Rohingya refugees "
        "aboard has not been heard from."
    )
    assert pairs(record) == [("Sittwe", "")]


def test_a_departure_ends_where_the_next_sentence_opens(analyze):
    record = analyze(
        "The recruit flew out of Kathmandu in March for a job a trafficker had promised. At "
        "Bangkok a driver was waiting for him."
    )
    assert pairs(record) == [("Kathmandu", "Bangkok")]


def test_a_departure_is_joined_to_the_leg_that_follows(analyze):
    record = analyze(
        "Min, 19, left Mandalay after a smuggler promised him work. He travelled by bus to "
        "Myawaddy and was trafficked into a scam compound."
    )
    assert pairs(record) == [("Mandalay", "Myawaddy")]


def test_a_leg_to_the_border_goes_on_from_the_leg_before(analyze):
    record = analyze(
        "The trafficked students flew from Nairobi to Bangkok, and were then put in a van "
        "heading to the border."
    )
    assert pairs(record) == [("Bangkok", ""), ("Nairobi", "Bangkok")]


def test_a_border_crossing_named_after_the_border_is_the_destination(analyze):
    record = analyze(
        "Smugglers trucked the Rohingya refugees from Ranong towards the border crossing at "
        "Sadao."
    )
    assert pairs(record) == [("Ranong", "Sadao")]


def test_people_described_in_a_place_leave_from_there(analyze):
    record = analyze(
        "Police stopped 30 trafficking victims in Batam, who were about to be taken by ferry "
        "to Johor Bahru."
    )
    assert pairs(record) == [("Batam", "Johor Bahru")]


def test_people_who_had_already_been_moved_do_not_leave_from_where_they_are(analyze):
    record = analyze(
        "Police found 30 trafficking victims at a hotel in Bangkok who had been smuggled to "
        "Mae Sot."
    )
    assert ("Bangkok", "Mae Sot") not in pairs(record)


def test_a_night_stop_is_where_the_next_sentence_leg_starts(analyze):
    record = analyze(
        "The trafficked men spent a night in a guesthouse in Sadao. A pick-up then carried "
        "them to Padang Besar."
    )
    assert pairs(record) == [("Sadao", "Padang Besar")]


def test_who_should_go_somewhere_is_not_a_journey(analyze):
    record = analyze(
        "Officials at the trafficking meeting disagreed on which agency should go into "
        "Myawaddy first."
    )
    assert record["ROUTES"] == []


def test_reaching_a_place_ends_the_journey_the_sentence_began(analyze):
    record = analyze(
        "The smugglers' boat sailed from Sittwe with 90 refugees and reached Langkawi "
        "after twelve days."
    )
    assert pairs(record) == [("Sittwe", "Langkawi")]


def test_where_people_come_from_said_in_an_aside_is_not_the_origin(analyze):
    record = analyze(
        "The trafficking victims, most of them from Uganda, had been flown to Bangkok."
    )
    assert pairs(record) == [("", "Bangkok")]


def test_an_origin_and_a_way_through_make_a_route_with_no_named_end(analyze):
    record = analyze("Smugglers moved the trafficked men onward from Bangkok through Laos.")
    assert routes(record) == [("Bangkok", "", ("Laos",), "unknown")]


def test_what_happens_after_reaching_the_border_does_not_block_the_leg(analyze):
    record = analyze(
        "The trafficked men flew from Addis Ababa to Bangkok and were then moved overland "
        "toward the border, where they were handed to armed men."
    )
    assert ("Bangkok", "") in pairs(record)


def test_where_people_were_told_they_were_going_is_not_a_route(analyze):
    record = analyze(
        "The trafficked women had been told they were going to Singapore for hotel work."
    )
    assert record["ROUTES"] == []


def test_the_origin_goes_with_the_destination_left_after_a_promise(analyze):
    record = analyze(
        "The trafficked women had been told they were going to Singapore, but were instead "
        "driven from Johor Bahru to Kuala Lumpur."
    )
    assert pairs(record) == [("Johor Bahru", "Kuala Lumpur")]


def test_a_vessel_for_a_place_takes_people_there(analyze):
    record = analyze(
        "Rohingya refugees paid smugglers who put them on a trawler for Malaysia from Teknaf."
    )
    assert pairs(record) == [("Teknaf", "Malaysia")]


def test_boarding_a_boat_for_a_place_continues_the_journey(analyze):
    record = analyze(
        "The smugglers ferried the refugees across the Naf River from Maungdaw to Teknaf, "
        "where they boarded a trawler for Malaysia."
    )
    assert pairs(record) == [("Maungdaw", "Teknaf"), ("Teknaf", "Malaysia")]


def test_a_smuggling_route_between_two_places_is_a_route(analyze):
    record = analyze("The main people-smuggling route runs from Zamboanga City to Sandakan.")
    assert pairs(record) == [("Zamboanga City", "Sandakan")]


def test_a_trade_route_is_not_a_route(analyze):
    record = analyze(
        "Trade routes from Vietnam to China carried rice while trafficking gangs grew."
    )
    assert record["ROUTES"] == []


def test_brought_ashore_in_a_place_is_the_destination(analyze):
    record = analyze("The smuggled Rohingya refugees were brought ashore in Aceh by fishermen.")
    assert pairs(record) == [("", "Aceh")]


def test_the_park_refers_to_a_park_the_gazetteer_does_not_know(analyze):
    record = analyze(
        "Survivors said traffickers held them in a compound called Golden Lotus Park near "
        "Myawaddy. Brokers had driven them from Mae Sot into the park at night."
    )
    assert ("Mae Sot", "Golden Lotus Park") in pairs(record)


def test_a_trip_to_a_place_paid_to_brokers_is_a_route(analyze):
    record = analyze("Brokers charged each trafficking victim 1,500 dollars for the trip to Laos.")
    assert pairs(record) == [("", "Laos")]


def test_a_ministers_trip_is_not_a_route(analyze):
    record = analyze("The minister made a trip to Bangkok to discuss trafficking cases.")
    assert record["ROUTES"] == []


def test_a_leg_after_reaching_a_country_does_not_start_from_the_whole_country(analyze):
    record = analyze(
        "The trafficking victims entered Cambodia on tourist visas before being moved to "
        "Sihanoukville."
    )
    assert ("Cambodia", "Sihanoukville") not in pairs(record)


def test_a_leg_goes_on_from_a_city_state(analyze):
    record = analyze(
        "The trafficked workers flew to Singapore and were then taken by ferry to Batam."
    )
    assert ("Singapore", "Batam") in pairs(record)


def test_the_next_step_of_a_rescue_told_with_a_pronoun_is_not_a_route(analyze):
    record = analyze(
        "After the raid, the rescued trafficking victims were driven to Phnom Penh. They "
        "left Phnom Penh on a flight to Jakarta on Friday."
    )
    assert ("Phnom Penh", "Jakarta") not in pairs(record)


def test_a_pronoun_telling_the_earlier_journey_after_a_release_is_a_route(analyze):
    record = analyze(
        "Her son was released to police in Mae Sot. He said he had been driven from "
        "Bangkok to Mae Sot by a trafficker."
    )
    assert ("Bangkok", "Mae Sot") in pairs(record)


def test_a_secretary_generals_travel_is_not_a_route(analyze):
    record = analyze(
        "The ASEAN Secretary-General travelled from Jakarta to Vientiane for talks on "
        "trafficking."
    )
    assert record["ROUTES"] == []


def test_volunteers_travelling_are_not_a_route(analyze):
    record = analyze(
        "Volunteers who help trafficking survivors flew out of Sydney on Monday. At Bangkok "
        "they met the embassy's team."
    )
    assert record["ROUTES"] == []
