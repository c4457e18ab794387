"""A realistic, hand-built Assessment for a fictional State, used to develop and test the report renderers.

All 21 operative paragraphs are present, with findings in every status, recommendations in several
modalities, warnings, information gaps, the crosswalk and answers with citations. `make_assessment()` returns
a fresh, validated `Assessment`; `with_answer_texts()` returns a copy whose notes and citations carry text
chosen by a test (for example hostile markup).
"""
from __future__ import annotations

import datetime as dt

from lexgap.engine.assessment import (
    AnswerRecord, Article, Assessment, ConceptResult, Crosswalk, Explanation, Finding, IcmecCriterion,
    IcmecVerdict, InformationGap, MnrCapability, PackInfo, ParagraphResult, QuestionRef, Recommendation,
    RecommendationItem, Summary, AssessmentWarning,
)
from lexgap.engine.knowledge import pack_modalities
from lexgap.engine.models import AssessmentInfo, Scoring, State

MODALITY_LABELS = {m.id: m.label for m in pack_modalities("res-74-174")}

WEIGHTS = {"core": 3.0, "important": 2.0, "advisory": 1.0}
POINTS = {"met": 1.0, "partial": 0.5, "not_met": 0.0}
INSTRUMENTS = {
    "CRC": "Convention on the Rights of the Child", "OPSC": "Optional Protocol on the sale of children",
    "LC": "Lanzarote Convention", "BC": "Budapest Convention", "UNTOC": "Organized Crime Convention",
    "TIP": "Trafficking in Persons Protocol", "RES": "Resolution 74/174", "ICMEC": "ICMEC Model Legislation",
    "MNR": "WeProtect Model National Response", "LUX": "Luxembourg Guidelines",
}
PARTY_TO = ["CRC", "OPSC", "UNTOC"]

# question id -> (number, section, text, value, display, citation, note, source, method)
ANSWERS: dict[str, tuple] = {
    "treaty.opsc": ("T.1", "treaties", "Is the State party to the Optional Protocol on the sale of children?",
                    "party", "Party", "Accession law No. 14 of 2006", None, "UN Treaty Collection, ch. IV-11c",
                    "desk_review"),
    "treaty.lanzarote": ("T.2", "treaties", "Is the State party to the Lanzarote Convention?", "not_party",
                         "Not party", None, "Not open to the State without invitation.", "CETS 201 chart of "
                         "signatures", "desk_review"),
    "treaty.budapest": ("T.3", "treaties", "Is the State party to the Budapest Convention?", "invited",
                        "Invited to accede", None, "Invitation received in 2024; accession bill in preparation.",
                        "Ministry of Foreign Affairs reply of 3 March 2026", "official_reply"),
    "treaty.untoc": ("T.4", "treaties", "Is the State party to the Organized Crime Convention?", "party", "Party",
                     "Ratification law No. 7 of 2004", None, "UN Treaty Collection, ch. XVIII-12", "desk_review"),
    "treaty.tip": ("T.5", "treaties", "Is the State party to the Trafficking in Persons Protocol?", "no", "No",
                   None, None, "UN Treaty Collection, ch. XVIII-12a", "desk_review"),
    "definitions.child_age": ("1.1", "definitions", "Up to what age does the criminal law protect a child in "
                              "offences of sexual exploitation and abuse?", 16, "16 years",
                              "Penal Code 2011, s. 201(1)", "The age of sexual consent is also 16.",
                              "Official Gazette No. 88 of 2011", "desk_review"),
    "definitions.csam_specific": ("1.2", "definitions", "Does the law define child sexual abuse material in a "
                                  "child-specific provision?", "partial", "Partly",
                                  "Penal Code 2011, s. 215(4)", "Defined by reference to 'obscene material'.",
                                  "Official Gazette No. 88 of 2011", "desk_review"),
    "definitions.csam_scope": ("1.3", "definitions", "Which material does the definition cover?",
                               ["real_children", "apparent_children"],
                               "Real children; persons appearing to be children", "Penal Code 2011, s. 215(4)(b)",
                               None, "Official Gazette No. 88 of 2011", "desk_review"),
    "offences.production": ("1.4", "offences", "Is producing child sexual abuse material an offence?", "yes",
                            "Yes", "Penal Code 2011, s. 216(1)(a)", None, "Official Gazette No. 88 of 2011",
                            "desk_review"),
    "offences.distribution": ("1.5", "offences", "Are distributing, offering and making available the material "
                              "offences, whatever the technology used?", "yes", "Yes",
                              "Penal Code 2011, s. 216(1)(b)-(d); Cybercrime Act 2019, s. 12",
                              None, "Official Gazette No. 88 of 2011", "desk_review"),
    "offences.possession": ("1.6", "offences", "Is knowingly possessing the material an offence without intent to "
                            "distribute?", "no", "No", "Penal Code 2011, s. 216(2)",
                            "Possession is punishable only 'for the purpose of distribution'.",
                            "Official Gazette No. 88 of 2011", "desk_review"),
    "offences.access": ("1.7", "offences", "Is knowingly obtaining access to the material an offence?", "no", "No",
                        None, None, "Desk review of the Penal Code and the Cybercrime Act 2019", "desk_review"),
    "offences.grooming": ("1.8", "offences", "Is soliciting a child for sexual purposes through information and "
                          "communication technologies an offence?", "partial", "Partly",
                          "Cybercrime Act 2019, s. 14", "Requires that the offender travelled to meet the child.",
                          "Official Gazette No. 31 of 2019", "desk_review"),
    "offences.sextortion": ("1.9", "offences", "Is the sexual extortion of children an offence?", "unknown",
                            "Unknown", None, "The Attorney General's office has been asked.", None, None),
    "powers.preservation": ("2.1", "procedure", "Can the authorities order the expedited preservation of stored "
                            "computer data?", "yes", "Yes", "Cybercrime Act 2019, s. 21", None,
                            "Official Gazette No. 31 of 2019", "desk_review"),
    "powers.production_order": ("2.2", "procedure", "Can the authorities order a service provider to produce "
                                "subscriber information?", "yes", "Yes", "Cybercrime Act 2019, s. 22", None,
                                "Official Gazette No. 31 of 2019", "desk_review"),
    "powers.undercover": ("2.3", "procedure", "May officers act under a false identity online to investigate "
                          "offences against children?", "no", "No", None,
                          "Covert operations are allowed only for drug offences.",
                          "Code of Criminal Procedure 1998, s. 77", "desk_review"),
    "institutions.unit": ("3.1", "institutions", "Is there a specialised police unit for online child sexual "
                          "exploitation and abuse?", "partial", "Partly",
                          "Police Order No. 4 of 2021", "Four officers in the capital only.",
                          "Interview with the Cybercrime Directorate, 12 May 2026", "interview"),
    "institutions.icse": ("3.2", "institutions", "Is the unit connected to INTERPOL's International Child Sexual "
                          "Exploitation database?", "no", "No", None, None,
                          "Interview with the National Central Bureau, 12 May 2026", "interview"),
    "institutions.budget": ("3.3", "institutions", "Do investigations and prosecutions have a dedicated "
                            "budget?", "no", "No", "Finance Act 2026, vote 14",
                            "Funded from the general policing vote.", "Finance Act 2026", "desk_review"),
    "providers.reporting_duty": ("4.1", "providers", "Must service providers report child sexual abuse material "
                                 "they become aware of?", "yes", "Yes", "Electronic Communications Act 2015, s. 45",
                                 None, "Official Gazette No. 12 of 2015", "desk_review"),
    "providers.takedown": ("4.2", "providers", "Must providers remove the material once notified?", "yes", "Yes",
                           "Electronic Communications Act 2015, s. 46", None, "Official Gazette No. 12 of 2015",
                           "desk_review"),
    "providers.preserve_reported": ("4.3", "providers", "Must providers preserve the material and related data "
                                    "for investigators when they remove it?", "no", "No", None, None,
                                    "Desk review of the Electronic Communications Act 2015", "desk_review"),
    "providers.safe_harbour": ("4.4", "providers", "Are providers protected from liability when they review and "
                               "report the material in good faith?", "unknown", "Unknown", None, None, None, None),
    "coordination.body": ("5.1", "coordination", "Is there a national body that coordinates action against child "
                          "sexual exploitation and abuse?", "yes", "Yes", "Cabinet Decision No. 19 of 2022",
                          None, "Cabinet Decision No. 19 of 2022", "official_reply"),
    "coordination.telecom_member": ("5.2", "coordination", "Are the telecommunications regulator and the "
                                    "data-protection authority members of that body?", "partial", "Partly",
                                    "Cabinet Decision No. 19 of 2022, annex", "Only the regulator is a member.",
                                    "Cabinet Decision No. 19 of 2022", "official_reply"),
    "finance.fiu_indicators": ("6.1", "finance", "Does the financial intelligence unit use indicators of "
                               "payments for child sexual abuse material?", "no", "No", None, None,
                               "Financial Intelligence Unit reply of 2 April 2026", "official_reply"),
    "finance.predicate": ("6.2", "finance", "Are offences concerning the material predicate offences for money "
                          "laundering?", "yes", "Yes", "Anti-Money Laundering Act 2017, sch. 1, item 23", None,
                          "Official Gazette No. 40 of 2017", "desk_review"),
    "privacy.lawful_basis": ("7.1", "privacy", "Does data-protection law give providers a lawful basis to detect "
                             "and report the material?", "partial", "Partly", "Data Protection Act 2020, s. 9(2)(f)",
                             "The basis covers reporting but not voluntary detection.",
                             "Official Gazette No. 55 of 2020", "desk_review"),
    "prevention.strategy": ("8.1", "prevention", "Does a national prevention strategy address online child sexual "
                            "exploitation and abuse?", "yes", "Yes", "National Child Protection Strategy 2024-2028",
                            None, "Ministry of Social Affairs", "official_reply"),
    "prevention.offender_programme": ("8.2", "prevention", "Is there a programme for persons who fear they might "
                                      "offend?", "no", "No", None, None, "Ministry of Health reply", "official_reply"),
    "data.disaggregated": ("9.1", "data", "Are data on these offences collected disaggregated by age and "
                           "gender?", "partial", "Partly", None, "Police data are split by age but not by gender.",
                           "National Statistics Office, Crime Statistics 2025", "desk_review"),
    "victims.services": ("10.1", "victims", "Do child victims have access to specialised medical, psychological "
                         "and social services?", "partial", "Partly", "Child Protection Act 2016, s. 30",
                         "One child advocacy centre, in the capital.", "Ministry of Social Affairs",
                         "interview"),
    "victims.privacy": ("10.2", "victims", "Does the law protect the identity and privacy of child victims in "
                        "proceedings?", "yes", "Yes", "Code of Criminal Procedure 1998, s. 112A", None,
                        "Official Gazette No. 9 of 1998, as amended 2016", "desk_review"),
    "victims.compensation": ("10.3", "victims", "Can child victims claim compensation from the offender or a "
                             "State fund?", "partial", "Partly", "Civil Code 1975, art. 1042",
                             "Only through a civil claim; no State fund.", "Desk review", "desk_review"),
    "justice.child_friendly": ("11.1", "justice", "Are interviews of child victims recorded and used as evidence to "
                               "avoid repeated testimony?", "no", "No", None, None,
                               "Supreme Court Registry", "official_reply"),
    "reporting.hotline": ("12.1", "reporting", "Is there a hotline to report child sexual abuse material "
                          "online?", "yes", "Yes", None, "Operated by a non-governmental organisation; member of "
                          "INHOPE since 2023.", "INHOPE member list", "desk_review"),
    "reporting.helpline": ("12.2", "reporting", "Is there a free child helpline?", "yes", "Yes",
                           "Child Protection Act 2016, s. 41", None, "Child Helpline International", "desk_review"),
    "cooperation.mla_basis": ("13.1", "cooperation", "Can mutual legal assistance be given without a treaty?",
                              "yes", "Yes", "Mutual Legal Assistance Act 2010, s. 4", None,
                              "Official Gazette No. 17 of 2010", "desk_review"),
    "cooperation.dual_criminality": ("13.2", "cooperation", "Is dual criminality required for coercive measures "
                                     "in mutual legal assistance?", "yes", "Yes",
                                     "Mutual Legal Assistance Act 2010, s. 9",
                                     "Requests about simple possession fail for want of dual criminality.",
                                     "Official Gazette No. 17 of 2010", "desk_review"),
    "cooperation.network_247": ("13.3", "cooperation", "Is there a 24/7 point of contact for urgent requests?",
                                "no", "No", None, None, "Cybercrime Directorate", "interview"),
    "engagement.expert_group": ("14.1", "engagement", "Did government experts take part in the Expert Group on "
                                "Cybercrime?", "yes", "Yes", None, "Attended the 2020 and 2021 sessions.",
                                "UNODC participant lists", "desk_review"),
    "engagement.contributions": ("14.2", "engagement", "Has the State contributed to UNODC's Global Programme on "
                                 "Cybercrime?", "no", "No", None, None, "UNODC funding data", "desk_review"),
    "engagement.donor": ("14.3", "engagement", "Does the State provide development assistance?", "no", "No", None,
                         None, "OECD DAC list", "desk_review"),
}

# question id -> (number, text): questions left unanswered that would settle unknown findings
UNANSWERED = {
    "offences.sextortion_basis": ("1.10", "Which provision would a prosecutor use against a person who threatens "
                                  "to share a child's images unless the child sends more?"),
    "providers.liability": ("4.5", "Can a provider be held liable for material it stored while reviewing a "
                            "report?"),
    "training.prosecutors": ("3.4", "Have prosecutors and judges received training on online child sexual "
                             "exploitation and abuse?"),
    "data.risk_assessment": ("9.2", "Has a national risk assessment of online child sexual exploitation and abuse "
                             "been carried out?"),
    "victims.referral": ("10.4", "Is there a written protocol for referring identified victims to services?"),
    "awareness.campaign": ("15.1", "Has a public campaign on the harm of child sexual abuse material run in the "
                           "last three years?"),
    "awareness.evaluation": ("15.2", "Was that campaign evaluated?"),
    "cooperation.joint_investigations": ("13.4", "Has the police taken part in joint international "
                                         "investigations in the last three years?"),
    "practice.removal_time": ("4.6", "How long, on average, does removal take after a hotline notice?"),
}

# (number, verb, addressee, assessment, title, summary, criteria)
# criterion: (suffix, title, kind, weight, status, binding instruments, basis, statement, answers, settle)
PARAGRAPHS: list[tuple] = [
    (1, "urges", "member_states", "legal", "Criminalization, and powers and tools for law enforcement",
     "States should make every form of child sexual exploitation and sexual abuse a crime, including when it is "
     "committed online, and give law enforcement the powers and tools it needs to identify offenders and victims.",
     [("01", "Every person under 18 is a child for all offences of sexual exploitation and abuse", "legislative",
       "core", "partial", ["OPSC"], [("CRC", "1"), ("OPSC", "2(c)"), ("LC", "3(a)"), ("LUX", "general")],
       "The offences protect children only up to an age below 18.", ["definitions.child_age"], []),
      ("02", "A specific legal definition of child sexual abuse material", "legislative", "core", "partial",
       ["OPSC"], [("OPSC", "2(c)"), ("LC", "20(2)"), ("ICMEC", "C2")],
       "A definition exists but relies on a general obscenity test.", ["definitions.csam_specific"], []),
      ("03", "The definition extends to persons appearing to be children and to realistic or AI-generated images",
       "legislative", "important", "partial", [], [("LC", "20(2)"), ("BC", "9(2)")],
       "The definition covers persons appearing to be children but not realistic images of non-existent "
       "children.", ["definitions.csam_scope"], []),
      ("04", "Producing, distributing, offering and selling the material are offences in any technology",
       "legislative", "core", "met", ["OPSC"], [("OPSC", "3(1)(c)"), ("LC", "20(1)"), ("ICMEC", "C3")],
       "Producing, distributing, offering and selling the material are offences whatever technology is used.",
       ["offences.production", "offences.distribution"], []),
      ("05", "Knowing possession is an offence without any intent to distribute", "legislative", "core",
       "not_met", [], [("OPSC", "3(1)(c)"), ("LC", "20(1)"), ("ICMEC", "C4")],
       "Possession is an offence only when the material is held for distribution.", ["offences.possession"], []),
      ("06", "Online solicitation of children for sexual purposes is an offence", "legislative", "core",
       "partial", [], [("LC", "23")],
       "Online solicitation is an offence only once the offender has travelled to meet the child.",
       ["offences.grooming"], []),
      ("07", "Sexual extortion of children is an offence", "legislative", "important", "unknown", [],
       [("LC", "18(1)")], "It is not known whether the sexual extortion of children is an offence.",
       ["offences.sextortion"], ["offences.sextortion_basis"])]),
    (2, "also urges", "member_states", "legal", "Cybercrime efforts against child sexual exploitation",
     "States should strengthen their fight against cybercrime as it relates to child sexual exploitation and "
     "abuse, within their own legal frameworks.",
     [("01", "Expedited preservation of stored computer data", "legislative", "core", "met", [],
       [("BC", "16")], "The authorities can order the expedited preservation of stored computer data.",
       ["powers.preservation"], []),
      ("02", "Production orders for subscriber information", "legislative", "core", "met", [], [("BC", "18")],
       "The authorities can order providers to produce subscriber information.", ["powers.production_order"], []),
      ("03", "Covert online investigations of offences against children", "legislative", "important", "not_met",
       [], [("LC", "30(5)")], "Officers may not act under a false identity online to investigate these offences.",
       ["powers.undercover"], []),
      ("04", "Accession to the Budapest Convention", "treaty", "advisory", "partial", [], [("BC", "37")],
       "The State has been invited to accede to the Budapest Convention but has not yet done so.",
       ["treaty.budapest"], [])]),
    (3, "calls upon", "states_parties", "legal", "Implementing the Optional Protocol",
     "States parties to the Optional Protocol on the sale of children, child prostitution and child pornography "
     "should carry out their legal obligations under it.",
     [("01", "Party to the Optional Protocol", "treaty", "core", "met", ["OPSC"], [("OPSC", "1")],
       "The State is party to the Optional Protocol.", ["treaty.opsc"], []),
      ("02", "Every act listed in article 3(1)(c) of the Optional Protocol is an offence", "legislative", "core",
       "partial", ["OPSC"], [("OPSC", "3(1)(c)")],
       "Most acts listed in the Protocol are offences, but possession only with intent to distribute.",
       ["offences.possession", "offences.distribution"], []),
      ("03", "Confiscation of material, equipment and proceeds", "legislative", "important", "met", ["OPSC"],
       [("OPSC", "7")], "Material, equipment and proceeds can be seized and confiscated.",
       ["offences.production"], [])]),
    (4, "urges", "member_states", "legal", "Public awareness of the harm of child sexual abuse material",
     "States should raise public awareness of how serious child sexual abuse material is and of how producing, "
     "distributing and consuming it puts more children at risk.",
     [("01", "A public awareness campaign on the harm of child sexual abuse material", "institutional",
       "important", "unknown", [], [("OPSC", "9(2)"), ("LC", "8")],
       "It is not known whether a public campaign on the harm of this material has run.", [],
       ["awareness.campaign"]),
      ("02", "Campaigns are evaluated", "data", "advisory", "unknown", [], [("OPSC", "9(2)")],
       "It is not known whether campaigns are evaluated.", [], ["awareness.evaluation"]),
      ("03", "Child sexual abuse material terminology used in official communication", "institutional",
       "advisory", "met", [], [("LUX", "general"), ("MNR", "21")],
       "Official communication uses the term child sexual abuse material.", ["prevention.strategy"], [])]),
    (5, "also urges", "member_states", "legal", "Detection, reporting and removal by service providers",
     "States should enable service providers to detect child sexual abuse material, and ensure that it is "
     "reported to the authorities and removed.",
     [("01", "Providers must report the material to a designated authority", "legislative", "core", "met", [],
       [("ICMEC", "C5"), ("MNR", "17")], "Providers must report the material they become aware of.",
       ["providers.reporting_duty"], []),
      ("02", "Providers must remove the material once notified", "legislative", "important", "met", [],
       [("MNR", "16")], "Providers must remove the material once notified.", ["providers.takedown"], []),
      ("03", "Removed material and data are preserved for investigators", "legislative", "important", "not_met",
       [], [("BC", "16")], "Providers need not preserve the material or related data when they remove it.",
       ["providers.preserve_reported"], []),
      ("04", "Legal protection for providers that review and report in good faith", "legislative", "advisory",
       "unknown", [], [("MNR", "17")], "It is not known whether providers are protected when they report.",
       ["providers.safe_harbour"], ["providers.liability"])]),
    (6, "encourages", "member_states", "legal", "Resources for investigation and prosecution",
     "States should give investigations and prosecutions of online child sexual exploitation and abuse the "
     "resources they need.",
     [("01", "A specialised law enforcement unit with national reach", "institutional", "core", "partial", [],
       [("LC", "34(1)"), ("MNR", "4")], "A specialised unit exists but covers the capital only.",
       ["institutions.unit"], []),
      ("02", "Access to INTERPOL's International Child Sexual Exploitation database", "institutional",
       "important", "not_met", [], [("MNR", "7")], "The unit has no access to the ICSE database.",
       ["institutions.icse"], []),
      ("03", "A dedicated budget for investigations and prosecutions", "institutional", "important", "not_met",
       [], [("RES", "OP6")], "There is no dedicated budget.", ["institutions.budget"], []),
      ("04", "Training of prosecutors and judges", "institutional", "important", "unknown", [], [("MNR", "5")],
       "It is not known whether prosecutors and judges have been trained.", [], ["training.prosecutors"])]),
    (7, "also encourages", "member_states", "legal", "Sharing good practice; faster removal of material",
     "States should share good practice and act against child sexual abuse material, including by seizing or "
     "removing it from the Internet and reducing the time this takes.",
     [("01", "A hotline connected to an international network", "institutional", "important", "met", [],
       [("MNR", "12")], "A hotline operates and belongs to an international network.", ["reporting.hotline"], []),
      ("02", "Removal times are measured", "data", "advisory", "unknown", [], [("RES", "OP7")],
       "It is not known how long removal takes.", [], ["practice.removal_time"])]),
    (8, "further encourages", "member_states", "legal", "Telecommunications, data protection and industry in "
     "national coordination",
     "States should involve the authorities responsible for telecommunications and data protection, and the "
     "technology industry, in national coordination.",
     [("01", "A national coordinating body", "institutional", "core", "met", [], [("LC", "10(1)"), ("MNR", "1")],
       "A national body coordinates action against child sexual exploitation and abuse.",
       ["coordination.body"], []),
      ("02", "The telecommunications regulator and the data-protection authority take part", "institutional",
       "important", "partial", [], [("RES", "OP8")],
       "The telecommunications regulator takes part but the data-protection authority does not.",
       ["coordination.telecom_member"], [])]),
    (9, "encourages", "member_states", "legal", "Reporting and tracing suspicious financial transactions",
     "States should involve public institutions and the private sector in reporting and tracing suspicious "
     "financial transactions linked to online child sexual exploitation.",
     [("01", "Offences concerning the material are predicate offences for money laundering", "legislative",
       "important", "met", [], [("UNTOC", "6")], "These offences are predicate offences for money laundering.",
       ["finance.predicate"], []),
      ("02", "The financial intelligence unit uses indicators of payments for the material", "institutional",
       "advisory", "not_met", [], [("RES", "OP9")], "The financial intelligence unit uses no such indicators.",
       ["finance.fiu_indicators"], [])]),
    (10, "also encourages", "member_states", "legal", "Balancing privacy with detection and reporting",
     "States should keep an appropriate balance between protecting privacy and identifying and reporting child "
     "sexual abuse material.",
     [("01", "A lawful basis in data-protection law for detection and reporting", "legislative", "important",
       "partial", [], [("CRC", "16"), ("RES", "OP10")],
       "Data-protection law allows reporting but not voluntary detection.", ["privacy.lawful_basis"], [])]),
    (11, "further encourages", "member_states", "legal", "Evidence-based prevention",
     "States should develop effective, evidence-based prevention measures within their overall crime prevention "
     "strategies.",
     [("01", "A prevention strategy that covers online abuse", "institutional", "important", "met", [],
       [("OPSC", "9(1)"), ("LC", "4")], "The national strategy covers online child sexual exploitation and abuse.",
       ["prevention.strategy"], []),
      ("02", "A programme for persons who fear they might offend", "institutional", "advisory", "not_met", [],
       [("LC", "7")], "There is no programme for persons who fear they might offend.",
       ["prevention.offender_programme"], [])]),
    (12, "encourages", "member_states", "legal", "Data, risk assessment and a gender perspective",
     "States should collect data, disaggregated by age, gender and other factors, and produce analyses that "
     "inform risk assessments and mitigation measures.",
     [("01", "Data disaggregated by age and gender", "data", "important", "partial", [], [("LC", "10(2)(b)")],
       "Police data are disaggregated by age but not by gender.", ["data.disaggregated"], []),
      ("02", "A national risk assessment", "data", "important", "unknown", [], [("MNR", "2")],
       "It is not known whether a national risk assessment has been carried out.", [],
       ["data.risk_assessment"])]),
    (13, "urges", "member_states", "legal", "Public policy, victim programmes and non-consensual circulation",
     "States should adopt public policies and victim support programmes, with a gender perspective, and protect "
     "children from the non-consensual circulation of material depicting them.",
     [("01", "Removal of material depicting identified victims on request", "legislative", "important", "met",
       [], [("RES", "OP13")], "Victims can have material depicting them removed.", ["providers.takedown"], []),
      ("02", "Children are not prosecuted for self-generated images shared consensually", "legislative",
       "important", "not_met", [], [("LC", "20(3)")],
       "Nothing prevents prosecuting children for images of themselves shared with consent.",
       ["offences.production"], [])]),
    (14, "encourages", "member_states", "legal", "Identification and support of victims",
     "States should identify child victims and give them access to quality care, counselling and support for "
     "their recovery and reintegration, protecting their privacy and the confidentiality of reports.",
     [("01", "Specialised services for child victims", "institutional", "core", "partial", ["OPSC"],
       [("OPSC", "9(3)"), ("MNR", "8")], "Specialised services exist in the capital only.",
       ["victims.services"], []),
      ("02", "Privacy and identity of child victims protected", "legislative", "core", "met", ["OPSC"],
       [("OPSC", "8(1)(e)")], "The identity and privacy of child victims are protected in proceedings.",
       ["victims.privacy"], []),
      ("03", "A referral protocol from identification to services", "institutional", "important", "unknown", [],
       [("MNR", "9")], "It is not known whether a referral protocol exists.", [], ["victims.referral"])]),
    (15, "requests", "unodc", "legal", "Access to justice and remedies",
     "States should give child victims access to justice and to a just and timely remedy, with child- and "
     "gender-sensitive procedures; UNODC is asked to assist on request.",
     [("01", "Compensation for child victims", "legislative", "important", "partial", ["OPSC"], [("OPSC", "9(4)")],
       "Compensation is available only through a civil claim against the offender.", ["victims.compensation"], []),
      ("02", "Recorded interviews avoid repeated testimony", "legislative", "important", "not_met", [],
       [("LC", "35"), ("LC", "36")], "Child victims must testify again in court.", ["justice.child_friendly"], []),
      ("03", "Uncertainty about the victim's age does not prevent investigation", "legislative", "advisory",
       "not_applicable", [], [("OPSC", "8(2)")], "Not applicable: age is established by civil registration.", [],
       [])]),
    (16, "invites", "member_states", "legal", "Reporting mechanisms",
     "States should exchange good practice on reporting child sexual exploitation and abuse online and make "
     "reporting mechanisms better known.",
     [("01", "A child helpline", "institutional", "important", "met", [], [("LC", "13"), ("MNR", "11")],
       "A free child helpline operates.", ["reporting.helpline"], []),
      ("02", "A hotline for reports of online material", "institutional", "important", "met", [], [("MNR", "12")],
       "A hotline receives reports of online material.", ["reporting.hotline"], [])]),
    (17, "calls upon", "member_states", "engagement", "Ratifying the Organized Crime Convention and the "
     "Trafficking Protocol",
     "States that have not done so should consider ratifying or acceding to the Organized Crime Convention and "
     "its Protocol on trafficking in persons.",
     [("01", "Party to the Organized Crime Convention", "treaty", "core", "met", [], [("UNTOC", "2")],
       "The State is party to the Organized Crime Convention.", ["treaty.untoc"], []),
      ("02", "Party to the Trafficking in Persons Protocol", "treaty", "core", "not_met", [], [("TIP", "3(d)")],
       "The State is not party to the Trafficking in Persons Protocol.", ["treaty.tip"], [])]),
    (18, "calls upon", "member_states", "legal", "International cooperation",
     "States should strengthen international cooperation, through mutual legal assistance, extradition and "
     "police-to-police and agency-to-agency cooperation, while respecting children's privacy.",
     [("01", "Mutual legal assistance available without a treaty", "legislative", "core", "met", [],
       [("OPSC", "6"), ("UNTOC", "18")], "Mutual legal assistance can be given without a treaty.",
       ["cooperation.mla_basis"], []),
      ("02", "Dual criminality does not block assistance", "legislative", "important", "partial", ["OPSC"],
       [("OPSC", "5")], "Requests about simple possession fail for want of dual criminality.",
       ["cooperation.dual_criminality", "offences.possession"], []),
      ("03", "A 24/7 point of contact", "institutional", "important", "not_met", [], [("BC", "35")],
       "There is no 24/7 point of contact for urgent requests.", ["cooperation.network_247"], []),
      ("04", "Participation in joint international investigations", "institutional", "advisory", "unknown", [],
       [("LC", "38")], "It is not known whether the police has joined international investigations.", [],
       ["cooperation.joint_investigations"])]),
    (19, "urges", "member_states", "engagement", "Work in the Expert Group on Cybercrime",
     "States should show their continued work on international cooperation, including by making sure the Expert "
     "Group on Cybercrime considers child sexual exploitation and abuse online.",
     [("01", "Participation in the Expert Group on Cybercrime", "institutional", "advisory", "met", [],
       [("RES", "OP19")], "Government experts took part in the Expert Group.", ["engagement.expert_group"], [])]),
    (20, "encourages", "member_states", "engagement", "Resources for UNODC",
     "States should contribute resources to UNODC, including its Global Programme on Cybercrime.",
     [("01", "Contributions to the Global Programme on Cybercrime", "institutional", "advisory", "not_met", [],
       [("RES", "OP20")], "The State has not contributed to the Global Programme.",
       ["engagement.contributions"], [])]),
    (21, "invites", "member_states_and_donors", "engagement", "Extrabudgetary resources",
     "Member States and other donors should provide extrabudgetary resources to implement the resolution.",
     [("01", "Extrabudgetary contributions", "institutional", "advisory", "not_applicable", [],
       [("RES", "OP21")], "Not applicable: the State does not provide development assistance.",
       ["engagement.donor"], [])]),
]

# (id, title, modality, priority, text, package, criteria, depends_on)
RECOMMENDATIONS: list[tuple] = [
    ("R01", "Bring the criminal law into line with the Optional Protocol", "legislative_drafting", "high",
     "Prepare one amending bill that defines a child as every person under 18 for all offences, adopts a "
     "child-specific definition of child sexual abuse material and makes knowing possession an offence "
     "without any intent to distribute.", "PKG.CSAM_OFFENCES", ["P01.01", "P01.02", "P01.05", "P03.02"], []),
    ("R02", "Extend the definition to realistic and AI-generated images", "legislative_drafting", "medium",
     "Extend the definition to realistic images of non-existent children, including images made or altered with "
     "artificial intelligence.", None, ["P01.03"], ["R01"]),
    ("R03", "Criminalize online solicitation without requiring a meeting", "legislative_drafting", "high",
     "Make online solicitation of a child for sexual purposes an offence whether or not a meeting takes place.",
     None, ["P01.06"], ["R01"]),
    ("R04", "Require providers to preserve removed material", "legislative_drafting", "high",
     "Require providers that remove child sexual abuse material to preserve it, and the related data, for a set "
     "period for investigators.", None, ["P05.03"], []),
    ("R05", "Allow covert online investigations", "legislative_drafting", "medium",
     "Allow trained officers, under judicial authorisation, to act under a false identity online to investigate "
     "offences against children.", None, ["P02.03"], []),
    ("R06", "Protect children who share images of themselves", "legislative_drafting", "medium",
     "Exclude from prosecution children who produce or share images of themselves consensually, and treat them "
     "as needing protection.", None, ["P13.02"], ["R01"]),
    ("R07", "Give the specialised unit national reach and access to ICSE", "institutional_setup", "high",
     "Extend the specialised unit's mandate and staff to the whole territory and connect it to INTERPOL's "
     "International Child Sexual Exploitation database.", None, ["P06.01", "P06.02"], []),
    ("R08", "Set up a 24/7 point of contact", "international_cooperation", "high",
     "Designate a 24/7 point of contact for urgent requests and make it known to foreign counterparts.", None,
     ["P18.03"], []),
    ("R09", "Allow assistance where dual criminality is not met", "international_cooperation", "medium",
     "Once simple possession is an offence, review refused requests and drop dual criminality for non-coercive "
     "measures.", None, ["P18.02"], ["R01"]),
    ("R10", "Train investigators, prosecutors and judges", "capacity_building", "medium",
     "Train investigators, prosecutors and judges in victim identification, digital evidence and child-friendly "
     "procedures.", None, ["P06.04", "P15.02"], ["R07"]),
    ("R11", "Extend victim services beyond the capital", "victim_services", "high",
     "Open child advocacy services in each region and set up a State compensation fund for child victims.", None,
     ["P14.01", "P15.01"], []),
    ("R12", "Disaggregate data by gender and assess risk", "data_and_research", "medium",
     "Add gender to police and court data and carry out a national risk assessment.", None, ["P12.01", "P12.02"],
     []),
    ("R13", "Run and evaluate a public awareness campaign", "awareness", "low",
     "Run a campaign on the harm of child sexual abuse material and evaluate its effect.", None,
     ["P04.01", "P04.02"], ["R12"]),
    ("R14", "Accede to the Trafficking in Persons Protocol and the Budapest Convention", "ratification", "medium",
     "Accede to the Trafficking in Persons Protocol and complete accession to the Budapest Convention.", None,
     ["P17.02", "P02.04"], []),
    ("R15", "Give data-protection law a basis for voluntary detection", "legislative_drafting", "medium",
     "Give providers a clear lawful basis, with safeguards, for voluntary detection of the material.", None,
     ["P10.01"], []),
    ("R16", "Bring the data-protection authority into national coordination", "policy_coordination", "low",
     "Add the data-protection authority to the national coordinating body.", None, ["P08.02"], []),
    ("R17", "Train the financial intelligence unit on payment indicators", "capacity_building", "low",
     "Adopt indicators of payments for child sexual abuse material and train reporting entities to use them.",
     None, ["P09.02"], []),
]

WARNINGS = [
    AssessmentWarning(id="W01", kind="risk", title="Material removed without being preserved",
            message="Providers must remove reported material but need not preserve it, so evidence may be lost.",
            advice="Add a preservation duty for removed material before strengthening takedown.",
            criteria=["P05.02", "P05.03"], questions=["providers.takedown", "providers.preserve_reported"]),
    AssessmentWarning(id="W02", kind="risk", title="Reporting duty without capacity to process reports",
            message="Providers must report, but the specialised unit covers the capital only, so reports may wait.",
            advice="Plan the unit's staffing together with the reporting duty.", criteria=["P05.01", "P06.01"],
            questions=["providers.reporting_duty", "institutions.unit"]),
    AssessmentWarning(id="W03", kind="contradiction", title="Possession described in two ways",
            message="Possession is described as requiring intent to distribute, yet the note on dual criminality "
                    "implies it is an offence abroad only.",
            advice="Check section 216(2) of the Penal Code and correct one of the two answers.",
            criteria=["P01.05", "P18.02"], questions=["offences.possession", "cooperation.dual_criminality"]),
    AssessmentWarning(id="W04", kind="input", title="Answer without a source",
            message="The answer on sexual extortion gives no source.",
            advice="Record where the answer comes from.", questions=["offences.sextortion"]),
]

ICMEC = [("C1", "Legislation specific to child sexual abuse material", "partial", ["P01.02"]),
         ("C2", "A definition of child sexual abuse material", "partial", ["P01.01", "P01.02"]),
         ("C3", "Technology-facilitated offences", "met", ["P01.04"]),
         ("C4", "Simple possession regardless of intent to distribute", "not_met", ["P01.05"]),
         ("C5", "Providers must report to law enforcement or another mandated agency", "met", ["P05.01"])]

MNR = [(1, "Leadership", "Policy and governance", "met", ["P08.01"]),
       (2, "Research, analysis and monitoring", "Policy and governance", "unknown", ["P12.02"]),
       (3, "Legislation", "Policy and governance", "partial", ["P01.01", "P01.02", "P01.05"]),
       (4, "Dedicated law enforcement", "Criminal justice", "partial", ["P06.01"]),
       (5, "Judiciary and prosecutors", "Criminal justice", "unknown", ["P06.04"]),
       (6, "Offender management process", "Criminal justice", "unknown", []),
       (7, "Access to image databases", "Criminal justice", "not_met", ["P06.02"]),
       (8, "End-to-end support", "Victim", "partial", ["P14.01"]),
       (9, "Child protection workforce", "Victim", "unknown", ["P14.03"]),
       (10, "Compensation, remedies and complaints arrangements", "Victim", "partial", ["P15.01"]),
       (11, "Child helpline", "Victim", "met", ["P16.01"]),
       (12, "CSEA hotline", "Societal", "met", ["P07.01", "P16.02"]),
       (13, "Education programme", "Societal", "unknown", ["P04.01"]),
       (14, "Child participation", "Societal", "unknown", []),
       (15, "Offender support systems", "Societal", "not_met", ["P11.02"]),
       (16, "Takedown procedures", "Industry", "met", ["P05.02"]),
       (17, "CSEA reporting", "Industry", "partial", ["P05.01", "P05.04"]),
       (18, "Innovative solution development", "Industry", "unknown", []),
       (19, "Corporate social responsibility", "Industry", "unknown", []),
       (20, "Ethical and informed media reporting", "Media and communications", "unknown", []),
       (21, "Universal terminology", "Media and communications", "met", ["P04.03"])]


def _answer(qid: str) -> AnswerRecord:
    number, section, text, value, display, citation, note, source, method = ANSWERS[qid]
    return AnswerRecord(question=qid, number=number, text=text, section=section,
                        section_title=section.replace("_", " ").capitalize(), value=value, display=display,
                        citation=citation, note=note, source=source, method=method,
                        as_of=dt.date(2026, 5, 31) if source else None)


def _ref(qid: str) -> QuestionRef:
    number, text = UNANSWERED[qid]
    return QuestionRef(id=qid, number=number, text=text)


def _finding(par: int, spec: tuple) -> Finding:
    suffix, title, kind, weight, status, binding_for, basis, statement, answers, settle = spec
    cid = f"P{par:02d}.{suffix}"
    bound = [i for i in binding_for if i in PARTY_TO]
    binding = "binding" if bound else ("unknown" if status == "unknown" and binding_for else "recommended")
    why = {"met": "the answers establish it", "partial": "the answers show it is only partly in place",
           "not_met": "the answers show it is not in place", "unknown": "the answers needed are missing",
           "not_applicable": "its condition of application does not hold"}[status]
    return Finding(
        criterion=cid, paragraph=par, title=title, kind=kind, weight=weight, status=status, binding=binding,
        binding_instruments=bound, statement=statement,
        explanation=Explanation(rule=f"{cid}-{status}", sentence=f"{cid} is {status.replace('_', ' ')} because "
                                f"{why}: {statement[0].lower()}{statement[1:]}",
                                answers=[_answer(q) for q in answers],
                                concepts=[CONCEPT] if par == 1 and suffix in ("01", "02") else [],
                                settle=[_ref(q) for q in settle]),
        basis=[Article(instrument=i, article=a, label=f"{INSTRUMENTS[i]}, "
                       f"{'art. ' + a if a[0].isdigit() else a}", checked=i != "MNR")
               for i, a in basis],
        points=POINTS.get(status) if status in POINTS else None,
        icmec=[a for i, a in basis if i == "ICMEC"], mnr=[int(a) for i, a in basis if i == "MNR"])


CONCEPT = ConceptResult(id="child_under_18_everywhere", title="Every person under 18 is a child in every offence",
                        value=False, statement="At least one offence protects only children younger than 18.")


def _level(score: float | None, coverage: float, engagement: bool) -> str:
    if engagement:
        return ("none" if score is None or score < 0.2 else "limited" if score < 0.5 else
                "active" if score < 0.8 else "leading")
    if score is None or coverage < 0.5:
        return "insufficient_information"
    return "aligned" if score >= 0.8 else "partially_aligned" if score >= 0.4 else "not_aligned"


def _score(findings: list[Finding]) -> tuple[float | None, float, float]:
    """Score over decided criteria, coverage, and the confirmed score (unknown counted as nothing)."""
    scored = [f for f in findings if f.status != "not_applicable"]
    total = sum(WEIGHTS[f.weight] for f in scored)
    decided = [f for f in scored if f.points is not None]
    weight = sum(WEIGHTS[f.weight] for f in decided)
    earned = sum(WEIGHTS[f.weight] * f.points for f in decided)
    score = round(earned / weight, 4) if weight else None
    return score, round(weight / total, 4) if total else 0.0, round(earned / total, 4) if total else 0.0


def _counts(findings: list[Finding]) -> dict:
    return {s: sum(f.status == s for f in findings) for s in ("met", "partial", "not_met", "unknown",
                                                               "not_applicable")}


def make_assessment(status: str = "draft") -> Assessment:
    """Build the fixture Assessment for the fictional Republic of Veridia."""
    findings: list[Finding] = []
    paragraphs: list[ParagraphResult] = []
    for number, verb, addressee, kind, title, summary, specs in PARAGRAPHS:
        own = [_finding(number, s) for s in specs]
        findings += own
        score, coverage, confirmed = _score(own)
        paragraphs.append(ParagraphResult(
            number=number, title=title, verb=verb, addressee=addressee, summary=summary, assessment=kind,
            score=score, coverage=coverage, confirmed_score=confirmed,
            level=_level(score, coverage, kind == "engagement"), counts=_counts(own),
            criteria=[f.criterion for f in own]))
    by_id = {f.criterion: f for f in findings}
    recommendations = []
    for rank, (rid, title, modality, priority, text, package, criteria, depends) in enumerate(RECOMMENDATIONS, 1):
        gaps = [by_id[c] for c in criteria]
        recommendations.append(Recommendation(
            id=rid, rank=rank, title=title, modality=modality, modality_label=MODALITY_LABELS[modality],
            priority=priority, text=text, package=package,
            items=[RecommendationItem(criterion=f.criterion, title=f.title, status=f.status, text=f.statement)
                   for f in gaps],
            paragraphs=sorted({f.paragraph for f in gaps}), criteria=criteria,
            articles=sorted({a.label for f in gaps for a in f.basis}), binding=any(f.binding == "binding"
                                                                                  for f in gaps),
            depends_on=depends, unblocks=["P03.02", "P18.02"] if rid == "R01" else []))
    legal = [f for f in findings if next(p for p in paragraphs if p.number == f.paragraph).assessment == "legal"]
    engagement = [f for f in findings if f not in legal]
    legal_score, legal_cov, legal_confirmed = _score(legal)
    eng_score, eng_cov, _ = _score(engagement)
    gaps = [InformationGap(paragraph=f.paragraph, question=q, criteria=[f.criterion])
            for f in findings for q in f.explanation.settle]
    answers = sorted((_answer(q) for q in ANSWERS), key=lambda a: a.question)
    return Assessment(
        lexgap_version="0.1.0",
        pack=PackInfo(id="res-74-174", version="1.0.0",
                      title="Countering child sexual exploitation and sexual abuse online",
                      resolution="A/RES/74/174", content_hash="sha256:" + "0" * 64,
                      scoring=Scoring(weights={"core": 3, "important": 2, "advisory": 1},
                                      points={"met": 1.0, "partial": 0.5, "not_met": 0.0},
                                      levels={"aligned": 0.8, "partially_aligned": 0.4}, min_coverage=0.5,
                                      engagement_levels={"leading": 0.8, "active": 0.5, "limited": 0.2})),
        state=State(name="Republic of Veridia", code="VRD", fictional=True, region="Fictional region"),
        assessment=AssessmentInfo(date=dt.date(2026, 6, 15), assessors=["A. Mensah (UNODC)", "L. Ortega (UNODC)"],
                                  status=status, pack="res-74-174", pack_version="1.0.0",
                                  sources=["Penal Code 2011", "Cybercrime Act 2019", "Official replies of 2026"],
                                  confidentiality="For official use only"),
        answers_digest="sha256:" + "1" * 64,
        summary=Summary(legal_score=legal_score, legal_coverage=legal_cov, legal_confirmed_score=legal_confirmed,
                        legal_level=_level(legal_score, legal_cov, False), engagement_score=eng_score,
                        engagement_coverage=eng_cov, engagement_level=_level(eng_score, eng_cov, True),
                        counts=_counts(findings),
                        binding_gaps=sum(f.binding == "binding" and f.status in ("partial", "not_met")
                                         for f in findings)),
        paragraphs=paragraphs, findings=findings, recommendations=recommendations, warnings=WARNINGS,
        information_gaps=gaps, concepts=[CONCEPT],
        crosswalk=Crosswalk(
            icmec=IcmecVerdict(criteria=[IcmecCriterion(id=i, title=t, status=s, criteria=c) for i, t, s, c in ICMEC],
                               sufficient=False,
                               verdict="Not sufficient: possession without intent to distribute is not an offence "
                                       "(C4), and the definition relies on a general obscenity test (C1, C2)."),
            mnr=[MnrCapability(number=n, name=name, group=g, status=s, criteria=c) for n, name, g, s, c in MNR]),
        answers=answers)


def with_answer_texts(assessment: Assessment, note: str, citation: str) -> Assessment:
    """A copy of `assessment` whose every answer note and citation is replaced (for escaping tests)."""
    def patch(record: AnswerRecord) -> AnswerRecord:
        return record.model_copy(update={"note": note, "citation": citation, "source": citation})

    findings = [f.model_copy(update={"explanation": f.explanation.model_copy(
        update={"answers": [patch(a) for a in f.explanation.answers]})}) for f in assessment.findings]
    return assessment.model_copy(update={"answers": [patch(a) for a in assessment.answers], "findings": findings})
