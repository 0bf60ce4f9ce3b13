# language: da
@SF1520 @cpr
Egenskab: CPR-opslagets detaljer: fødselsdato, køn, status, beskyttelse og relationer
  Fagsystemer bygger på flere felter end navn og adresse: fødselsdato, køn, CPR-status,
  vejviserbeskyttelse, om borgeren har en aktuel adresse, og relationerne i familien.
  Relationerne tjekkes med aliasser ("mor", "{{cpr:far}}"), så de samme scenarier holder på
  ethvert miljø, hvor aliasserne peger på familiens CPR-numre.

  Baggrund:
    Givet en godkendt serviceaftale for SF1520

  Scenarie: Fødselsdato, køn, status og ingen beskyttelse for en almindelig borger
    Når jeg slår borgeren "far" op i CPR
    Så svaret er en succes
    Og borgerens fødselsdato er "1980-03-15"
    Og borgerens køn er "mand"
    Og borgerens status er "aktiv"
    Og borgeren har ikke vejviserbeskyttelse
    Og feltet "adresse/aktuelAdresse/vejnavn" indeholder ikke "Gade"

  Scenarie: Ægtefælle og børn tjekkes med aliasser
    Når jeg slår borgeren "mor" op i CPR
    Så svaret er en succes
    Og borgerens ægtefælle er "far"
    Og borgerens køn er "kvinde"
    Og borgerens fødselsdato er "1982-07-22"
    Og feltet "persondata/navn/fornavn" har ikke værdien "Peter"
    Og feltet "relationer/aegtefaelle/personnummer" har værdien "{{cpr:far}}"
    Og svaret har felterne:
      | felt                            | værdi         |
      | relationer/barn[1]/personnummer | {{cpr:barn1}} |
      | relationer/barn[2]/personnummer | {{cpr:barn2}} |

  Scenarie: Barnets forældre og forældremyndighed tjekkes med aliasser
    Når jeg slår borgeren "barn1" op i CPR
    Så svaret er en succes
    Og borgerens mor er "mor"
    Og borgerens far er "far"
    Og borgeren har forældremyndighed hos "far" og "mor"
    Og borgerens fødselsdato er "2016-06-10"
    Og feltet "relationer/mor/personnummer" har værdien "{{cpr:mor}}"

  Scenarie: Borger med vejviserbeskyttelse
    Når jeg slår borgeren "beskyttet" op i CPR
    Så svaret er en succes
    Og borgeren har vejviserbeskyttelse
    Og borgeren har navne- og adressebeskyttelse

  Scenarie: En afdød borgers status er død, og der er ingen aktuel adresse
    Når jeg slår borgeren "død" op i CPR
    Så svaret er en succes
    Og borgerens status er "død"
    Og borgeren har ingen aktuel adresse

  Scenarie: Udrejst borger har status 80 og ingen aktuel adresse i Danmark
    Når jeg slår borgeren "udrejst" op i CPR
    Så svaret er en succes
    Og borgerens status er "udrejst"
    Og borgeren har ingen aktuel adresse
    Og feltet "adresse/udrejseoplysninger/udlandsadresse3" har værdien "Sverige"
    Og svaret matcher det godkendte snapshot

  Scenarie: Et CPR-nummer, der ikke findes, er ikke en succes
    Når jeg slår borgeren "ukendt" op i CPR
    Så CPR svarer, at personen ikke findes
    Og svaret er ikke en succes
