"""What each field of the open data means, in every site language (plugins.directory.dictionary reads it): the
JSON files' fields by path (``sites[].hours[].days``), and the CSV columns that mean more than the field they come
from (``csv:<column>``). A field or column missing here stops the build; a new language needs its text in each.
French texts carry their non-breaking spaces (\\u202f before ";"), as the catalogue does."""

from __future__ import annotations

# CSV columns that come from a field of another name (the others come from the field of the same name).
COLUMN_SOURCES = {
    "practitioner": {
        "convention": "fees.convention",
        "consultation_eur": "fees.consultation_eur",
        **{f"site_{name}": f"sites[].{name}" for name in ("id", "name")},
        **{name: f"sites[].{name}" for name in ("establishment", "department", "address", "postal_code", "city")},
        **{name: f"sites[].{name}" for name in ("place", "latitude", "longitude", "accessibility")},
        "biography_fr": "biography",
        "biography_en": "biography",
    },
    "establishment": {"departments": "departments[].id"},
}

SITE = {
    "sites[]": {
        "fr": "Les lieux d'exercice, au moins un (FHIR Location). Le CSV a une ligne par professionnel et par lieu.",
        "en": "Where they practise, at least one (FHIR Location). In the CSV, one row per professional and site.",
    },
    "sites[].id": {
        "fr": "Identifiant du lieu, unique pour ce professionnel\u202f; la prise de rendez-vous y renvoie.",
        "en": "The site's identifier, unique for this professional; bookings refer to it.",
    },
    "sites[].name": {
        "fr": "Nom du lieu, par exemple «\u202fCabinet\u202f» ou le nom de l'établissement.",
        "en": "The site's name, e.g. \u201cCabinet\u201d (practice) or the establishment's name.",
    },
    "sites[].establishment": {
        "fr": "Identifiant de l'établissement (fichier establishments) quand le lieu en est un.",
        "en": "Id of the establishment (establishments file) when the site is one.",
    },
    "sites[].department": {
        "fr": "Identifiant du service dans cet établissement.",
        "en": "Id of the department within that establishment.",
    },
    "sites[].address": {"fr": "Numéro et voie.", "en": "Street address."},
    "sites[].postal_code": {"fr": "Code postal.", "en": "Postal code."},
    "sites[].city": {"fr": "Commune.", "en": "City."},
    "sites[].place": {
        "fr": "Quartier, code de la liste des quartiers du site (places.json).",
        "en": "District, a code of the site's list of districts (places.json).",
    },
    "sites[].latitude": {"fr": "Latitude WGS 84, en degrés décimaux.", "en": "WGS 84 latitude, decimal degrees."},
    "sites[].longitude": {"fr": "Longitude WGS 84, en degrés décimaux.", "en": "WGS 84 longitude, decimal degrees."},
    "sites[].timezone": {
        "fr": "Fuseau horaire IANA du lieu, par exemple Europe/Monaco\u202f; les horaires sont à son heure.",
        "en": "The site's IANA time zone, e.g. Europe/Monaco; its hours are on that clock.",
    },
    "sites[].phone": {"fr": "Téléphone propre au lieu, s'il en a un.", "en": "The site's own phone, if it has one."},
    "sites[].accessibility": {
        "fr": "Accessibilité (accès de plain-pied, ascenseur, stationnement, stationnement adapté, toilettes "
        "adaptées, boucle magnétique, transports en commun).",
        "en": "Accessibility (step-free access, lift, parking, accessible parking, accessible toilet, hearing loop, "
        "public transport).",
    },
    "sites[].hours[]": {
        "fr": "Plages d'ouverture du lieu, chacune avec ses jours, ses heures et les motifs qu'elle accepte.",
        "en": "The site's opening periods, each with its days, times and the visit reasons it takes.",
    },
    "sites[].hours[].days": {"fr": "Jours de la semaine.", "en": "Days of the week."},
    "sites[].hours[].start": {"fr": "Début, HH:MM, heure du lieu.", "en": "Start, HH:MM, on the site's clock."},
    "sites[].hours[].end": {"fr": "Fin, HH:MM, heure du lieu.", "en": "End, HH:MM, on the site's clock."},
    "sites[].hours[].reasons": {
        "fr": "Identifiants des motifs de consultation acceptés sur cette plage.",
        "en": "Ids of the visit reasons this period takes.",
    },
}

PRACTITIONER = {
    "id": {
        "fr": "Identifiant stable, jamais réutilisé\u202f; il est dans l'adresse de la page du professionnel.",
        "en": "Stable identifier, never reused; part of the professional's page address.",
    },
    "national_id": {
        "fr": "Numéro dans un répertoire national que le fichier ne nomme pas.",
        "en": "Number in a national register the file does not name.",
    },
    "identifiers[]": {
        "fr": "Numéros dans des répertoires nationaux, chacun avec son système (FHIR Identifier).",
        "en": "Numbers in national registers, each with its system (FHIR Identifier).",
    },
    "identifiers[].system": {
        "fr": "URI du répertoire, par exemple https://rpps.esante.gouv.fr pour le RPPS.",
        "en": "URI of the register, e.g. https://rpps.esante.gouv.fr for France's RPPS.",
    },
    "identifiers[].value": {"fr": "Le numéro dans ce répertoire.", "en": "The number in that register."},
    "civility": {
        "fr": "Titre affiché avant le nom (docteur, professeur, monsieur, madame, neutre).",
        "en": "Title shown before the name (doctor, professor, Mr, Ms, Mx).",
    },
    "given_name": {"fr": "Prénom.", "en": "Given name."},
    "family_name": {"fr": "Nom de famille.", "en": "Family name."},
    "profession": {
        "fr": "Profession, code de la taxonomie du site (médecin, infirmier, kinésithérapeute…).",
        "en": "Profession, a code of the site's taxonomy (physician, nurse, physiotherapist...).",
    },
    "specialties": {
        "fr": "Spécialités, codes de la taxonomie du site (peut être vide).",
        "en": "Specialties, codes of the site's taxonomy (may be empty).",
    },
    "languages": {
        "fr": "Langues parlées, codes ISO 639-1 (fr, en, it…).",
        "en": "Languages spoken, ISO 639-1 codes (fr, en, it...).",
    },
    "phone": {
        "fr": "Téléphone pour prendre rendez-vous, au format international.",
        "en": "Phone number for appointments, in international form.",
    },
    "email": {"fr": "Adresse électronique, si le professionnel la publie.", "en": "E-mail address, if published."},
    "website": {"fr": "Site web, si le professionnel en a un.", "en": "Website, if they have one."},
    "accepting_new_patients": {
        "fr": "Accepte de nouveaux patients (oui ou non).",
        "en": "Accepts new patients (yes or no).",
    },
    "teleconsultation": {"fr": "Consulte aussi à distance, en vidéo.", "en": "Also consults remotely, by video."},
    "online_booking": {
        "fr": "Prend des rendez-vous en ligne sur le portail\u202f; sinon, par téléphone.",
        "en": "Takes appointments online on the portal; otherwise by phone.",
    },
    "fees": {"fr": "Honoraires.", "en": "Fees."},
    "fees.convention": {
        "fr": "Convention avec les caisses de sécurité sociale (conventionné, avec dépassements, non conventionné).",
        "en": "Agreement with the social security funds (agreed, agreed with extra fees, not agreed).",
    },
    "fees.consultation_eur": {"fr": "Prix d'une consultation, en euros.", "en": "Price of a consultation, in euros."},
    "fees.notes": {"fr": "Précisions sur les honoraires.", "en": "Notes on the fees."},
    "payment_methods": {
        "fr": "Moyens de paiement acceptés (carte, sans contact, espèces, chèque, tiers payant).",
        "en": "Payment methods accepted (card, contactless, cash, cheque, third-party payment).",
    },
    "biography": {"fr": "Courte présentation.", "en": "Short presentation."},
    "csv:biography_fr": {"fr": "Courte présentation, en français.", "en": "Short presentation, in French."},
    "csv:biography_en": {"fr": "Courte présentation, en anglais.", "en": "Short presentation, in English."},
    "visit_reasons[]": {
        "fr": "Motifs de consultation, ce qui peut être réservé (FHIR HealthcareService).",
        "en": "Visit reasons, what can be booked (FHIR HealthcareService).",
    },
    "visit_reasons[].id": {
        "fr": "Identifiant du motif, unique pour ce professionnel.",
        "en": "The reason's id, unique for this professional.",
    },
    "visit_reasons[].label": {"fr": "Nom du motif.", "en": "The reason's name."},
    "visit_reasons[].duration_minutes": {
        "fr": "Durée, en minutes (multiple de 5).",
        "en": "Duration, in minutes (a multiple of 5).",
    },
    "visit_reasons[].new_patients": {
        "fr": "Ouvert aux nouveaux patients.",
        "en": "Open to new patients.",
    },
    "visit_reasons[].existing_patients": {
        "fr": "Ouvert aux patients déjà suivis.",
        "en": "Open to existing patients.",
    },
    "visit_reasons[].online": {
        "fr": "Réservable en ligne\u202f; sinon, par téléphone seulement.",
        "en": "Bookable online; otherwise by phone only.",
    },
    "visit_reasons[].at_home": {
        "fr": "La visite a lieu au domicile du patient, et non au cabinet.",
        "en": "The visit takes place at the patient's home, not at the practice.",
    },
    "visit_reasons[].instructions": {
        "fr": "Ce qu'il faut apporter ou faire avant de venir.",
        "en": "What to bring or do before the visit.",
    },
    **SITE,
    "csv:site_id": SITE["sites[].id"],
    "csv:site_name": SITE["sites[].name"],
    "booking_rules": {
        "fr": "Règles de réservation en ligne.",
        "en": "Rules of online booking.",
    },
    "booking_rules.min_notice_minutes": {
        "fr": "Délai minimal entre la réservation et le rendez-vous, en minutes.",
        "en": "Shortest time between booking and appointment, in minutes.",
    },
    "booking_rules.horizon_days": {
        "fr": "Jusqu'à combien de jours à l'avance on peut réserver.",
        "en": "How many days ahead one can book.",
    },
    "booking_rules.buffer_minutes": {
        "fr": "Battement après chaque rendez-vous, en minutes.",
        "en": "Time kept free after each appointment, in minutes.",
    },
    "booking_rules.max_future_per_patient": {
        "fr": "Nombre maximal de rendez-vous à venir par patient.",
        "en": "Most appointments to come per patient.",
    },
}

ESTABLISHMENT = {
    "id": {
        "fr": "Identifiant stable\u202f; il est dans l'adresse de la page de l'établissement.",
        "en": "Stable identifier; part of the establishment's page address.",
    },
    "name": {"fr": "Nom de l'établissement.", "en": "The establishment's name."},
    "kind": {
        "fr": "Type (hôpital, clinique, laboratoire, imagerie, pharmacie, centre de santé, établissement pour "
        "personnes âgées).",
        "en": "Kind (hospital, clinic, laboratory, imaging centre, pharmacy, health centre, care home).",
    },
    "description": {"fr": "Présentation.", "en": "Description."},
    **{name: SITE[f"sites[].{name}"] for name in ("address", "postal_code", "city", "place", "latitude", "longitude")},
    "timezone": {
        "fr": "Fuseau horaire IANA, par exemple Europe/Monaco.",
        "en": "IANA time zone, e.g. Europe/Monaco.",
    },
    "phone": {"fr": "Téléphone du standard.", "en": "Switchboard phone number."},
    "email": {"fr": "Adresse électronique.", "en": "E-mail address."},
    "website": {"fr": "Site web.", "en": "Website."},
    "accessibility": SITE["sites[].accessibility"],
    "emergency": {
        "fr": "A un service d'urgences ouvert 24 heures sur 24.",
        "en": "Has an emergency department open 24 hours a day.",
    },
    "hours[]": {"fr": "Horaires d'ouverture.", "en": "Opening hours."},
    "hours[].days": SITE["sites[].hours[].days"],
    "hours[].start": {"fr": "Ouverture, HH:MM.", "en": "Opening time, HH:MM."},
    "hours[].end": {"fr": "Fermeture, HH:MM.", "en": "Closing time, HH:MM."},
    "departments[]": {
        "fr": "Services\u202f; le lieu d'un professionnel peut y renvoyer.",
        "en": "Departments; a professional's site may refer to one.",
    },
    "departments[].id": {"fr": "Identifiant du service.", "en": "The department's id."},
    "departments[].name": {"fr": "Nom du service.", "en": "The department's name."},
    "departments[].phone": {"fr": "Téléphone du service.", "en": "The department's phone."},
    "csv:departments": {"fr": "Identifiants de ses services.", "en": "Ids of its departments."},
}

MEANINGS = {"practitioner": PRACTITIONER, "establishment": ESTABLISHMENT}
