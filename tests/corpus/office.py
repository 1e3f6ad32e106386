"""The Word and PDF half of the test corpus: briefings as analysts write them, built in code.

Twelve briefings, French and English, on geopolitics, energy, the economy, security, health and
technology: six Word files with real footnotes and endnotes (word/footnotes.xml and
word/endnotes.xml, referenced by `w:footnoteReference` / `w:endnoteReference` runs set in
superscript), headings, bulleted lists, a table and one paragraph of over 1,500 characters; six
PDFs of two or three A4 pages with a running header and a page number, superscript markers, the
notes at the bottom of the page that cites them, bold headings set larger and bullet lists.

`write_documents(folder)` writes them and returns their file names; `QUESTIONS` holds the
questions asked of them, each with a verbatim piece of its gold passage (`gold`, markers
excluded, unique in the corpus) and a verbatim piece of the note that passage cites (`note`, or
None).

The PDFs are set in DejaVu Sans where the system has it (a Unicode font: French apostrophes and
guillemets as written), two English ones in the core Helvetica font. Without DejaVu, the French
PDFs fall back to Helvetica, whose Latin-1 range lacks `’` and `œ`: their text is then written
with `'` and `oe`. Every `gold` and `note` of a PDF question stays within Latin-1 so it holds in
both cases.

Facts, names of minor organisations and figures are invented; they are consistent within each
briefing.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from tests.helpers.word import NoteKind, W, add_notes

BlockKind = Literal["title", "date", "h1", "h2", "p", "li", "table", "page"]

NBSP = "\u00a0"
_MARKER = re.compile(r"\[\^(\w+)\]")


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    text: str = ""  # `[^key]` stands for a reference to the note `key`
    rows: tuple[tuple[str, ...], ...] = ()  # a table's rows, the first one its header


@dataclass(frozen=True)
class Document:
    name: str
    lang: Literal["fr", "en"]
    blocks: tuple[Block, ...]
    notes: dict[str, tuple[NoteKind, str]]  # key → (Word note kind, text); PDFs ignore the kind
    header: str = ""  # PDF running header
    page_label: str = "Page {page} / {pages}"  # PDF page number
    bullet: str = "•"  # PDF bullet sign
    font: Literal["dejavu", "helvetica"] = "dejavu"  # PDF font
    note_number: Literal["plain", "dotted", "superscript"] = "plain"  # how a PDF note starts


def _b(kind: BlockKind, text: str = "") -> Block:
    return Block(kind, text)


def _table(*rows: tuple[str, ...]) -> Block:
    return Block("table", rows=rows)


# --- Word briefings ---------------------------------------------------------------------------

NIGER = Document(
    "veille-niger-sahel-2024-03-22.docx",
    "fr",
    (
        _b("title", "Note de veille — Niger et Sahel central"),
        _b("date", "Diffusion restreinte — 22 mars 2024"),
        _b("h1", "Situation politique"),
        _b(
            "p",
            "Le 16 mars 2024, le porte-parole du Conseil national pour la sauvegarde de la patrie "
            f"(CNSP), le colonel Amadou Abdramane, a annoncé la dénonciation «{NBSP}avec effet "
            f"immédiat{NBSP}» de l’accord de coopération militaire conclu avec les États-Unis en 2012.[^rfi] "
            "La décision intervient au lendemain de la visite à Niamey d’une délégation américaine "
            "conduite par la secrétaire d’État adjointe Molly Phee, jugée «{NBSP}condescendante{NBSP}» par "
            "les autorités de transition.",
        ),
        _b(
            "li",
            f"Environ 1{NBSP}000 militaires américains sont stationnés au Niger, principalement sur la "
            f"base aérienne 201 d’Agadez, dont la construction a coûté 110 millions de dollars.[^monde]",
        ),
        _b(
            "li",
            f"Washington dit avoir «{NBSP}pris note{NBSP}» de la déclaration et demande des "
            "clarifications par les canaux diplomatiques.",
        ),
        _b(
            "li",
            "Le Premier ministre Ali Mahaman Lamine Zeine s’est rendu à Moscou en janvier pour "
            "discuter d’un renforcement de la coopération de défense.",
        ),
        _b("h1", "Sécurité"),
        _b(
            "p",
            "Dans la région de Tillabéri, l’attaque d’une patrouille près de Teguey a fait 23 morts "
            "parmi les soldats nigériens le 20 mars, selon le ministère de la Défense[^actu]. Les "
            "assaillants, venus du Mali voisin, ont emporté deux véhicules blindés.",
        ),
        _b("h2", "Perspectives"),
        _b(
            "p",
            "L’Alliance des États du Sahel (AES), formée en septembre 2023 par le Mali, le Burkina "
            f"Faso et le Niger, prévoit une force conjointe de 5{NBSP}000 hommes dont l’état-major "
            "serait installé à Niamey. Son financement reste incertain.",
        ),
    ),
    {
        "rfi": (
            "footnote",
            f"RFI, «{NBSP}Le Niger dénonce l’accord militaire avec les États-Unis{NBSP}», 17 mars 2024.",
        ),
        "monde": (
            "footnote",
            f"Le Monde, «{NBSP}La base 201 d’Agadez, un investissement américain en suspens{NBSP}», 19 mars 2024.",
        ),
        "actu": ("footnote", f"ActuNiger, «{NBSP}Attaque meurtrière près de Teguey{NBSP}», 21 mars 2024."),
    },
)

BALTIC_GAS = Document(
    "baltic-gas-energy-brief-2024-02-09.docx",
    "en",
    (
        _b("title", "Energy Security Brief: Baltic Gas Supply"),
        _b("date", "9 February 2024 | Prepared for the Energy Working Group"),
        _b("h1", "Key developments"),
        _b(
            "p",
            "Lithuania’s Klaipėda LNG terminal handled 68 cargoes in 2023, more than double its 2021 "
            "volume, as Vilnius, Riga and Tallinn replaced pipeline imports from Russia.[^reuters] The "
            "terminal now covers almost all of Lithuania’s demand and a third of Latvia’s.",
        ),
        _b(
            "li",
            "The floating storage and regasification unit Independence was bought outright by the "
            "operator KN Energies for 153 million dollars in December 2022.",
        ),
        _b(
            "li",
            "Repairs to the Balticconnector pipeline between Finland and Estonia, damaged by a "
            "ship’s anchor in October 2023, are expected to be completed by mid-April, according "
            "to the Estonian operator Elering.[^err]",
        ),
        _b("li", "Latvia’s planned LNG terminal at Skulte has been shelved for lack of financing."),
        _b("h1", "Storage levels"),
        _b("p", "Gas storage filled on 1 February, as a share of capacity:"),
        _table(
            ("Site", "Filled on 1 February", "Change since 1 December"),
            ("Lithuania (Klaipėda)", "71%", "−12 points"),
            ("Latvia (Inčukalns)", "54%", "−19 points"),
            ("Estonia", "no storage", "—"),
        ),
        _b("h1", "Outlook"),
        _b(
            "p",
            "Analysts at the International Energy Agency expect Baltic LNG demand to fall by 8% in "
            "2024 as Lithuanian industrial users switch to electricity and biomass.[^iea]",
        ),
    ),
    {
        "reuters": (
            "footnote",
            "Reuters, “Klaipeda LNG terminal doubles throughput as Baltics shun Russian gas”, 12 January 2024.",
        ),
        "err": (
            "footnote",
            "ERR News, “Balticconnector repairs on schedule, Elering says”, 2 February 2024.",
        ),
        "iea": ("footnote", "International Energy Agency, Gas Market Report Q1-2024, January 2024."),
    },
)

DENGUE = Document(
    "sante-dengue-reunion-2024-04-05.docx",
    "fr",
    (
        _b("title", "Point de situation sanitaire : la dengue à La Réunion et aux Antilles"),
        _b("h1", "La Réunion"),
        _b(
            "p",
            f"L’Agence régionale de santé (ARS) a recensé 4{NBSP}870 cas confirmés de dengue depuis le "
            "début de l’année, dont 312 hospitalisations et 3 décès.[^ars] La circulation du virus "
            "reste intense dans l’ouest et le sud de l’île.",
        ),
        _b(
            "li",
            "Le sérotype DENV-2 domine, ce qui fait craindre des formes sévères chez les personnes "
            "déjà infectées lors de l’épidémie de 2019-2021.",
        ),
        _b(
            "li",
            "Le préfet a déclenché le niveau 4 du plan ORSEC-arboviroses le 28 mars, ce qui permet "
            "de mobiliser des renforts de la sécurité civile.[^pref]",
        ),
        _b(
            "li",
            "Les campagnes de démoustication mobilisent 180 agents, épaulés par 40 réservistes de "
            "la sécurité civile.",
        ),
        _b("h1", "Antilles"),
        _b(
            "p",
            f"En Guadeloupe, l’épidémie décline depuis trois semaines{NBSP}; la Martinique reste en phase "
            "épidémique avec environ 900 cas cliniquement évocateurs par semaine.[^spf]",
        ),
        _b("h1", "Vaccination"),
        _b(
            "p",
            "La Haute Autorité de santé recommande le vaccin Qdenga (Takeda) pour les personnes de "
            f"6 à 16 ans ayant déjà eu une dengue{NBSP}; son remboursement est à l’étude.[^has]",
        ),
    ),
    {
        "ars": (
            "endnote",
            f"ARS La Réunion, «{NBSP}Point épidémiologique dengue, semaine 13{NBSP}», 3 avril 2024.",
        ),
        "pref": (
            "endnote",
            f"Préfecture de La Réunion, communiqué «{NBSP}Activation du niveau 4 du plan ORSEC{NBSP}», 28 mars 2024.",
        ),
        "spf": ("endnote", "Santé publique France, Bulletin de santé publique Antilles, 2 avril 2024."),
        "has": (
            "endnote",
            f"Haute Autorité de santé, avis «{NBSP}Qdenga : place dans la stratégie vaccinale{NBSP}», 19 mars 2024.",
        ),
    },
)

CHIPS = Document(
    "chip-export-controls-tech-brief-2024-01-19.docx",
    "en",
    (
        _b("title", "Technology Brief: Semiconductor Export Controls"),
        _b("h1", "United States"),
        _b(
            "p",
            "The Commerce Department’s Bureau of Industry and Security widened its rules to cover 43 "
            "additional countries, requiring licences for shipments of advanced AI accelerators to "
            "any destination from which they could be resold to Chinese firms.[^bis]",
        ),
        _b(
            "li",
            "Nvidia’s H20 chip, designed to stay under the performance threshold, is expected to "
            "ship to Chinese customers in the second quarter.[^ft]",
        ),
        _b(
            "li",
            "ASML now needs a Dutch licence before servicing DUV lithography machines installed at "
            "three Chinese fabs.",
        ),
        _b("h1", "China’s response"),
        _b(
            "p",
            "Beijing has restricted exports of gallium and germanium since 1 August 2023; customs "
            "data show gallium exports fell to zero in August before recovering to 9.2 tonnes in "
            "December.[^scmp]",
        ),
        _b("h2", "Domestic capacity"),
        _b(
            "p",
            "Huawei’s Kirin 9000S processor, made by SMIC on a 7-nanometre process, shows that "
            "Chinese foundries can still produce advanced chips with older equipment, though yields "
            "are thought to be below 50%.[^tech]",
        ),
        _b("h1", "Assessment"),
        _b(
            "p",
            "Japan’s trade ministry is expected to add 23 types of chipmaking equipment to its own "
            "control list, closing the gap with Washington and The Hague.[^nikkei] Further Chinese "
            "retaliation would most likely target rare-earth processing technology.",
        ),
    ),
    {
        "bis": (
            "footnote",
            "Bureau of Industry and Security, “Commerce Strengthens Restrictions on Advanced "
            "Computing Semiconductors”, 17 October 2023.",
        ),
        "ft": ("footnote", "Financial Times, “Nvidia readies H20 chip for China”, 9 January 2024."),
        "scmp": ("footnote", "South China Morning Post, “China’s gallium exports rebound”, 18 January 2024."),
        "tech": ("endnote", "TechInsights, Kirin 9000S teardown report, September 2023."),
        "nikkei": ("endnote", "Nikkei Asia, “Japan to tighten chip equipment curbs”, 11 January 2024."),
    },
)

ECB = Document(
    "bce-inflation-zone-euro-2024-06-07.docx",
    "fr",
    (
        _b("title", "Note de conjoncture : la BCE et l’inflation en zone euro"),
        _b("h1", "Décision du 6 juin"),
        _b(
            "p",
            "Le Conseil des gouverneurs de la Banque centrale européenne a abaissé ses trois taux "
            f"directeurs de 25 points de base, le taux de la facilité de dépôt passant à 3,75{NBSP}%, "
            "une première depuis septembre 2019.[^bce]",
        ),
        _b("h1", "Analyse"),
        _b(
            "p",
            "La décision ne marque pas le début d’un cycle rapide d’assouplissement. Christine "
            f"Lagarde a refusé de s’engager sur la réunion de juillet, répétant que le Conseil resterait "
            f"«{NBSP}dépendant des données{NBSP}» et déciderait «{NBSP}réunion par réunion{NBSP}». Les "
            "nouvelles projections des services de l’Eurosystème relèvent d’ailleurs la prévision "
            f"d’inflation pour 2024 à 2,5{NBSP}% contre 2,3{NBSP}% en mars, et celle de 2025 à 2,2{NBSP}%, "
            "en raison du renchérissement de l’énergie et de la persistance de l’inflation dans les "
            f"services.[^echos] Les salaires négociés ont progressé de 4,7{NBSP}% sur un an au premier "
            f"trimestre, un rythme jugé encore incompatible avec l’objectif de 2{NBSP}% à moyen terme. "
            "Le gouverneur autrichien Robert Holzmann a été le seul à voter contre la baisse, estimant "
            "que les conditions n’étaient pas réunies. La BCE a par ailleurs confirmé l’arrêt complet "
            "des réinvestissements du programme d’achats d’urgence face à la pandémie (PEPP) à la fin "
            "de 2024. Du côté de la croissance, le PIB de la zone "
            f"euro a progressé de 0,3{NBSP}% au premier trimestre, sortant de la stagnation de 2023, et "
            f"les services de la BCE tablent sur 0,9{NBSP}% pour l’année. Les marchés anticipent "
            "désormais une ou deux baisses supplémentaires d’ici décembre, contre trois avant la "
            "réunion. Pour les banques françaises, la baisse du taux de dépôt réduit la rémunération "
            "des réserves excédentaires, estimées à 380 milliards d’euros, mais devrait soutenir la "
            f"reprise du crédit immobilier, dont la production a chuté de 40{NBSP}% en 2023. L’écart de "
            "taux entre l’OAT française à dix ans et le Bund allemand s’est stabilisé autour de "
            "50 points de base, loin des tensions observées à l’automne 2022.",
        ),
        _b("h1", "À surveiller"),
        _b("li", "Publication de l’estimation rapide de l’inflation de juin par Eurostat, le 2 juillet."),
        _b("li", "Réunion du Conseil des gouverneurs, le 18 juillet à Francfort."),
    ),
    {
        "bce": (
            "footnote",
            f"Banque centrale européenne, communiqué «{NBSP}Décisions de politique monétaire{NBSP}», 6 juin 2024.",
        ),
        "echos": (
            "footnote",
            f"Les Échos, «{NBSP}La BCE relève ses prévisions d’inflation malgré la baisse des taux{NBSP}», "
            "6 juin 2024.",
        ),
    },
)

PORT_RANSOMWARE = Document(
    "port-ransomware-security-brief-2024-05-14.docx",
    "en",
    (
        _b("title", "Security Brief: Ransomware Attack on a Gdańsk Container Terminal"),
        _b("h1", "Incident"),
        _b(
            "p",
            "On 9 May, the container operator Baltic Gateway Terminals (BGT) in Gdańsk halted its "
            "truck gates for 41 hours after ransomware encrypted its terminal operating system.[^gw] "
            "Vessel operations continued manually at reduced capacity.",
        ),
        _b(
            "li",
            "A group calling itself “Sarmat” claimed the attack on its leak site and demanded "
            "4.5 million dollars in bitcoin.[^record]",
        ),
        _b("li", "About 2,300 containers were delayed; two feeder services were diverted to Gdynia."),
        _b(
            "li",
            "CERT Polska confirmed that the attackers got in through an unpatched VPN appliance "
            "(CVE-2024-21762).[^cert]",
        ),
        _b("h1", "Assessment"),
        _b(
            "p",
            "The attack is the third against a Baltic port operator since November. BGT says no "
            "customer data was taken, but the group has published 12 gigabytes of HR files, "
            "including scanned identity documents of dock workers.",
        ),
        _b("h2", "Recommendations"),
        _b("li", "Patch Fortinet SSL-VPN appliances and rotate the credentials used on them."),
        _b("li", "Test the manual fallback procedures for gate operations at least twice a year."),
    ),
    {
        "gw": (
            "endnote",
            "Gazeta Wyborcza Trójmiasto, “Cyberatak sparaliżował terminal w Gdańsku”, 10 May 2024.",
        ),
        "record": (
            "endnote",
            "The Record, “Sarmat ransomware gang claims Gdańsk terminal attack”, 11 May 2024.",
        ),
        "cert": ("endnote", "CERT Polska, incident advisory 2024/017, 13 May 2024."),
    },
)

# --- PDF briefings ----------------------------------------------------------------------------

ARCTIC = Document(
    "arctique-groenland-revue-2024-09-10.pdf",
    "fr",
    (
        _b("title", "Revue stratégique : l’Arctique et le Groenland"),
        _b("date", "Paris, le 10 septembre 2024"),
        _b("h1", "Contexte"),
        _b(
            "p",
            "Le gouvernement autonome du Groenland a publié le 3 septembre sa première stratégie de "
            "politique étrangère, de sécurité et de défense, intitulée « Rien sur nous sans nous ».[^nuuk] "
            "Le texte affirme la volonté de Nuuk de participer directement aux décisions de l’OTAN "
            "qui concernent l’île.",
        ),
        _b(
            "p",
            "La base spatiale de Pituffik, anciennement Thulé, accueille environ 150 militaires "
            "américains et reste au cœur du dispositif d’alerte antimissile des États-Unis.",
        ),
        _b("h1", "Ressources minières"),
        _b(
            "p",
            "Le gisement de Tanbreez, dans le sud de l’île, contiendrait 4,7 millions de tonnes "
            "d'oxydes de terres rares ; la société australienne Critical Metals en a pris le contrôle "
            "en juillet.[^monde]",
        ),
        _b("page"),
        _b(
            "p",
            "Pékin reste à l’écart de l’exploitation minière depuis l’interdiction de l’extraction "
            "d’uranium votée par le parlement groenlandais en novembre 2021, qui a bloqué le projet "
            "de Kvanefjeld.",
        ),
        _b("h1", "Routes maritimes"),
        _b(
            "p",
            "La route maritime du Nord a vu transiter 38 navires chinois en 2023, contre 13 en 2022, "
            "selon l’administration russe chargée de la route.[^hnn]",
        ),
        _b("li", "La Russie exige un préavis de 45 jours pour tout navire de guerre étranger."),
        _b(
            "li",
            "Le brise-glace chinois Xue Long 2 a mené une campagne de recherche en août au nord de l’Alaska.",
        ),
        _b("page"),
        _b("h1", "Appréciation"),
        _b(
            "p",
            "Le Danemark a annoncé un plan de 14,6 milliards de couronnes pour renforcer sa présence "
            "militaire dans l’Arctique, dont deux nouveaux navires d’inspection et des drones longue "
            "portée.[^fmn] Copenhague cherche ainsi à répondre aux critiques de Washington sur la "
            "surveillance de l’île.",
        ),
    ),
    {
        "nuuk": (
            "footnote",
            "Naalakkersuisut, « Greenland in the World - Nothing about us without us », 3 septembre 2024.",
        ),
        "monde": ("footnote", "Le Monde, « Au Groenland, la course aux terres rares », 18 juillet 2024."),
        "hnn": (
            "footnote",
            "High North News, « Record Chinese traffic on the Northern Sea Route », 12 janvier 2024.",
        ),
        "fmn": (
            "footnote",
            "Ministère danois de la Défense, accord sur l'Arctique et l'Atlantique Nord, 31 janvier 2024.",
        ),
    },
    header="Cellule Prospective - Revue stratégique n° 37 - Diffusion restreinte",
    page_label="Page {page} / {pages}",
    bullet="-",
)

H5N1 = Document(
    "h5n1-dairy-health-brief-2024-05-02.pdf",
    "en",
    (
        _b("title", "Weekly Health Brief: H5N1 in US Dairy Cattle"),
        _b(
            "p",
            "Highly pathogenic avian influenza H5N1 has now been confirmed in 36 dairy herds across "
            "nine US states since the first detection in Texas on 25 March.[^usda]",
        ),
        _b(
            "li",
            "The US Department of Agriculture has required a negative test before lactating cows "
            "cross state lines since 29 April.",
        ),
        _b(
            "li",
            "The Food and Drug Administration found viral fragments in about one in five retail milk "
            "samples; tests on pasteurised milk found no live virus.[^fda]",
        ),
        _b(
            "li",
            "One human case, a Texas farm worker with conjunctivitis, has been reported; he "
            "recovered after antiviral treatment.",
        ),
        _b("page"),
        _b(
            "p",
            "The genotype B3.13 found in cattle carries no known mutation that would favour "
            "transmission between humans, according to the sequences published by the CDC on "
            "26 April.[^cdc]",
        ),
        _b(
            "p",
            "The risk to the general public remains low. We will track whether infections appear in "
            "pigs, which would raise the chance of reassortment with seasonal flu viruses.",
        ),
    ),
    {
        "usda": ("footnote", "USDA APHIS, Detections of HPAI in livestock, updated 1 May 2024."),
        "fda": ("footnote", "FDA, Updates on Highly Pathogenic Avian Influenza (HPAI), 25 April 2024."),
        "cdc": (
            "footnote",
            "CDC, Technical update: summary of genetic analyses of H5N1 viruses, 26 April 2024.",
        ),
    },
    header="Health Intelligence Unit | Weekly Brief | For internal use",
    page_label="{page}",
    font="helvetica",
    note_number="dotted",
)

NUCLEAR = Document(
    "nucleaire-epr-note-energie-2024-07-01.pdf",
    "fr",
    (
        _b("title", "Note énergie : le programme nucléaire français"),
        _b("h1", "EPR de Flamanville"),
        _b(
            "p",
            "Le réacteur EPR de Flamanville 3 a reçu le 7 mai l'autorisation de mise en service de "
            "l’Autorité de sûreté nucléaire, dix-sept ans après le début du chantier.[^asn] EDF estime "
            "son coût total à 13,2 milliards d’euros, hors frais financiers.",
        ),
        _b("li", "Le chargement du combustible s’est achevé le 15 mai."),
        _b(
            "li",
            "La première connexion au réseau est attendue à l’automne, à 20 % de la puissance nominale.",
        ),
        _b("h1", "Programme EPR2"),
        _b(
            "p",
            "Le gouvernement a confirmé la construction de six réacteurs EPR2, les deux premiers à "
            "Penly (Seine-Maritime), pour une mise en service visée en 2035.[^penly]",
        ),
        _b("page"),
        _b(
            "p",
            "Le devis d’EDF pour les six réacteurs a été réévalué à 67,4 milliards d'euros (aux "
            "conditions économiques de 2020), contre 51,7 milliards en 2022, selon un document "
            "interne consulté par la presse.[^echos]",
        ),
        _b("h1", "Petits réacteurs modulaires"),
        _b(
            "li",
            "Le projet Nuward d’EDF a été réorienté en janvier vers une conception fondée sur des "
            "technologies éprouvées.",
        ),
        _b(
            "li",
            "La jeune pousse Jimmy Energy a déposé une demande d’autorisation de création pour un "
            "microréacteur à haute température de 10 MW destiné à la chaleur industrielle.",
        ),
    ),
    {
        "asn": ("footnote", "ASN, décision autorisant la mise en service de Flamanville 3, 7 mai 2024."),
        "penly": (
            "footnote",
            "Ministère de la Transition énergétique, dossier de presse Penly, 4 mars 2024.",
        ),
        "echos": ("footnote", "Les Echos, « Nucléaire : la facture des six EPR2 s'envole », 27 juin 2024."),
    },
    header="Direction de la stratégie - Note énergie",
    page_label="- {page} -",
    bullet="-",
    note_number="superscript",
)

ARGENTINA = Document(
    "argentina-economic-brief-2024-04-16.pdf",
    "en",
    (
        _b("title", "Economic Brief: Argentina's Stabilisation Plan"),
        _b("h1", "Inflation"),
        _b(
            "p",
            "Monthly consumer price inflation slowed to 11.0% in March from 25.5% in December, the "
            "national statistics institute INDEC reported on 12 April.[^indec] Annual inflation still "
            "stood at 287.9%.",
        ),
        _b(
            "p",
            "President Javier Milei's government posted a primary fiscal surplus in the first "
            "quarter, mainly by freezing public works and cutting transfers to the provinces.",
        ),
        _b("h1", "Exchange rate and reserves"),
        _b(
            "p",
            "The central bank has bought more than 17 billion dollars on the official market since "
            "the 54% devaluation of the peso in December, lifting gross reserves to 28 billion "
            "dollars.[^bloomberg]",
        ),
        _b("page"),
        _b("h1", "IMF programme"),
        _b(
            "p",
            "The IMF board completed the seventh review of the 44 billion dollar Extended Fund "
            "Facility on 31 January, releasing 4.7 billion dollars.[^imf] Talks on a new programme are "
            "expected after the mid-term elections in October 2025.",
        ),
        _b("h1", "Risks"),
        _b("li", "Real wages fell by about 18% between November and February."),
        _b("li", "The parallel 'blue' dollar rate trades about 20% above the official rate."),
    ),
    {
        "indec": ("footnote", "INDEC, Indice de precios al consumidor, March 2024 report, 12 April 2024."),
        "bloomberg": (
            "footnote",
            'Bloomberg, "Argentina central bank extends dollar-buying streak", 10 April 2024.',
        ),
        "imf": (
            "footnote",
            'IMF, press release 24/38, "IMF Executive Board completes seventh review", 1 February 2024.',
        ),
    },
    header="Macro Desk - Country Brief",
    page_label="Page {page} of {pages}",
    font="helvetica",
)

GULF_OF_GUINEA = Document(
    "golfe-de-guinee-surete-maritime-2024-02-20.pdf",
    "fr",
    (
        _b("title", "Note de sûreté maritime : golfe de Guinée"),
        _b(
            "p",
            "Le Bureau maritime international a recensé 22 incidents de piraterie et de vol à main "
            "armée dans le golfe de Guinée en 2023, contre 19 en 2022, mettant fin à trois années de "
            "baisse.[^bmi]",
        ),
        _b(
            "p",
            "Le 14 février, le chimiquier Bonny Star, battant pavillon libérien, a été abordé à "
            "45 milles nautiques au sud de l’île de Bioko ; six marins ont été enlevés.[^lloyds]",
        ),
        _b("page"),
        _b(
            "p",
            "La marine nigériane attribue la hausse au déplacement des groupes armés du delta du "
            "Niger vers les eaux de Sao Tomé-et-Principe et du Gabon, moins surveillées.",
        ),
        _b("li", "La présence maritime coordonnée européenne mobilise en moyenne deux à trois navires."),
        _b("li", "Le Togo et le Bénin ont signé en janvier un accord de patrouilles conjointes."),
        _b(
            "li",
            "Les rançons versées en 2023 atteindraient au total 4 millions de dollars, selon des "
            "assureurs londoniens.[^marin]",
        ),
        _b("page"),
        _b(
            "p",
            "Les armateurs français sont invités à maintenir une vigilance renforcée au-delà de "
            "200 milles des côtes et à signaler tout contact suspect au centre MDAT-GoG de Brest.[^mdat]",
        ),
    ),
    {
        "bmi": (
            "footnote",
            "Bureau maritime international, rapport annuel sur la piraterie 2023, 11 janvier 2024.",
        ),
        "lloyds": ("footnote", "Lloyd's List, « Bonny Star boarded off Bioko », 15 février 2024."),
        "marin": ("footnote", "Le Marin, « Golfe de Guinée : les assureurs inquiets », 6 février 2024."),
        "mdat": ("footnote", "MDAT-GoG, avis aux navigateurs n° 07/2024, 19 février 2024."),
    },
    header="Centre de veille maritime - Note hebdomadaire",
    page_label="Page {page} sur {pages}",
    bullet="•",
    note_number="dotted",
)

RED_SEA = Document(
    "red-sea-cables-tech-brief-2024-03-08.pdf",
    "en",
    (
        _b("title", "Technology Brief: Red Sea Submarine Cables"),
        _b("h1", "What happened"),
        _b(
            "p",
            "Three submarine cables in the Red Sea, AAE-1, Seacom and EIG, were cut on 24 February, "
            "disrupting about 25% of data traffic between Asia and Europe, according to the Hong Kong "
            "operator HGC Global Communications.[^hgc]",
        ),
        _b(
            "p",
            "The cuts are believed to have been caused by the anchor of the Rubymar, a bulk carrier "
            "struck by a Houthi missile on 18 February that drifted for two weeks before sinking.[^ft]",
        ),
        _b("page"),
        _b("h1", "Repairs"),
        _b(
            "p",
            "Repair ships need permits from the Yemeni authorities to work in the area; Seacom "
            "expects its segment to be restored by late May at the earliest.[^seacom]",
        ),
        _b(
            "p",
            "Only a handful of cable ships serve the region, and the nearest one, based in Djibouti, "
            "is already committed to another repair off East Africa.",
        ),
        _b("h1", "Implications"),
        _b("li", "Operators rerouted traffic through cables crossing Egypt by land and around Africa."),
        _b("li", "Gulf states are accelerating plans for terrestrial fibre corridors across Saudi Arabia."),
        _b("li", "Insurers have raised war-risk premiums for cable ships working in the southern Red Sea."),
    ),
    {
        "hgc": ("footnote", "HGC Global Communications, press statement, 4 March 2024."),
        "ft": (
            "footnote",
            "Financial Times, “Sunken ship's anchor likely cut Red Sea cables”, 6 March 2024.",
        ),
        "seacom": ("footnote", "Seacom, customer notice on the Red Sea outage, 7 March 2024."),
    },
    header="Digital Infrastructure Watch - Brief 2024/09",
    page_label="Page {page} / {pages}",
)

DOCUMENTS: tuple[Document, ...] = (
    NIGER,
    BALTIC_GAS,
    DENGUE,
    CHIPS,
    ECB,
    PORT_RANSOMWARE,
    ARCTIC,
    H5N1,
    NUCLEAR,
    ARGENTINA,
    GULF_OF_GUINEA,
    RED_SEA,
)


def _q(doc: Document, question: str, gold: str, note: str | None) -> dict[str, Any]:
    return {"file": doc.name, "question": question, "gold": gold, "note": note, "lang": doc.lang}


QUESTIONS: list[dict[str, Any]] = [
    _q(NIGER, "Quand le Niger a-t-il dénoncé son accord militaire avec Washington ?", "Le 16 mars 2024, le porte-parole du Conseil national", "Le Niger dénonce l’accord militaire"),
    _q(NIGER, "Combien de soldats américains sont déployés au Niger ?", "Environ 1 000 militaires américains sont stationnés", "un investissement américain en suspens"),
    _q(NIGER, "Quel bilan pour l'attaque de la patrouille près de Teguey ?", "a fait 23 morts parmi les soldats nigériens", "Attaque meurtrière près de Teguey"),
    _q(NIGER, "Quels effectifs pour la force conjointe de l'Alliance des États du Sahel ?", "prévoit une force conjointe de 5 000 hommes", None),
    _q(BALTIC_GAS, "How many LNG cargoes did Klaipeda receive last year?", "LNG terminal handled 68 cargoes in 2023", "Klaipeda LNG terminal doubles throughput"),
    _q(BALTIC_GAS, "When will the Balticconnector pipeline be back in service?", "are expected to be completed by mid-April", "Balticconnector repairs on schedule"),
    _q(BALTIC_GAS, "How full was the Inčukalns gas storage at the start of February?", "Latvia (Inčukalns) | 54%", None),
    _q(BALTIC_GAS, "How much did KN Energies pay for the Independence?", "bought outright by the operator KN Energies", None),
    _q(DENGUE, "Combien de morts de la dengue à La Réunion depuis janvier ?", "dont 312 hospitalisations et 3 décès", "Point épidémiologique dengue, semaine 13"),
    _q(DENGUE, "Quand le plan ORSEC a-t-il été porté au niveau 4 ?", "le niveau 4 du plan ORSEC-arboviroses le 28 mars", "Activation du niveau 4 du plan ORSEC"),
    _q(DENGUE, "Combien de cas par semaine en Martinique ?", "environ 900 cas cliniquement évocateurs par semaine", "Bulletin de santé publique Antilles"),
    _q(DENGUE, "Pour qui la HAS recommande-t-elle le vaccin Qdenga ?", "pour les personnes de 6 à 16 ans ayant déjà eu une dengue", "place dans la stratégie vaccinale"),
    _q(CHIPS, "How many more countries need a licence for AI chips under the BIS rules?", "to cover 43 additional countries", "Commerce Strengthens Restrictions"),
    _q(CHIPS, "When will Nvidia start selling the H20 in China?", "to ship to Chinese customers in the second quarter", "Nvidia readies H20 chip for China"),
    _q(CHIPS, "How much gallium did China export in December?", "recovering to 9.2 tonnes in December", "China’s gallium exports rebound"),
    _q(CHIPS, "Who makes Huawei's Kirin 9000S and on what process?", "made by SMIC on a 7-nanometre process", "Kirin 9000S teardown report"),
    _q(ECB, "À combien la BCE a-t-elle ramené son taux de dépôt en juin ?", "le taux de la facilité de dépôt passant à 3,75 %", "Décisions de politique monétaire"),
    _q(ECB, "Quelle inflation la BCE prévoit-elle pour 2024 ?", "la prévision d’inflation pour 2024 à 2,5 %", "relève ses prévisions d’inflation"),
    _q(ECB, "Qui a voté contre la baisse des taux au Conseil des gouverneurs ?", "Robert Holzmann a été le seul à voter contre", None),
    _q(ECB, "De combien la production de crédit immobilier a-t-elle reculé en 2023 ?", "dont la production a chuté de 40 % en 2023", None),
    _q(PORT_RANSOMWARE, "How long were the truck gates at the Gdańsk terminal closed?", "halted its truck gates for 41 hours", "Cyberatak sparaliżował terminal"),
    _q(PORT_RANSOMWARE, "What ransom did Sarmat ask for?", "demanded 4.5 million dollars in bitcoin", "Sarmat ransomware gang claims"),
    _q(PORT_RANSOMWARE, "How did the attackers get into BGT's network?", "through an unpatched VPN appliance", "incident advisory 2024/017"),
    _q(PORT_RANSOMWARE, "How much data did the group leak?", "has published 12 gigabytes of HR files", None),
    _q(ARCTIC, "Quand le Groenland a-t-il publié sa stratégie de politique étrangère ?", "a publié le 3 septembre sa première stratégie", "Nothing about us without us"),
    _q(ARCTIC, "Quelles réserves de terres rares pour le gisement de Tanbreez ?", "4,7 millions de tonnes d'oxydes de terres rares", "la course aux terres rares"),
    _q(ARCTIC, "Combien de navires chinois ont emprunté la route maritime du Nord en 2023 ?", "a vu transiter 38 navires chinois en 2023", "Record Chinese traffic"),
    _q(ARCTIC, "Quel budget le Danemark consacre-t-il à l'Arctique ?", "un plan de 14,6 milliards de couronnes", "accord sur l'Arctique et l'Atlantique Nord"),
    _q(H5N1, "How many dairy herds have tested positive for bird flu?", "confirmed in 36 dairy herds across nine US states", "Detections of HPAI in livestock"),
    _q(H5N1, "What share of retail milk samples contained H5N1 fragments?", "in about one in five retail milk samples", "Updates on Highly Pathogenic Avian Influenza"),
    _q(H5N1, "Which H5N1 genotype was found in the cows?", "The genotype B3.13 found in cattle", "summary of genetic analyses of H5N1"),
    _q(H5N1, "Since when must lactating cows be tested before moving between states?", "a negative test before lactating cows cross state lines", None),
    _q(NUCLEAR, "Quand l'ASN a-t-elle autorisé la mise en service de Flamanville 3 ?", "a reçu le 7 mai l'autorisation de mise en service", "autorisant la mise en service de Flamanville 3"),
    _q(NUCLEAR, "Où seront construits les deux premiers EPR2 ?", "les deux premiers à Penly (Seine-Maritime)", "dossier de presse Penly"),
    _q(NUCLEAR, "Combien coûteront les six EPR2 selon le dernier devis d'EDF ?", "a été réévalué à 67,4 milliards d'euros", "la facture des six EPR2"),
    _q(NUCLEAR, "Quelle puissance pour le microréacteur de Jimmy Energy ?", "microréacteur à haute température de 10 MW", None),
    _q(ARGENTINA, "What was Argentina's monthly inflation rate in March?", "slowed to 11.0% in March from 25.5% in December", "Indice de precios al consumidor"),
    _q(ARGENTINA, "How many dollars has the central bank bought since the devaluation?", "has bought more than 17 billion dollars", "extends dollar-buying streak"),
    _q(ARGENTINA, "How much did the IMF release after the seventh review?", "releasing 4.7 billion dollars", "completes seventh review"),
    _q(ARGENTINA, "How far have real wages fallen in Argentina?", "Real wages fell by about 18%", None),
    _q(GULF_OF_GUINEA, "Combien d'actes de piraterie dans le golfe de Guinée en 2023 ?", "a recensé 22 incidents de piraterie", "rapport annuel sur la piraterie 2023"),
    _q(GULF_OF_GUINEA, "Combien de marins du Bonny Star ont été enlevés ?", "six marins ont été enlevés", "Bonny Star boarded off Bioko"),
    _q(GULF_OF_GUINEA, "Quel montant de rançons a été payé en 2023 ?", "atteindraient au total 4 millions de dollars", "les assureurs inquiets"),
    _q(GULF_OF_GUINEA, "À qui les armateurs doivent-ils signaler un contact suspect ?", "au centre MDAT-GoG de Brest", "avis aux navigateurs"),
    _q(RED_SEA, "How much Asia-Europe traffic did the Red Sea cable cuts disrupt?", "disrupting about 25% of data traffic", "HGC Global Communications, press statement"),
    _q(RED_SEA, "What is thought to have cut the cables?", "caused by the anchor of the Rubymar", "Sunken ship's anchor"),
    _q(RED_SEA, "When will Seacom's cable be repaired?", "to be restored by late May at the earliest", "customer notice on the Red Sea outage"),
]  # fmt: skip


def write_documents(folder: Path) -> list[str]:
    """Write the Word and PDF briefings into `folder` (created if need be); their file names."""
    folder.mkdir(parents=True, exist_ok=True)
    for doc in DOCUMENTS:
        data = build_docx(doc) if doc.name.endswith(".docx") else build_pdf(doc)
        (folder / doc.name).write_bytes(data)
    return [doc.name for doc in DOCUMENTS]


def _note_order(doc: Document) -> list[str]:
    """Note keys in the order the body first cites them."""
    keys = [m[1] for block in doc.blocks for m in _MARKER.finditer(block.text)]
    unknown = sorted(set(keys) - set(doc.notes))
    if unknown:
        raise ValueError(f"{doc.name}: markers to no note: {unknown}")
    return list(dict.fromkeys(keys))


# --- Word -------------------------------------------------------------------------------------

_STYLES = {"title": "Title", "h1": "Heading 1", "h2": "Heading 2", "li": "List Bullet"}


def _write_runs(paragraph: Any, text: str, ids: dict[str, tuple[NoteKind, int]]) -> None:
    """The text as runs, each `[^key]` as a superscript note reference run where it stands."""
    from docx.oxml import parse_xml

    pos = 0
    for m in _MARKER.finditer(text):
        if m.start() > pos:
            paragraph.add_run(text[pos : m.start()])
        kind, ident = ids[m[1]]
        paragraph._p.append(
            parse_xml(
                f'<w:r xmlns:w="{W}"><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                f'<w:{kind}Reference w:id="{ident}"/></w:r>'
            )
        )
        pos = m.end()
    if pos < len(text):
        paragraph.add_run(text[pos:])


def build_docx(doc: Document) -> bytes:
    """The briefing as a Word file, its notes as real footnotes and endnotes."""
    import docx

    ids: dict[str, tuple[NoteKind, int]] = {}
    parts: dict[NoteKind, list[tuple[int, str]]] = {"footnote": [], "endnote": []}
    for key in _note_order(doc):
        kind, text = doc.notes[key]
        parts[kind].append((len(parts[kind]) + 1, text))
        ids[key] = (kind, len(parts[kind]))

    d = docx.Document()
    for block in doc.blocks:
        if block.kind == "table":
            table = d.add_table(rows=len(block.rows), cols=len(block.rows[0]), style="Table Grid")
            for row, values in zip(table.rows, block.rows, strict=True):
                for cell, value in zip(row.cells, values, strict=True):
                    cell.text = value
            continue
        if block.kind == "page":
            d.add_page_break()
            continue
        paragraph = d.add_paragraph(style=_STYLES.get(block.kind))
        _write_runs(paragraph, block.text, ids)
    for kind, notes in parts.items():
        if notes:
            add_notes(d, kind, notes)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


# --- PDF --------------------------------------------------------------------------------------

_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
LATIN1_FOLD = str.maketrans(
    {"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "œ": "oe", "•": "-", "−": "-"}
)
_BODY_SIZE = 10.5
_LINE = 5.5  # mm between the baselines of a paragraph's lines
_NOTE_SIZE = 8
_NOTE_LINE = 4
_LEFT = 20
_PAGE_BOTTOM = 280  # mm: the notes end above the page number


def _use_font(pdf: Any, doc: Document) -> tuple[str, bool]:
    """The font family to set the PDF in, and whether its text must be folded to Latin-1."""
    regular, bold = _DEJAVU / "DejaVuSans.ttf", _DEJAVU / "DejaVuSans-Bold.ttf"
    if doc.font == "dejavu" and regular.exists() and bold.exists():
        pdf.add_font("DejaVu", "", str(regular))
        pdf.add_font("DejaVu", "B", str(bold))
        return "DejaVu", False
    return "Helvetica", True


def _pages(doc: Document) -> list[list[Block]]:
    pages: list[list[Block]] = [[]]
    for block in doc.blocks:
        if block.kind == "page":
            pages.append([])
        else:
            pages[-1].append(block)
    return pages


def build_pdf(doc: Document) -> bytes:
    """The briefing as an A4 PDF: running header and page number, superscript markers, and each
    note at the bottom of the page that first cites it."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(_LEFT, 20, _LEFT)
    family, latin1 = _use_font(pdf, doc)

    def fold(text: str) -> str:
        return text.translate(LATIN1_FOLD) if latin1 else text

    numbers = {key: n for n, key in enumerate(_note_order(doc), start=1)}
    pages = _pages(doc)
    placed: set[str] = set()
    for page_number, blocks in enumerate(pages, start=1):
        pdf.add_page()
        pdf.set_font(family, size=8)
        pdf.set_xy(_LEFT, 10)
        pdf.cell(0, 5, fold(doc.header))
        pdf.set_xy(_LEFT, 285)
        pdf.cell(0, 5, doc.page_label.format(page=page_number, pages=len(pages)), align="C")
        pdf.set_xy(_LEFT, 22)
        for block in blocks:
            _write_block(pdf, block, family, fold, numbers, doc.bullet)
        if pdf.get_y() > _PAGE_BOTTOM:
            raise ValueError(f"{doc.name}: page {page_number} runs past the bottom of the page")
        cited = [m[1] for block in blocks for m in _MARKER.finditer(block.text)]
        first_cited_here = [key for key in dict.fromkeys(cited) if key not in placed]
        placed.update(first_cited_here)
        notes = [(numbers[key], fold(doc.notes[key][1])) for key in first_cited_here]
        _write_notes(pdf, doc, notes, family, pdf.get_y())
    return bytes(pdf.output())


def _write_block(
    pdf: Any, block: Block, family: str, fold: Callable[[str], str], numbers: dict[str, int], bullet: str
) -> None:
    if block.kind == "title":
        pdf.set_font(family, "B", 16)
        pdf.multi_cell(0, 8, fold(block.text))
        pdf.ln(2)
        return
    if block.kind in ("h1", "h2"):
        pdf.ln(2)
        pdf.set_font(family, "B", 13 if block.kind == "h1" else 12)
        pdf.multi_cell(0, 7, fold(block.text))
        pdf.ln(1)
        return
    if block.kind == "date":
        pdf.set_font(family, size=9)
        pdf.multi_cell(0, 5, fold(block.text))
        pdf.ln(3)
        return
    pdf.set_font(family, size=_BODY_SIZE)
    if block.kind == "li":
        pdf.set_x(_LEFT + 2)
        pdf.write(_LINE, fold(bullet))
        pdf.set_left_margin(_LEFT + 7)
        pdf.set_x(_LEFT + 7)
    pos = 0
    for m in _MARKER.finditer(block.text):
        pdf.write(_LINE, fold(block.text[pos : m.start()]))
        pdf.char_vpos = "SUP"
        pdf.write(_LINE, str(numbers[m[1]]))
        pdf.char_vpos = "LINE"
        pos = m.end()
    pdf.write(_LINE, fold(block.text[pos:]))
    pdf.set_left_margin(_LEFT)
    pdf.ln(_LINE + (2 if block.kind == "li" else 3.5))


def _write_notes(pdf: Any, doc: Document, notes: list[tuple[int, str]], family: str, body_end: float) -> None:
    """The page's notes in a smaller font, set up from the page number, under a short rule."""
    if not notes:
        return
    pdf.set_font(family, size=_NOTE_SIZE)
    heights = [
        len(pdf.multi_cell(170, _NOTE_LINE, f"{n}. {text}", dry_run=True, output="LINES"))
        for n, text in notes
    ]
    top = _PAGE_BOTTOM - _NOTE_LINE * sum(heights)
    if top - 4 < body_end:
        raise ValueError(f"{doc.name}: page {pdf.page} has no room left for its notes")
    pdf.line(_LEFT, top - 2, _LEFT + 50, top - 2)
    pdf.set_xy(_LEFT, top)
    for n, text in notes:
        pdf.set_x(_LEFT)
        if doc.note_number == "superscript":
            pdf.char_vpos = "SUP"
            pdf.write(_NOTE_LINE, str(n))
            pdf.char_vpos = "LINE"
            pdf.write(_NOTE_LINE, f" {text}")
        else:
            pdf.write(_NOTE_LINE, f"{n}{'.' if doc.note_number == 'dotted' else ''} {text}")
        pdf.ln(_NOTE_LINE)
