"""A language in, the starter's book.yaml with its comments in that language out (French, Dutch,
German; English is in `new.py`). Keys stay English; `str.format` fills in {title}, {language},
{date}, {identifier} and {chapter_list} (literal braces doubled).
"""

from __future__ import annotations

FR = """\
# Les métadonnées et les options du livre. Les lignes qui commencent par '#' sont des
# commentaires ; enlevez le '#' devant une clé pour l'utiliser. `booklet check` nomme toute clé
# qu'il ne connaît pas. Les clés restent en anglais.

# Le titre sur la couverture, la page de titre et dans les métadonnées des fichiers (obligatoire).
title: {title}

# Une ligne sous le titre, sur la couverture et la page de titre.
# subtitle: "De quoi parle la brochure, en quelques mots"

# La langue du texte (obligatoire) : une étiquette comme fr, fr-BE, nl-BE, de ou en. Elle règle
# la césure, les guillemets et les mots que le moteur ajoute (« Table des matières », « Page »).
language: {language}

# Qui a écrit la brochure, sous forme de liste ; et qui la publie.
# authors: ["Première autrice", "Deuxième auteur"]
# publisher: "Votre école ou votre association"

# La date de cette édition (AAAA-MM-JJ). Les constructions l'inscrivent dans les fichiers : le
# même manuscrit donne toujours les mêmes octets.
date: {date}

# Un identifiant stable pour ce livre ; gardez-le d'une édition à l'autre (les liseuses s'en
# servent).
identifier: "{identifier}"

# Une ou deux phrases pour la couverture et les métadonnées des fichiers.
# description: "Ce qu'un lecteur apprendra dans cette brochure."

# La licence ou la mention de droits du colophon.
# rights: "Texte sous licence CC BY 4.0 : vous pouvez le partager et l'adapter en citant l'auteur."

# Le format de la brochure : A5 (par défaut) ou half-letter.
trim: A5

# Les papiers des fiches pour la classe : A4, Letter, ou les deux (par défaut).
handout_papers: [A4, Letter]

# Les versions des fiches : standard, large-print (gros caractères), dyslexia (adaptée à la dyslexie).
# handout_variants: [standard, large-print, dyslexia]

# L'adresse où télécharger la brochure ; les fiches la portent avec un code QR.
# download_url: "https://example.org/ma-brochure"

# Le nom des fichiers produits (ma-brochure.pdf, ma-brochure.epub) : lettres ASCII minuscules,
# chiffres et traits d'union. Sans lui, il est tiré du titre (sans accents, 40 caractères au plus).
# slug: ma-brochure

# Ce que le livre numérique affirme de son accessibilité, et qui l'a vérifié (avec EPUBCheck et
# Ace, par exemple). Sans elles, il décrit ses fonctions et n'affirme rien.
# accessibility_conformance: "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
# accessibility_certified_by: "Votre nom ou votre association"

# Une photo de couverture (un fichier de ce dossier), ce qu'elle montre pour qui ne peut pas la
# voir, et son crédit pour le colophon. Donnez-lui au moins 1 819 × 2 552 pixels pour un A5.
# cover_image: images/couverture.jpg
# cover_alt: "Ce que montre la photo"
# cover_credit: "Photo de couverture : Nom, licence"

# Pour un imprimeur (README, « Printing at a print shop or print-on-demand service ») : le texte
# de la quatrième de couverture (par défaut : la description), l'ISBN du livre (un code-barres au
# dos) et la façon de l'imprimer : condition coated ou uncoated (papier couché ou non) ; binding
# auto, saddle-stitch (agrafé) ou perfect (dos collé) ; paper offset-80, offset-90, silk-115,
# bookwove-80, kdp-white ou kdp-cream (son épaisseur fait le dos), ou spine_per_page_mm.
# back_cover: "Quelques phrases pour le dos du livre."
# isbn: "978-3-16-148410-0"
# print:
#   condition: coated
#   binding: auto
#   paper: offset-80

# Les mots que le moteur ajoute sont dans la langue du livre (« Table des matières »). Donnez à
# ce livre son propre mot pour l'un d'eux ; la section « Languages » du README liste les clés.
# labels:
#   questions: "Parlons-en"

# Les chapitres dans l'ordre de lecture. Sans cette liste, chaque fichier NN-nom.md est un
# chapitre, dans l'ordre des noms de fichiers.
chapters:
{chapter_list}"""

NL = """\
# De metagegevens en opties van het boek. Regels die met '#' beginnen zijn commentaar; haal de
# '#' voor een sleutel weg om hem te gebruiken. `booklet check` noemt elke sleutel die het niet
# kent. De sleutels blijven Engels.

# De titel op de omslag, de titelpagina en in de metagegevens van elk bestand (verplicht).
title: {title}

# Een regel onder de titel, op de omslag en de titelpagina.
# subtitle: "Waarover de brochure gaat, in een paar woorden"

# De taal van de tekst (verplicht): een code als nl, nl-BE, fr, de of en. Ze bepaalt de
# woordafbreking, de aanhalingstekens en de woorden die de machine toevoegt ("Inhoud", "Pagina").
language: {language}

# Wie de brochure schreef, als lijst; en wie ze uitgeeft.
# authors: ["Eerste auteur", "Tweede auteur"]
# publisher: "Je school of organisatie"

# De datum van deze uitgave (JJJJ-MM-DD). Het bouwen zet ze in de bestanden, zodat hetzelfde
# manuscript altijd dezelfde bytes geeft.
date: {date}

# Een vaste identificatie voor dit boek; behoud ze van uitgave tot uitgave (e-readers gebruiken ze).
identifier: "{identifier}"

# Een of twee zinnen voor de omslag en de metagegevens van de bestanden.
# description: "Wat een lezer uit deze brochure leert."

# De licentie- of auteursrechtregel van het colofon.
# rights: "Tekst onder licentie CC BY 4.0; je mag hem delen en bewerken als je de bron vermeldt."

# Het formaat van de brochure: A5 (standaard) of half-letter.
trim: A5

# Het papier van de werkbladen voor de klas: A4, Letter, of beide (standaard).
handout_papers: [A4, Letter]

# De versies van de werkbladen: standard, large-print (grootletter), dyslexia (dyslexievriendelijk).
# handout_variants: [standard, large-print, dyslexia]

# Waar lezers de brochure kunnen downloaden; de werkbladen dragen het adres met een QR-code.
# download_url: "https://example.org/mijn-brochure"

# De naam van de gemaakte bestanden (mijn-brochure.pdf, mijn-brochure.epub): kleine ASCII-letters,
# cijfers en koppeltekens. Zonder deze sleutel komt hij uit de titel (zonder accenten, hoogstens
# 40 tekens).
# slug: mijn-brochure

# Wat het e-boek over zijn toegankelijkheid beweert, en wie dat controleerde (met EPUBCheck en
# Ace, bijvoorbeeld). Zonder deze sleutels beschrijft het zijn functies en beweert het niets.
# accessibility_conformance: "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
# accessibility_certified_by: "Je naam of organisatie"

# Een omslagfoto (een bestand in deze map), wat ze toont voor wie haar niet kan zien, en haar
# bronvermelding voor het colofon. Geef haar minstens 1.819 × 2.552 pixels voor een A5-omslag.
# cover_image: images/omslag.jpg
# cover_alt: "Wat de foto toont"
# cover_credit: "Omslagfoto: Naam, licentie"

# Voor een drukkerij (README, "Printing at a print shop or print-on-demand service"): de tekst op
# de achterkant (standaard: de description), het ISBN van het boek (een streepjescode op de
# achterkant) en hoe het gedrukt wordt: condition coated of uncoated (gestreken of ongestreken
# papier); binding auto, saddle-stitch (geniet) of perfect (gelijmd); paper offset-80, offset-90,
# silk-115, bookwove-80, kdp-white of kdp-cream (de dikte maakt de rug), of spine_per_page_mm.
# back_cover: "Een paar zinnen voor de achterkant."
# isbn: "978-3-16-148410-0"
# print:
#   condition: coated
#   binding: auto
#   paper: offset-80

# De woorden die de machine toevoegt staan in de taal van het boek ("Inhoud"). Geef dit boek
# zijn eigen woord voor een ervan; de sectie "Languages" van de README noemt de sleutels.
# labels:
#   questions: "Praat erover"

# De hoofdstukken in leesvolgorde. Zonder deze lijst is elk bestand NN-naam.md een hoofdstuk,
# in de volgorde van de bestandsnamen.
chapters:
{chapter_list}"""

DE = """\
# Die Metadaten und Optionen des Buches. Zeilen, die mit '#' beginnen, sind Kommentare; entfernen
# Sie das '#' vor einem Schlüssel, um ihn zu verwenden. `booklet check` nennt jeden Schlüssel,
# den es nicht kennt. Die Schlüssel bleiben englisch.

# Der Titel auf dem Umschlag, der Titelseite und in den Metadaten jeder Datei (Pflicht).
title: {title}

# Eine Zeile unter dem Titel, auf dem Umschlag und der Titelseite.
# subtitle: "Worum es im Heft geht, in wenigen Worten"

# Die Sprache des Textes (Pflicht): ein Kürzel wie de, de-AT, fr, nl-BE oder en. Es bestimmt die
# Silbentrennung, die Anführungszeichen und die Wörter, die die Maschine ergänzt ("Inhalt").
language: {language}

# Wer das Heft geschrieben hat, als Liste; und wer es herausgibt.
# authors: ["Erste Autorin", "Zweiter Autor"]
# publisher: "Ihre Schule oder Organisation"

# Das Datum dieser Ausgabe (JJJJ-MM-TT). Der Bau schreibt es in die Dateien, sodass dasselbe
# Manuskript immer dieselben Bytes ergibt.
date: {date}

# Eine feste Kennung für dieses Buch; behalten Sie sie über Ausgaben hinweg (E-Reader nutzen sie).
identifier: "{identifier}"

# Ein oder zwei Sätze für den Umschlag und die Metadaten der Dateien.
# description: "Was Lesende aus diesem Heft lernen."

# Die Lizenz- oder Rechtezeile des Impressums.
# rights: "Text unter CC BY 4.0; Sie dürfen ihn teilen und bearbeiten, wenn Sie die Quelle nennen."

# Das Format des Heftes: A5 (Standard) oder half-letter.
trim: A5

# Das Papier der Arbeitsblätter: A4, Letter oder beides (Standard).
handout_papers: [A4, Letter]

# Die Fassungen der Arbeitsblätter: standard, large-print (Großdruck), dyslexia (legasthenikerfreundlich).
# handout_variants: [standard, large-print, dyslexia]

# Wo Lesende das Heft herunterladen können; die Arbeitsblätter tragen die Adresse als QR-Code.
# download_url: "https://example.org/mein-heft"

# Der Name der erzeugten Dateien (mein-heft.pdf, mein-heft.epub): kleine ASCII-Buchstaben,
# Ziffern und Bindestriche. Ohne ihn kommt er aus dem Titel (ohne Akzente, höchstens 40 Zeichen).
# slug: mein-heft

# Was das E-Book über seine Barrierefreiheit behauptet, und wer es geprüft hat (etwa mit
# EPUBCheck und Ace). Ohne diese Schlüssel beschreibt es seine Funktionen und behauptet nichts.
# accessibility_conformance: "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
# accessibility_certified_by: "Ihr Name oder Ihre Organisation"

# Ein Umschlagfoto (eine Datei in diesem Ordner), was es zeigt, für alle, die es nicht sehen
# können, und sein Bildnachweis für das Impressum. Mindestens 1.819 × 2.552 Pixel für A5.
# cover_image: images/umschlag.jpg
# cover_alt: "Was das Foto zeigt"
# cover_credit: "Umschlagfoto: Name, Lizenz"

# Für eine Druckerei (README, "Printing at a print shop or print-on-demand service"): der Text
# der Rückseite (Vorgabe: die description), die ISBN des Buches (ein Strichcode auf der
# Rückseite) und wie es gedruckt wird: condition coated oder uncoated (gestrichenes oder
# ungestrichenes Papier); binding auto, saddle-stitch (geheftet) oder perfect (klebegebunden);
# paper offset-80, offset-90, silk-115, bookwove-80, kdp-white oder kdp-cream (seine Stärke
# ergibt den Rücken), oder spine_per_page_mm.
# back_cover: "Ein paar Sätze für die Rückseite."
# isbn: "978-3-16-148410-0"
# print:
#   condition: coated
#   binding: auto
#   paper: offset-80

# Die Wörter, die die Maschine ergänzt, stehen in der Sprache des Buches ("Inhalt"). Geben Sie
# diesem Buch ein eigenes Wort für eines davon; der Abschnitt "Languages" der README nennt die
# Schlüssel.
# labels:
#   questions: "Sprechen wir darüber"

# Die Kapitel in Lesereihenfolge. Ohne diese Liste ist jede Datei NN-name.md ein Kapitel, in der
# Reihenfolge der Dateinamen.
chapters:
{chapter_list}"""

BOOK_YAMLS = {"fr": FR, "nl": NL, "de": DE}
