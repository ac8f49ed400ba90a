"""A language in, the starter's three chapters written in it out (French, Dutch, German; English
is in `new.py`): the same format shown at work, the same sidebars with every field.

Each entry is (file name, text) per chapter. The texts are `str.format` templates: `{kinds}`
(the number of sidebar kinds), `{chart}` (the chart's lines) and `{today}` (an ISO date, shown
the local way); literal braces are doubled. Headings that other chapters link to carry an
ASCII id of their own (`{{#every-kind}}`), so the links do not depend on accents.
"""

from __future__ import annotations

FR = (
    (
        "01-bienvenue.md",
        """\
---
title: Bienvenue dans votre brochure
short_title: Bienvenue
summary: Comment s'écrit un chapitre, et ce que le moteur en fait.
---

Voici le premier chapitre d'un manuscrit de départ. Chaque chapitre est un fichier Markdown
avec un court en-tête entre deux lignes `---` : son titre, un titre court facultatif pour les
titres courants, un résumé d'une phrase, et s'il devient aussi une fiche pour la classe.
Remplacez ce texte par le vôtre, un paragraphe après l'autre.

## Écrire le texte {{#ecrire}}

Écrivez des paragraphes, de l'*emphase* et du texte **fort**, des listes et des tableaux. Les
"guillemets droits", deux tirets -- et trois points... deviennent les signes typographiques de
la langue du livre. Une note se place là où son numéro doit paraître,[^notes] et son texte à la
fin du chapitre.

Les sections sont des titres `##` : le titre du chapitre vient de l'en-tête. Chaque titre reçoit
un identifiant tiré de son texte, ou celui écrit entre accolades après lui, pour que d'autres
chapitres y renvoient, comme ce lien vers [les sortes d'encadrés](02-encadres.md#toutes-les-sortes)
du chapitre suivant, ou vers [le chapitre pour la classe](03-en-classe.md) tout entier.

## Images {{#images}}

Un paragraphe qui ne contient qu'une image devient une figure. Le texte entre crochets décrit
l'image pour qui ne peut pas la voir (il est obligatoire) ; le texte entre guillemets est la
légende.

![Croquis d'une brochure ouverte : deux pages côte à côte, chacune avec des lignes de texte et un bloc coloré pour un encadré.](images/booklet.svg "Remplacez cette image par la vôtre : un fichier PNG, JPEG ou SVG dans le dossier du manuscrit.")

:::{{facts}} Ce que la construction produit
:source: Le README du moteur booklet
- Un PDF pour lire à l'écran.
- Un PDF pour l'imprimeur, avec fonds perdus et traits de coupe.
- Une brochure imposée, à imprimer sur papier de bureau, plier et agrafer.
- Un EPUB pour les liseuses.
- Une fiche pour la classe de chaque chapitre marqué `handout: true`.
:::

[^notes]: Les notes se placent en bas de page dans les PDF et s'ouvrent d'un clic dans l'EPUB.
""",
    ),
    (
        "02-encadres.md",
        """\
---
title: Les encadrés
summary: Des blocs à côté du texte, chacun d'une sorte avec ses champs et son allure.
---

Un encadré commence par une ligne `:::{{kind}} Titre`, puis des lignes `:champ: valeur`, puis
son contenu, et finit par une ligne `:::`. La sorte décide des champs qu'il prend et de ce que
contient son corps ; `booklet check` nomme tout champ manquant ou inconnu. Les noms des sortes
et des champs restent en anglais.

## Toutes les sortes d'encadrés {{#toutes-les-sortes}}

:::{{quote}}
:source: Qui l'a dit ou écrit, et où
:date: Quand
Mettez ici une citation, mot pour mot. Le champ source est obligatoire : un lecteur doit pouvoir
retrouver ces mots.
:::

:::{{numbers}} Ce manuscrit en chiffres
:source: Compté dans ce manuscrit
- {kinds}: sortes d'encadrés
- 3: chapitres
- 1: fiche pour la classe
:::

:::{{chart}} Champs de chaque sorte d'encadré
:unit: champs
:source: Les schémas d'encadrés du moteur
{chart}
:::

:::{{timeline}} Cette brochure
- {today}: Le manuscrit de départ est créé.
:::

:::{{profile}} Le nom d'une personne
:role: Ce qu'elle a fait
:network: Le groupe dont elle faisait partie
:active: Quand elle a agi
Une courte biographie : d'où venait la personne, ce qu'elle a fait, et ce qu'elle est devenue.
:::

:::{{term}} Encadré
Un bloc à côté du texte courant, d'une des {kinds} sortes. Chaque encadré de définition paraît
aussi dans le glossaire à la fin de la brochure.
:::

:::{{note}} Une remarque
N'importe quel Markdown : des paragraphes, du texte **fort**, des listes.
:::

Les sortes `questions` et `teacher` sont montrées dans [le chapitre pour la classe](03-en-classe.md#questions).
""",
    ),
    (
        "03-en-classe.md",
        """\
---
title: En classe
summary: Un chapitre qui est aussi une fiche d'une feuille.
handout: true
---

Ce chapitre a `handout: true` dans son en-tête : la construction en fait donc aussi une fiche
d'une feuille, imprimée recto verso, avec de la place pour les réponses et un lien vers la
brochure. Gardez court un chapitre-fiche : la construction signale celui qui ne tient pas sur sa
feuille, et de combien il la dépasse.

## Questions à débattre {{#questions}}

:::{{questions}}
1. De quoi parle votre brochure, en une phrase ?
2. Qui va la lire, et que devra-t-on savoir après l'avoir lue ?
:::

:::{{teacher}}
1. Des notes pour l'enseignant, jamais montrées aux élèves : sur quoi une bonne réponse peut s'appuyer.
2. Elles sont imprimées dans le guide de l'enseignant, à côté de la question qu'elles suivent.
:::
""",
    ),
)

NL = (
    (
        "01-welkom.md",
        """\
---
title: Welkom in je brochure
short_title: Welkom
summary: Hoe je een hoofdstuk schrijft, en wat de machine ervan maakt.
---

Dit is het eerste hoofdstuk van een startmanuscript. Elk hoofdstuk is één Markdown-bestand met
een korte kop tussen twee regels `---`: de titel, een optionele korte titel voor de kopregels,
een samenvatting van één zin, en of het ook een werkblad voor de klas wordt. Vervang deze tekst
door je eigen tekst, alinea na alinea.

## Tekst schrijven {{#tekst}}

Schrijf gewone alinea's, *nadruk* en **vette** tekst, lijsten en tabellen. Rechte
"aanhalingstekens", twee streepjes -- en drie puntjes... worden de typografische tekens van de
taal van het boek. Een voetnoot staat waar het nummer moet komen,[^notes] en de tekst ervan aan
het eind van het hoofdstuk.

Secties zijn `##`-koppen: de titel van het hoofdstuk komt uit de kop. Elke kop krijgt een id uit
zijn tekst, of de id tussen accolades erachter, zodat andere hoofdstukken ernaar kunnen
verwijzen, zoals deze link naar [de soorten kaders](02-kaders.md#alle-soorten) in het volgende
hoofdstuk, of naar [het hoofdstuk voor de klas](03-in-de-klas.md) als geheel.

## Afbeeldingen {{#afbeeldingen}}

Een alinea met alleen een afbeelding wordt een figuur. De tekst tussen vierkante haken beschrijft
de afbeelding voor wie haar niet kan zien (verplicht); de tekst tussen aanhalingstekens is het
bijschrift.

![Schets van een open brochure: twee pagina's naast elkaar, elk met regels tekst en een gekleurd blok voor een kader.](images/booklet.svg "Vervang deze afbeelding door je eigen: een PNG-, JPEG- of SVG-bestand in de map van het manuscript.")

:::{{facts}} Wat het bouwen oplevert
:source: De README van de booklet-machine
- Een PDF om op het scherm te lezen.
- Een PDF voor de drukker, met afloop en snijtekens.
- Een ingeschoten brochure om op kantoorpapier te printen, te vouwen en te nieten.
- Een EPUB voor e-readers.
- Een werkblad voor de klas van elk hoofdstuk met `handout: true`.
:::

[^notes]: Voetnoten staan onder aan de pagina in de PDF's en openen met een tik in de EPUB.
""",
    ),
    (
        "02-kaders.md",
        """\
---
title: Kaders
summary: Blokken naast de tekst, elk van een soort met eigen velden en uiterlijk.
---

Een kader begint met een regel `:::{{kind}} Titel`, dan regels `:veld: waarde`, dan de inhoud, en
eindigt met een regel `:::`. De soort bepaalt welke velden het neemt en wat de inhoud bevat;
`booklet check` noemt elk veld dat ontbreekt of onbekend is. De namen van soorten en velden
blijven Engels.

## Alle soorten kaders {{#alle-soorten}}

:::{{quote}}
:source: Wie het zei of schreef, en waar
:date: Wanneer
Zet hier een citaat, woord voor woord. Het bronveld is verplicht: een lezer moet de woorden
kunnen terugvinden.
:::

:::{{numbers}} Dit manuscript in cijfers
:source: Geteld in dit manuscript
- {kinds}: soorten kaders
- 3: hoofdstukken
- 1: werkblad voor de klas
:::

:::{{chart}} Velden van elke soort kader
:unit: velden
:source: De kaderschema's van de machine
{chart}
:::

:::{{timeline}} Deze brochure
- {today}: Het startmanuscript wordt gemaakt.
:::

:::{{profile}} De naam van een persoon
:role: Wat die persoon deed
:network: De groep waartoe die behoorde
:active: Wanneer die actief was
Een korte biografie: waar de persoon vandaan kwam, wat die deed, en wat er van hem of haar werd.
:::

:::{{term}} Kader
Een blok naast de lopende tekst, van een van de {kinds} soorten. Elk begripkader staat ook in de
woordenlijst achter in de brochure.
:::

:::{{note}} Een opmerking
Alle Markdown die je wilt: alinea's, **vette** tekst, lijsten.
:::

De soorten `questions` en `teacher` staan in [het hoofdstuk voor de klas](03-in-de-klas.md#vragen).
""",
    ),
    (
        "03-in-de-klas.md",
        """\
---
title: In de klas
summary: Een hoofdstuk dat ook een werkblad van één vel is.
handout: true
---

Dit hoofdstuk heeft `handout: true` in de kop, dus maakt het bouwen er ook een werkblad van één
vel van, dubbelzijdig bedrukt, met ruimte voor antwoorden en een link naar de brochure. Houd een
werkbladhoofdstuk kort: het bouwen meldt het als er een niet op zijn vel past, en hoeveel te
lang het is.

## Vragen om te bespreken {{#vragen}}

:::{{questions}}
1. Waarover gaat je brochure, in één zin?
2. Wie gaat ze lezen, en wat moeten ze daarna weten?
:::

:::{{teacher}}
1. Notities voor de leerkracht, nooit getoond aan leerlingen: waarop een goed antwoord kan steunen.
2. Ze staan in de handleiding voor de leerkracht, naast de vraag die ze volgen.
:::
""",
    ),
)

DE = (
    (
        "01-willkommen.md",
        """\
---
title: Willkommen in Ihrem Heft
short_title: Willkommen
summary: Wie ein Kapitel geschrieben wird und was die Maschine daraus macht.
---

Dies ist das erste Kapitel eines Startmanuskripts. Jedes Kapitel ist eine Markdown-Datei mit
einem kurzen Kopf zwischen zwei Zeilen `---`: der Titel, ein optionaler Kurztitel für die
Kolumnentitel, eine Zusammenfassung in einem Satz und ob es auch ein Arbeitsblatt für den
Unterricht wird. Ersetzen Sie diesen Text Absatz für Absatz durch Ihren eigenen.

## Text schreiben {{#text}}

Schreiben Sie Absätze, *betonten* und **fetten** Text, Listen und Tabellen. Gerade
"Anführungszeichen", zwei Striche -- und drei Punkte... werden zu den typografischen Zeichen der
Sprache des Buches. Eine Fußnote steht dort, wo ihre Nummer erscheinen soll,[^notes] und ihr Text
am Ende des Kapitels.

Abschnitte sind `##`-Überschriften: Der Titel des Kapitels kommt aus dem Kopf. Jede Überschrift
bekommt eine Kennung aus ihrem Text oder die in geschweiften Klammern dahinter, damit andere
Kapitel auf sie verweisen können, wie dieser Link auf [die Arten von Kästen](02-kaesten.md#alle-arten)
im nächsten Kapitel oder auf [das Kapitel für den Unterricht](03-im-unterricht.md) als Ganzes.

## Bilder {{#bilder}}

Ein Absatz, der nur ein Bild enthält, wird zu einer Abbildung. Der Text in eckigen Klammern
beschreibt das Bild für alle, die es nicht sehen können (er ist Pflicht); der Text in
Anführungszeichen ist die Bildunterschrift.

![Skizze eines aufgeschlagenen Heftes: zwei Seiten nebeneinander, jede mit Textzeilen und einem farbigen Block für einen Kasten.](images/booklet.svg "Ersetzen Sie dieses Bild durch Ihr eigenes: eine PNG-, JPEG- oder SVG-Datei im Ordner des Manuskripts.")

:::{{facts}} Was der Bau erzeugt
:source: Die README der booklet-Maschine
- Ein PDF zum Lesen am Bildschirm.
- Ein PDF für die Druckerei, mit Beschnitt und Schnittmarken.
- Ein ausgeschossenes Heft zum Drucken auf Büropapier, Falten und Heften.
- Ein EPUB für E-Reader.
- Ein Arbeitsblatt für den Unterricht aus jedem Kapitel mit `handout: true`.
:::

[^notes]: Fußnoten stehen in den PDFs unten auf der Seite und öffnen sich im EPUB mit einem Tippen.
""",
    ),
    (
        "02-kaesten.md",
        """\
---
title: Kästen
summary: Blöcke neben dem Text, jeder von einer Art mit eigenen Feldern und eigenem Aussehen.
---

Ein Kasten beginnt mit einer Zeile `:::{{kind}} Titel`, dann Zeilen `:feld: wert`, dann sein
Inhalt, und endet mit einer Zeile `:::`. Die Art bestimmt, welche Felder er nimmt und was sein
Inhalt enthält; `booklet check` nennt jedes fehlende oder unbekannte Feld. Die Namen der Arten
und Felder bleiben englisch.

## Alle Arten von Kästen {{#alle-arten}}

:::{{quote}}
:source: Wer es gesagt oder geschrieben hat, und wo
:date: Wann
Setzen Sie hier ein Zitat ein, Wort für Wort. Das Feld source ist Pflicht: Lesende sollen die
Worte wiederfinden können.
:::

:::{{numbers}} Dieses Manuskript in Zahlen
:source: In diesem Manuskript gezählt
- {kinds}: Arten von Kästen
- 3: Kapitel
- 1: Arbeitsblatt für den Unterricht
:::

:::{{chart}} Felder jeder Art von Kasten
:unit: Felder
:source: Die Kastenschemata der Maschine
{chart}
:::

:::{{timeline}} Dieses Heft
- {today}: Das Startmanuskript wird angelegt.
:::

:::{{profile}} Der Name einer Person
:role: Was sie getan hat
:network: Die Gruppe, zu der sie gehörte
:active: Wann sie aktiv war
Eine kurze Biografie: woher die Person kam, was sie getan hat und was aus ihr wurde.
:::

:::{{term}} Kasten
Ein Block neben dem Fließtext, von einer der {kinds} Arten. Jeder Begriffskasten erscheint auch
im Glossar am Ende des Heftes.
:::

:::{{note}} Ein Hinweis
Beliebiges Markdown: Absätze, **fetter** Text, Listen.
:::

Die Arten `questions` und `teacher` zeigt [das Kapitel für den Unterricht](03-im-unterricht.md#fragen).
""",
    ),
    (
        "03-im-unterricht.md",
        """\
---
title: Im Unterricht
summary: Ein Kapitel, das auch ein Arbeitsblatt von einem Blatt ist.
handout: true
---

Dieses Kapitel hat `handout: true` im Kopf, also macht der Bau daraus auch ein Arbeitsblatt von
einem Blatt, beidseitig bedruckt, mit Platz für Antworten und einem Link zum Heft. Halten Sie
ein Arbeitsblatt-Kapitel kurz: Der Bau meldet, wenn eines nicht auf sein Blatt passt, und um
wie viel.

## Fragen zur Diskussion {{#fragen}}

:::{{questions}}
1. Worum geht es in Ihrem Heft, in einem Satz?
2. Wer wird es lesen, und was sollen die Lesenden danach wissen?
:::

:::{{teacher}}
1. Hinweise für die Lehrkraft, die Schülerinnen und Schüler nie sehen: worauf eine gute Antwort zurückgreifen kann.
2. Sie stehen in der Handreichung für Lehrkräfte, neben der Frage, der sie folgen.
:::
""",
    ),
)

STARTERS = {"fr": FR, "nl": NL, "de": DE}
