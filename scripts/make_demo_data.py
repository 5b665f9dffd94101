"""Make the demo directory: a fictional territory's professionals and establishments, as data files.

Seeded, so the same arguments always give the same files. Every name is made up from syllables (no real
person's name); streets and districts are the territory's real ones; phone numbers are in a range we do not
call. The committed demo is ``--count 400 --seed 2026``; benchmarks use the same command with 10,000 or 100,000.

A few professionals practise at two sites (``SECOND_SITES``), so that the demo has pages and bookings where the
patient chooses the place. Their second site is added once everyone is made, from a random stream of its own: the
seed makes everyone else exactly as it would without them.

    python scripts/make_demo_data.py --count 400 --seed 2026 --out content/directory
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DIRECTORY = ROOT / "content" / "directory"
# Italian, Spanish and Russian for the establishments' texts, by their French text: added after French and English, so
# that the seeded draws stay what they were.
DESCRIPTIONS: dict[str, dict[str, str]] = {
    "Centre de santé de quartier.": {
        "it": "Centro medico di quartiere.",
        "es": "Centro de salud de barrio.",
        "ru": "Районный медицинский центр.",
    },
    "Clinique privée : consultations spécialisées et chirurgie.": {
        "it": "Clinica privata: visite specialistiche e chirurgia.",
        "es": "Clínica privada: consultas de especialidades y cirugía.",
        "ru": "Частная клиника: консультации специалистов и хирургия.",
    },
    "Hôpital public de la Principauté : urgences 24 h/24, consultations et hospitalisation.": {
        "it": "L'ospedale pubblico del Principato: pronto soccorso 24 ore su 24, ambulatori e ricoveri.",
        "es": "El hospital público del Principado: urgencias las 24 horas, consultas externas y hospitalización.",
        "ru": "Государственная больница Княжества: круглосуточное приёмное отделение, амбулаторный приём и стационар.",
    },
    "Centre d'imagerie : radiographie, échographie, scanner.": {
        "it": "Centro di diagnostica per immagini: radiografia, ecografia, TAC.",
        "es": "Centro de diagnóstico por imagen: radiografía, ecografía, TAC.",
        "ru": "Центр лучевой диагностики: рентгенография, УЗИ, КТ.",
    },
    "Laboratoire de biologie médicale : prises de sang et analyses.": {
        "it": "Laboratorio di analisi: prelievi di sangue e analisi.",
        "es": "Laboratorio de análisis clínicos: extracciones de sangre y análisis.",
        "ru": "Медицинская лаборатория: забор крови и анализы.",
    },
    "Pharmacie d'officine.": {"it": "Farmacia.", "es": "Oficina de farmacia.", "ru": "Аптека."},
    "Établissement d'hébergement pour personnes âgées.": {
        "it": "Residenza per anziani.",
        "es": "Residencia de mayores.",
        "ru": "Дом престарелых.",
    },
}
DEPARTMENTS: dict[str, dict[str, str]] = {
    "Médecine générale": {"it": "Medicina generale", "es": "Medicina general", "ru": "Общая врачебная практика"},
    "Soins infirmiers": {"it": "Assistenza infermieristica", "es": "Enfermería", "ru": "Сестринский уход"},
    "Orthopédie": {"it": "Ortopedia", "es": "Traumatología y ortopedia", "ru": "Травматология и ортопедия"},
    "Médecine du sport": {"it": "Medicina dello sport", "es": "Medicina deportiva", "ru": "Спортивная медицина"},
    "Urgences": {"it": "Pronto soccorso", "es": "Urgencias", "ru": "Приёмное отделение"},
    "Cardiologie": {"it": "Cardiologia", "es": "Cardiología", "ru": "Кардиология"},
    "Pédiatrie": {"it": "Pediatria", "es": "Pediatría", "ru": "Педиатрия"},
    "Maternité": {"it": "Maternità", "es": "Maternidad", "ru": "Родильное отделение"},
    "Imagerie médicale": {
        "it": "Diagnostica per immagini",
        "es": "Diagnóstico por imagen",
        "ru": "Лучевая диагностика",
    },
    "Chirurgie": {"it": "Chirurgia", "es": "Cirugía", "ru": "Хирургия"},
    "Gériatrie": {"it": "Geriatria", "es": "Geriatría", "ru": "Гериатрия"},
    "Anesthésie": {"it": "Anestesia", "es": "Anestesiología", "ru": "Анестезиология"},
}

GIVEN = [
    "Camille",
    "Lucas",
    "Léa",
    "Hugo",
    "Chloé",
    "Louis",
    "Manon",
    "Jules",
    "Sarah",
    "Adam",
    "Inès",
    "Nathan",
    "Alice",
    "Enzo",
    "Julia",
    "Paul",
    "Eva",
    "Marco",
    "Giulia",
    "Luca",
    "Sofia",
    "Matteo",
    "Anna",
    "Pierre",
    "Claire",
    "Thomas",
    "Laura",
    "Antoine",
    "Elena",
    "Victor",
    "Marie",
    "Nicolas",
    "Emma",
    "Olivier",
    "Lina",
    "Raphaël",
    "Zoé",
    "Gabriel",
    "Charlotte",
    "Arthur",
    "Isabelle",
    "Stéphane",
    "Hélène",
    "Bruno",
    "Sophie",
]
# The title each given name takes in French and English ("Mme Léa", never "M. Léa"); a name missing here (Camille
# is given to both) takes either.
TITLE_OF_GIVEN = {
    **dict.fromkeys(
        [
            *["Lucas", "Hugo", "Louis", "Jules", "Adam", "Nathan", "Enzo", "Paul", "Marco", "Luca", "Matteo", "Pierre"],
            *["Thomas", "Antoine", "Victor", "Nicolas", "Olivier", "Raphaël", "Gabriel", "Arthur", "Stéphane", "Bruno"],
        ],
        "mr",
    ),
    **dict.fromkeys(
        [
            *["Léa", "Chloé", "Manon", "Sarah", "Inès", "Alice", "Julia", "Eva", "Giulia", "Sofia", "Anna", "Claire"],
            *["Laura", "Elena", "Marie", "Emma", "Lina", "Zoé", "Charlotte", "Isabelle", "Hélène", "Sophie"],
        ],
        "ms",
    ),
}
FAMILY_START = [
    "Bel",
    "Cor",
    "Dal",
    "Fer",
    "Gar",
    "Lan",
    "Mar",
    "Ner",
    "Pal",
    "Ros",
    "Sal",
    "Ver",
    "Tor",
    "Cas",
    "Mon",
    "Riv",
    "Gen",
    "Lor",
    "Ame",
    "Bru",
    "Fio",
    "Lav",
    "Orz",
    "Tes",
    "Vig",
    "Zan",
]
FAMILY_MIDDLE = ["", "a", "e", "i", "o", "an", "el", "ur"]
FAMILY_END = [
    "dini",
    "relli",
    "zetti",
    "naud",
    "mont",
    "lard",
    "vieri",
    "sio",
    "gnac",
    "tier",
    "baldi",
    "rani",
    "ssard",
    "lleau",
    "quin",
    "bert",
    "vaz",
    "casse",
    "grain",
    "doux",
]
LANGUAGE_POOL = ["en", "it", "de", "es", "pt", "ru", "ar", "nl"]
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]

# The reasons' labels, the instructions and the biography in the portal's other languages, written as a practice
# there would (Italian and Spanish in the formal register, Russian as clinics in Monaco and Nice word them); a label
# missing here stops the script (KeyError) rather than leaving a Russian page in French.
REASON_LABELS = {
    "Consultation": {"it": "Visita", "es": "Consulta", "ru": "Консультация"},
    "Première consultation": {"it": "Prima visita", "es": "Primera consulta", "ru": "Первичный приём"},
    "Consultation de suivi": {"it": "Visita di controllo", "es": "Consulta de seguimiento", "ru": "Повторный приём"},
    "Vaccination": {"it": "Vaccinazione", "es": "Vacunación", "ru": "Вакцинация"},
    "Certificat de sport": {
        "it": "Certificato medico sportivo",
        "es": "Certificado médico deportivo",
        "ru": "Справка для занятий спортом",
    },
    "Visite à domicile": {"it": "Visita a domicilio", "es": "Visita a domicilio", "ru": "Вызов врача на дом"},
    "Vaccination de l'enfant": {
        "it": "Vaccinazione del bambino",
        "es": "Vacunación infantil",
        "ru": "Вакцинация ребёнка",
    },
    "Suivi de grossesse": {
        "it": "Controllo della gravidanza",
        "es": "Control del embarazo",
        "ru": "Ведение беременности",
    },
    "Examen de la vue": {"it": "Esame della vista", "es": "Revisión de la vista", "ru": "Проверка зрения"},
    "Contrôle des grains de beauté": {"it": "Controllo dei nei", "es": "Revisión de lunares", "ru": "Осмотр родинок"},
    "Radiographie": {"it": "Radiografia", "es": "Radiografía", "ru": "Рентгенография"},
    "Échographie": {"it": "Ecografia", "es": "Ecografía", "ru": "УЗИ"},
    "Électrocardiogramme": {"it": "Elettrocardiogramma", "es": "Electrocardiograma", "ru": "ЭКГ"},
    "Consultation pré-anesthésique": {
        "it": "Visita anestesiologica preoperatoria",
        "es": "Consulta preanestésica",
        "ru": "Консультация анестезиолога перед операцией",
    },
    "Bilan dentaire": {"it": "Controllo dentistico", "es": "Revisión dental", "ru": "Стоматологический осмотр"},
    "Détartrage": {"it": "Pulizia dei denti", "es": "Limpieza dental", "ru": "Снятие зубного камня"},
    "Urgence dentaire": {"it": "Urgenza dentistica", "es": "Urgencia dental", "ru": "Острая зубная боль"},
    "Bilan": {"it": "Valutazione iniziale", "es": "Valoración inicial", "ru": "Первичное обследование"},
    "Séance": {"it": "Seduta", "es": "Sesión", "ru": "Сеанс"},
    "Injection": {"it": "Iniezione", "es": "Inyección", "ru": "Инъекция"},
    "Pansement": {"it": "Medicazione", "es": "Cura de heridas", "ru": "Перевязка"},
    "Prise de sang": {"it": "Prelievo di sangue", "es": "Extracción de sangre", "ru": "Забор крови"},
    "Consultation prénatale": {"it": "Visita prenatale", "es": "Consulta prenatal", "ru": "Дородовая консультация"},
    "Suivi postnatal": {"it": "Controllo post-parto", "es": "Control posparto", "ru": "Послеродовое наблюдение"},
    "Rééducation périnéale": {
        "it": "Riabilitazione del pavimento pelvico",
        "es": "Rehabilitación del suelo pélvico",
        "ru": "Восстановление мышц тазового дна",
    },
    "Premier entretien": {"it": "Primo colloquio", "es": "Primera entrevista", "ru": "Первая встреча"},
    "Bilan orthoptique": {
        "it": "Valutazione ortottica",
        "es": "Evaluación ortóptica",
        "ru": "Ортоптическое обследование",
    },
    "Soins de pédicurie": {"it": "Cura del piede", "es": "Quiropodia", "ru": "Медицинский педикюр"},
    "Semelles orthopédiques": {
        "it": "Plantari ortopedici",
        "es": "Plantillas ortopédicas",
        "ru": "Ортопедические стельки",
    },
    "Premier bilan": {"it": "Prima valutazione", "es": "Primera valoración", "ru": "Первичное обследование"},
    "Suivi": {"it": "Controllo", "es": "Seguimiento", "ru": "Повторный приём"},
}
INSTRUCTIONS = {
    "fr": "Apportez votre carte d'assuré social et vos derniers résultats.",
    "en": "Bring your health insurance card and your latest results.",
    "it": "Portare la tessera sanitaria e i referti più recenti.",
    "es": "Traiga su tarjeta sanitaria y sus últimos resultados.",
    "ru": "Возьмите с собой медицинский полис и результаты последних обследований.",
}
# "<field>. Consultations in <languages>." in each language, and the languages' names as that sentence takes them.
BIOGRAPHY = {
    "fr": "{field}. Consultations en {spoken}.",
    "en": "{field}. Consultations in {spoken}.",
    "it": "{field}. Visite in {spoken}.",
    "es": "{field}. Consultas en {spoken}.",
    "ru": "{field}. Приём на языках: {spoken}.",
}
SPOKEN = {
    "fr": {
        "fr": "français",
        "en": "anglais",
        "it": "italien",
        "de": "allemand",
        "es": "espagnol",
        "pt": "portugais",
        "ru": "russe",
        "ar": "arabe",
        "nl": "néerlandais",
    },
    "en": {
        "fr": "French",
        "en": "English",
        "it": "Italian",
        "de": "German",
        "es": "Spanish",
        "pt": "Portuguese",
        "ru": "Russian",
        "ar": "Arabic",
        "nl": "Dutch",
    },
    "it": {
        "fr": "francese",
        "en": "inglese",
        "it": "italiano",
        "de": "tedesco",
        "es": "spagnolo",
        "pt": "portoghese",
        "ru": "russo",
        "ar": "arabo",
        "nl": "olandese",
    },
    "es": {
        "fr": "francés",
        "en": "inglés",
        "it": "italiano",
        "de": "alemán",
        "es": "español",
        "pt": "portugués",
        "ru": "ruso",
        "ar": "árabe",
        "nl": "neerlandés",
    },
    "ru": {
        "fr": "французский",
        "en": "английский",
        "it": "итальянский",
        "de": "немецкий",
        "es": "испанский",
        "pt": "португальский",
        "ru": "русский",
        "ar": "арабский",
        "nl": "нидерландский",
    },
}

# profession or specialty -> (how many in 400, [(reason id, fr, en, minutes, new, existing, online)])
CONSULT = ("consultation", "Consultation", "Consultation", 20, True, True, True)
FIRST = ("first-visit", "Première consultation", "First visit", 30, True, False, True)
FOLLOW = ("follow-up", "Consultation de suivi", "Follow-up visit", 20, False, True, True)
MIX: list[tuple[str, str, int, list[tuple[str, str, str, int, bool, bool, bool]]]] = [
    (
        "physician",
        "general-practice",
        48,
        [
            CONSULT,
            FIRST,
            ("vaccination", "Vaccination", "Vaccination", 15, True, True, True),
            ("sports-certificate", "Certificat de sport", "Sports certificate", 15, True, True, True),
            ("home-visit", "Visite à domicile", "Home visit", 40, False, True, False),
        ],
    ),
    (
        "physician",
        "paediatrics",
        14,
        [FIRST, FOLLOW, ("child-vaccination", "Vaccination de l'enfant", "Child vaccination", 15, True, True, True)],
    ),
    (
        "physician",
        "gynaecology-obstetrics",
        12,
        [FIRST, FOLLOW, ("pregnancy-follow-up", "Suivi de grossesse", "Pregnancy follow-up", 30, True, True, True)],
    ),
    (
        "physician",
        "ophthalmology",
        10,
        [FIRST, FOLLOW, ("eye-exam", "Examen de la vue", "Eye examination", 30, True, True, True)],
    ),
    (
        "physician",
        "cardiology",
        9,
        [FIRST, FOLLOW, ("ecg", "Électrocardiogramme", "Electrocardiogram", 30, True, True, True)],
    ),
    (
        "physician",
        "dermatology",
        9,
        [FIRST, FOLLOW, ("mole-check", "Contrôle des grains de beauté", "Mole check", 20, True, True, True)],
    ),
    ("physician", "ent", 6, [FIRST, FOLLOW]),
    (
        "physician",
        "psychiatry",
        7,
        [("first-visit", "Première consultation", "First visit", 45, True, False, True), FOLLOW],
    ),
    ("physician", "rheumatology", 5, [FIRST, FOLLOW]),
    ("physician", "gastroenterology", 5, [FIRST, FOLLOW]),
    ("physician", "endocrinology", 4, [FIRST, FOLLOW]),
    ("physician", "pulmonology", 4, [FIRST, FOLLOW]),
    ("physician", "neurology", 4, [FIRST, FOLLOW]),
    (
        "physician",
        "radiology",
        6,
        [
            ("x-ray", "Radiographie", "X-ray", 15, True, True, True),
            ("ultrasound", "Échographie", "Ultrasound scan", 30, True, True, True),
        ],
    ),
    ("physician", "orthopaedic-surgery", 5, [FIRST, FOLLOW]),
    ("physician", "urology", 4, [FIRST, FOLLOW]),
    ("physician", "geriatrics", 4, [FIRST, FOLLOW]),
    ("physician", "allergology", 3, [FIRST, FOLLOW]),
    ("physician", "sports-medicine", 4, [FIRST, FOLLOW]),
    (
        "physician",
        "anaesthesiology",
        6,
        [("pre-op", "Consultation pré-anesthésique", "Pre-anaesthetic visit", 20, True, True, True)],
    ),
    ("physician", "emergency-medicine", 6, []),
    (
        "dentist",
        "general-dentistry",
        28,
        [
            ("check-up", "Bilan dentaire", "Dental check-up", 30, True, True, True),
            ("scaling", "Détartrage", "Scaling", 45, False, True, True),
            ("dental-emergency", "Urgence dentaire", "Dental emergency", 20, True, True, False),
        ],
    ),
    ("dentist", "orthodontics", 7, [FIRST, FOLLOW]),
    ("dentist", "paediatric-dentistry", 4, [FIRST, FOLLOW]),
    (
        "physiotherapist",
        "general-physiotherapy",
        30,
        [
            ("assessment", "Bilan", "Assessment", 45, True, False, True),
            ("session", "Séance", "Session", 30, False, True, True),
        ],
    ),
    (
        "physiotherapist",
        "sports-physiotherapy",
        8,
        [
            ("assessment", "Bilan", "Assessment", 45, True, False, True),
            ("session", "Séance", "Session", 30, False, True, True),
        ],
    ),
    ("physiotherapist", "respiratory-physiotherapy", 5, [("session", "Séance", "Session", 30, True, True, True)]),
    (
        "nurse",
        "home-nursing",
        40,
        [
            ("injection", "Injection", "Injection", 15, True, True, True),
            ("dressing", "Pansement", "Dressing", 20, True, True, True),
            ("blood-test", "Prise de sang", "Blood test", 15, True, True, True),
        ],
    ),
    (
        "midwife",
        "",
        12,
        [
            ("prenatal", "Consultation prénatale", "Antenatal visit", 30, True, True, True),
            ("postnatal", "Suivi postnatal", "Postnatal visit", 45, True, True, True),
            ("perineal-rehab", "Rééducation périnéale", "Pelvic floor therapy", 30, True, True, True),
        ],
    ),
    (
        "psychologist",
        "clinical-psychology",
        14,
        [
            ("first-visit", "Premier entretien", "First session", 60, True, False, True),
            ("session", "Séance", "Session", 45, False, True, True),
        ],
    ),
    (
        "psychologist",
        "child-psychology",
        5,
        [
            ("first-visit", "Premier entretien", "First session", 60, True, False, True),
            ("session", "Séance", "Session", 45, False, True, True),
        ],
    ),
    (
        "speech-therapist",
        "",
        9,
        [
            ("assessment", "Bilan", "Assessment", 60, True, False, True),
            ("session", "Séance", "Session", 30, False, True, True),
        ],
    ),
    ("orthoptist", "", 4, [("assessment", "Bilan orthoptique", "Orthoptic assessment", 30, True, True, True)]),
    (
        "podiatrist",
        "",
        6,
        [
            ("foot-care", "Soins de pédicurie", "Foot care", 30, True, True, True),
            ("insoles", "Semelles orthopédiques", "Orthotic insoles", 45, True, True, True),
        ],
    ),
    (
        "dietitian",
        "",
        5,
        [
            ("first-visit", "Premier bilan", "First assessment", 45, True, False, True),
            ("follow-up", "Suivi", "Follow-up", 30, False, True, True),
        ],
    ),
    ("osteopath", "", 8, [("session", "Séance", "Session", 45, True, True, True)]),
    ("pharmacist", "", 16, []),
    ("medical-biologist", "", 6, []),
]

ESTABLISHMENTS: list[dict[str, Any]] = [
    {
        "id": "hopital-de-la-principaute",
        "name": "Hôpital de la Principauté",
        "kind": "hospital",
        "place": "moneghetti",
        "street": "avenue Pasteur",
        "emergency": True,
        "departments": [
            ("emergency", "Urgences", "Emergency department"),
            ("cardiology", "Cardiologie", "Cardiology"),
            ("paediatrics", "Pédiatrie", "Paediatrics"),
            ("maternity", "Maternité", "Maternity"),
            ("imaging", "Imagerie médicale", "Medical imaging"),
            ("surgery", "Chirurgie", "Surgery"),
            ("geriatrics", "Gériatrie", "Geriatrics"),
            ("anaesthesia", "Anesthésie", "Anaesthesia"),
        ],
    },
    {
        "id": "clinique-des-citronniers",
        "name": "Clinique des Citronniers",
        "kind": "clinic",
        "place": "monte-carlo",
        "street": "avenue des Citronniers",
        "departments": [
            ("orthopaedics", "Orthopédie", "Orthopaedics"),
            ("sports", "Médecine du sport", "Sports medicine"),
        ],
    },
    {
        "id": "institut-cardiologique-du-larvotto",
        "name": "Institut cardiologique du Larvotto",
        "kind": "clinic",
        "place": "larvotto",
        "street": "avenue Princesse Grace",
        "departments": [("cardiology", "Cardiologie", "Cardiology")],
    },
    {
        "id": "centre-de-sante-de-fontvieille",
        "name": "Centre de santé de Fontvieille",
        "kind": "health-centre",
        "place": "fontvieille",
        "street": "avenue Albert II",
        "departments": [
            ("general-practice", "Médecine générale", "General practice"),
            ("nursing", "Soins infirmiers", "Nursing"),
        ],
    },
    {
        "id": "laboratoire-du-port",
        "name": "Laboratoire d'analyses du Port",
        "kind": "laboratory",
        "place": "la-condamine",
        "street": "boulevard Albert 1er",
    },
    {
        "id": "laboratoire-des-moulins",
        "name": "Laboratoire des Moulins",
        "kind": "laboratory",
        "place": "monte-carlo",
        "street": "boulevard des Moulins",
    },
    {
        "id": "imagerie-de-la-costa",
        "name": "Centre d'imagerie de la Costa",
        "kind": "radiology",
        "place": "monte-carlo",
        "street": "avenue de la Costa",
    },
    {
        "id": "radiologie-de-fontvieille",
        "name": "Radiologie de Fontvieille",
        "kind": "radiology",
        "place": "fontvieille",
        "street": "rue du Gabian",
    },
    {
        "id": "pharmacie-du-rocher",
        "name": "Pharmacie du Rocher",
        "kind": "pharmacy",
        "place": "monaco-ville",
        "street": "rue Basse",
    },
    {
        "id": "pharmacie-de-la-condamine",
        "name": "Pharmacie de la Condamine",
        "kind": "pharmacy",
        "place": "la-condamine",
        "street": "rue Grimaldi",
    },
    {
        "id": "pharmacie-des-moulins",
        "name": "Pharmacie des Moulins",
        "kind": "pharmacy",
        "place": "monte-carlo",
        "street": "boulevard des Moulins",
    },
    {
        "id": "pharmacie-du-jardin",
        "name": "Pharmacie du Jardin",
        "kind": "pharmacy",
        "place": "jardin-exotique",
        "street": "boulevard du Jardin Exotique",
    },
    {
        "id": "pharmacie-saint-roman",
        "name": "Pharmacie Saint-Roman",
        "kind": "pharmacy",
        "place": "la-rousse",
        "street": "boulevard d'Italie",
    },
    {
        "id": "residence-les-revoires",
        "name": "Résidence médicalisée des Révoires",
        "kind": "nursing-home",
        "place": "jardin-exotique",
        "street": "avenue Crovetto Frères",
        "departments": [("geriatrics", "Gériatrie", "Geriatrics")],
    },
]
# Where a hospital or clinic department employs professionals of a specialty.
DEPARTMENT_OF = {
    "emergency-medicine": ("hopital-de-la-principaute", "emergency"),
    "anaesthesiology": ("hopital-de-la-principaute", "anaesthesia"),
    "radiology": ("hopital-de-la-principaute", "imaging"),
    "cardiology": ("institut-cardiologique-du-larvotto", "cardiology"),
    "orthopaedic-surgery": ("clinique-des-citronniers", "orthopaedics"),
    "sports-medicine": ("clinique-des-citronniers", "sports"),
    "geriatrics": ("residence-les-revoires", "geriatrics"),
    "paediatrics": ("hopital-de-la-principaute", "paediatrics"),
}
# A second site for the last bookable professional of each specialty whose one site is a private practice: the
# department of an establishment (its id, the department's id), or None for a second practice elsewhere. The
# second site takes the last two weekdays of the practice's week (they leave the first site), morning and afternoon.
SECOND_SITES: list[tuple[str, str | None, str | None]] = [
    ("gynaecology-obstetrics", "hopital-de-la-principaute", "maternity"),
    ("general-practice", "centre-de-sante-de-fontvieille", "general-practice"),
    ("general-physiotherapy", None, None),
]
KIND_LABEL = {
    "hospital": (
        "Hôpital public de la Principauté : urgences 24 h/24, consultations et hospitalisation.",
        "The territory's public hospital: 24-hour emergencies, outpatient clinics and wards.",
    ),
    "clinic": (
        "Clinique privée : consultations spécialisées et chirurgie.",
        "Private clinic: specialist clinics and surgery.",
    ),
    "health-centre": ("Centre de santé de quartier.", "Neighbourhood health centre."),
    "laboratory": (
        "Laboratoire de biologie médicale : prises de sang et analyses.",
        "Medical laboratory: blood tests and analyses.",
    ),
    "radiology": (
        "Centre d'imagerie : radiographie, échographie, scanner.",
        "Imaging centre: X-ray, ultrasound, CT scan.",
    ),
    "pharmacy": ("Pharmacie d'officine.", "Community pharmacy."),
    "nursing-home": ("Établissement d'hébergement pour personnes âgées.", "Residential care home for older people."),
}


def title(given: str, rng: random.Random) -> str:
    """``mr`` or ``ms`` as the given name is a man's or a woman's. The draw is made whatever the name, as it always
    was, so that the seed makes every other value of every file as before."""
    drawn = rng.choice(["mr", "ms"])
    return TITLE_OF_GIVEN.get(given, drawn)


class Generator:
    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.places = json.loads((DIRECTORY / "places.json").read_text(encoding="utf-8"))["places"]
        self.place_by_code = {p["code"]: p for p in self.places}
        self.phones: set[str] = set()
        taxonomy = json.loads((DIRECTORY / "taxonomy.json").read_text(encoding="utf-8"))
        self.labels = {t["code"]: t["label"] for t in taxonomy["professions"] + taxonomy["specialties"]}

    def phone(self) -> str:
        while True:
            digits = self.rng.randrange(0, 10_000)
            number = f"+377 93 99 {digits // 100:02d} {digits % 100:02d}"
            if number not in self.phones or len(self.phones) >= 10_000:
                self.phones.add(number)
                return number

    def address(self, place_code: str | None = None, rng: random.Random | None = None) -> dict[str, Any]:
        rng = rng or self.rng
        place = self.place_by_code[place_code] if place_code else rng.choice(self.places)
        return {
            "address": f"{rng.randint(1, 48)} {rng.choice(place['streets'])}",
            "postal_code": place["postal_code"],
            "city": place["city"],
            "place": place["code"],
            "latitude": round(place["latitude"] + rng.uniform(-0.0015, 0.0015), 5),
            "longitude": round(place["longitude"] + rng.uniform(-0.0015, 0.0015), 5),
        }

    def establishments(self, count: int) -> list[dict[str, Any]]:
        records = []
        for i in range(count):
            base = ESTABLISHMENTS[i % len(ESTABLISHMENTS)]
            suffix = "" if i < len(ESTABLISHMENTS) else f"-{i // len(ESTABLISHMENTS) + 1}"
            fr, en = KIND_LABEL[base["kind"]]
            record: dict[str, Any] = {
                "$schema": "../schema/establishment.schema.json",
                "id": base["id"] + suffix,
                "name": base["name"] + (f" {i // len(ESTABLISHMENTS) + 1}" if suffix else ""),
                "kind": base["kind"],
                "description": {"fr": fr, "en": en, **DESCRIPTIONS.get(fr, {})},
                **self.address(base["place"]),
                "timezone": "Europe/Monaco",
                "phone": self.phone(),
                "email": f"contact@{base['id']}.example",
                "accessibility": sorted(
                    self.rng.sample(
                        [
                            "step-free",
                            "lift",
                            "accessible-toilet",
                            "accessible-parking",
                            "hearing-loop",
                            "public-transport",
                        ],
                        3,
                    )
                ),
            }
            record["address"] = f"{self.rng.randint(1, 40)} {base['street']}"
            if base.get("emergency"):
                record["emergency"] = True
                record["hours"] = [
                    {"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "start": "00:00", "end": "23:59"}
                ]
            elif base["kind"] == "pharmacy":
                record["hours"] = [{"days": [*WEEKDAYS, "sat"], "start": "08:30", "end": "19:30"}]
            else:
                record["hours"] = [{"days": WEEKDAYS, "start": "08:00", "end": "18:00"}]
            if base.get("departments"):
                record["departments"] = [
                    {"id": d, "name": {"fr": fr_, "en": en_, **DEPARTMENTS.get(fr_, {})}, "phone": self.phone()}
                    for d, fr_, en_ in base["departments"]
                ]
            records.append(record)
        return records

    def hours(self, reasons: list[dict[str, Any]]) -> list[dict[str, Any]]:
        online = [r["id"] for r in reasons] or []
        if not online:
            return []
        days = sorted(self.rng.sample(WEEKDAYS, self.rng.randint(3, 5)), key=WEEKDAYS.index)
        morning = {
            "days": days,
            "start": self.rng.choice(["08:00", "08:30", "09:00"]),
            "end": self.rng.choice(["12:00", "12:30"]),
            "reasons": online,
        }
        afternoon_days = [d for d in days if self.rng.random() < 0.7] or days[:1]
        newcomer_reasons = [r["id"] for r in reasons if r["new_patients"]] or online
        afternoon = {
            "days": afternoon_days,
            "start": self.rng.choice(["14:00", "14:30"]),
            "end": self.rng.choice(["17:30", "18:00", "19:00"]),
            "reasons": online if self.rng.random() < 0.6 else newcomer_reasons,
        }
        periods = [morning, afternoon]
        if self.rng.random() < 0.25:
            periods.append({"days": ["sat"], "start": "09:00", "end": "12:00", "reasons": online})
        return periods

    def practitioner(
        self, number: int, profession: str, specialty: str, templates: list[Any], establishments: list[dict[str, Any]]
    ) -> dict[str, Any]:
        rng = self.rng
        given = rng.choice(GIVEN)
        family = (rng.choice(FAMILY_START) + rng.choice(FAMILY_MIDDLE) + rng.choice(FAMILY_END)).capitalize()
        reasons = [
            {
                "id": rid,
                "label": {"fr": fr, "en": en, **REASON_LABELS[fr]},
                "duration_minutes": minutes,
                "new_patients": new,
                "existing_patients": existing,
                "online": online,
                **({"at_home": True} if rid == "home-visit" else {}),
                **({"instructions": dict(INSTRUCTIONS)} if new else {}),
            }
            for rid, fr, en, minutes, new, existing, online in templates
        ]
        bookable = bool(reasons) and rng.random() < 0.72
        site: dict[str, Any] = {"id": "main"}
        department = DEPARTMENT_OF.get(specialty)
        est_pool = [e for e in establishments if department and e["id"].startswith(department[0])]
        if profession == "pharmacist":
            est_pool = [e for e in establishments if e["kind"] == "pharmacy"]
        elif profession == "medical-biologist":
            est_pool = [e for e in establishments if e["kind"] == "laboratory"]
        if est_pool and (profession in ("pharmacist", "medical-biologist") or rng.random() < 0.6):
            est = rng.choice(est_pool)
            site.update({"name": est["name"], "establishment": est["id"]})
            if department and any(d["id"] == department[1] for d in est.get("departments", [])):
                site["department"] = department[1]
            site.update({k: est[k] for k in ("address", "postal_code", "city", "place", "latitude", "longitude")})
        else:
            site["name"] = "Cabinet" if profession != "nurse" else "Cabinet infirmier"
            site.update(self.address())
        site["timezone"] = "Europe/Monaco"
        site["accessibility"] = sorted(
            rng.sample(["step-free", "lift", "parking", "accessible-toilet", "public-transport"], rng.randint(1, 3))
        )
        site["hours"] = self.hours([r for r in reasons if r["online"]])
        languages = ["fr", *sorted(rng.sample(LANGUAGE_POOL, rng.choice([0, 1, 1, 2, 2, 3])))]
        convention = rng.choices(["agreed", "agreed-extra-fees", "not-agreed"], [70, 20, 10])[0]
        field = self.labels[specialty or profession]
        record: dict[str, Any] = {
            "$schema": "../schema/practitioner.schema.json",
            "id": f"pr-{number:06d}",
            "civility": "dr" if profession in ("physician", "dentist", "medical-biologist") else title(given, rng),
            "given_name": given,
            "family_name": family,
            "profession": profession,
            "specialties": [specialty] if specialty else [],
            "languages": languages,
            "phone": self.phone(),
            "accepting_new_patients": rng.random() < 0.8,
            "teleconsultation": profession in ("physician", "psychologist", "dietitian") and rng.random() < 0.35,
            "online_booking": bookable,
            "fees": {
                "convention": convention,
                **({"consultation_eur": rng.choice([25, 30, 35, 50, 60, 80])} if profession != "pharmacist" else {}),
            },
            "payment_methods": sorted(rng.sample(["card", "contactless", "cash", "cheque", "third-party-payment"], 3)),
            "biography": {
                lang: sentence.format(field=field[lang], spoken=", ".join(SPOKEN[lang][code] for code in languages))
                for lang, sentence in BIOGRAPHY.items()
            },
            "visit_reasons": reasons,
            "sites": [site],
            "booking_rules": {
                "min_notice_minutes": rng.choice([60, 120, 240, 1440]),
                "horizon_days": rng.choice([30, 60, 90]),
                "buffer_minutes": rng.choice([0, 0, 5, 10]),
                "max_future_per_patient": rng.choice([1, 2, 3]),
            },
        }
        return record

    def practitioners(self, count: int, establishments: list[dict[str, Any]]) -> list[dict[str, Any]]:
        weights = [n for _, _, n, _ in MIX]
        # Every kind appears at least once (round-robin first), then the territory's proportions.
        kinds = list(range(len(MIX)))[:count] + self.rng.choices(range(len(MIX)), weights, k=max(0, count - len(MIX)))
        return [self.practitioner(i + 1, MIX[k][0], MIX[k][1], MIX[k][3], establishments) for i, k in enumerate(kinds)]

    def add_second_sites(self, practitioners: list[dict[str, Any]], establishments: list[dict[str, Any]]) -> None:
        """Give the professionals chosen by ``SECOND_SITES`` their second site, in place (see the module's text)."""
        rng = random.Random(f"{self.seed}-second-sites")  # not self.rng: the other files stay as the seed made them
        by_id = {e["id"]: e for e in establishments}
        for specialty, establishment, department in SECOND_SITES:
            chosen = [
                p
                for p in practitioners
                if p["specialties"] == [specialty]
                and p["online_booking"]
                and len(p["sites"]) == 1
                and "establishment" not in p["sites"][0]
                and p["sites"][0]["hours"]
            ]
            if not chosen or (establishment and establishment not in by_id):
                continue
            p = chosen[-1]
            main = p["sites"][0]
            weekdays = {d for period in main["hours"] for d in period["days"] if d in WEEKDAYS}
            moved = sorted(weekdays, key=WEEKDAYS.index)[-2:]
            main["hours"] = [
                {**period, "days": [d for d in period["days"] if d not in moved]}
                for period in main["hours"]
                if any(d not in moved for d in period["days"])
            ]
            online = [r["id"] for r in p["visit_reasons"] if r["online"]]
            site: dict[str, Any]
            if establishment:
                est = by_id[establishment]
                site = {"id": est["kind"], "name": est["name"], "establishment": est["id"], "department": department}
                site.update({k: est[k] for k in ("address", "postal_code", "city", "place", "latitude", "longitude")})
                site["timezone"] = "Europe/Monaco"
                site["phone"] = next(d["phone"] for d in est["departments"] if d["id"] == department)
                site["accessibility"] = est["accessibility"]
            else:
                place = rng.choice([c for c in self.place_by_code if c != main["place"]])
                site = {"id": "second-practice", "name": main["name"], **self.address(place, rng)}
                site["timezone"] = "Europe/Monaco"
                site["accessibility"] = sorted(rng.sample(["step-free", "lift", "parking", "public-transport"], 2))
            site["hours"] = [
                {"days": moved, "start": "09:00", "end": "12:30", "reasons": online},
                {"days": moved, "start": "14:00", "end": "17:30", "reasons": online},
            ]
            p["sites"].append(site)


def write(records: list[dict[str, Any]], folder: Path) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for record in records:
        text = json.dumps(record, ensure_ascii=False, indent=2) + "\n"
        (folder / f"{record['id']}.json").write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=400, help="number of professionals")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=DIRECTORY, help="directory folder to write into")
    args = parser.parse_args(argv)
    gen = Generator(args.seed)
    establishments = gen.establishments(max(len(ESTABLISHMENTS), args.count // 30))
    practitioners = gen.practitioners(args.count, establishments)
    gen.add_second_sites(practitioners, establishments)
    write(establishments, args.out / "establishments")
    write(practitioners, args.out / "practitioners")
    if args.out.resolve() != DIRECTORY.resolve():
        for name in ("taxonomy.json", "places.json"):
            shutil.copy(DIRECTORY / name, args.out / name)
        shutil.copytree(DIRECTORY / "schema", args.out / "schema", dirs_exist_ok=True)
    print(f"{len(practitioners)} professionals and {len(establishments)} establishments in {args.out}")


if __name__ == "__main__":
    main()
