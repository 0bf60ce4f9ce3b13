# language: da
@SF1520 @cpr
Egenskab: CPR-opslag gennem Serviceplatformen (SF1520 PersonLookup)
  Et fagsystem slår borgere op i CPR-replikaen med sin funktionscertifikat og en
  godkendt serviceaftale. Svaret skal indeholde de felter, systemet bygger på:
  navn, adresse, civilstand, beskyttelse og tilmelding til Digital Post.

  Baggrund:
    Givet en godkendt serviceaftale for SF1520

  Scenarie: Kendt borger giver navn, adresse, civilstand og Digital Post-tilmelding
    Når jeg slår borgeren "far" op i CPR
    Så svaret er en succes
    Og borgerens navn er "Peter Testesen"
    Og borgeren bor på "Prinsens Allé 5"
    Og borgerens civilstand er "gift"
    Og borgeren er tilmeldt Digital Post
    Og borgeren har ikke navne- og adressebeskyttelse
    Og borgeren har ikke vejviserbeskyttelse
    Og borgerens fødselsdato er "1980-03-15"
    Og borgerens køn er "mand"
    Og borgerens status er "aktiv"
    Og feltet "adresse/aktuelAdresse/vejnavn" indeholder ikke "Gade"
    Og svaret har felterne:
      | felt                             | værdi |
      | persondata/koen                  | M     |
      | persondata/antalBoernUnder18     | 2     |
      | adresse/aktuelAdresse/postnummer | 8800  |
    Og der er 2 forekomster af "relationer/barn"
    Og svaret matcher det godkendte snapshot

  Abstrakt Scenario: Hele familien på rådhusadressen kan slås op: <borger>
    Når jeg slår borgeren "<borger>" op i CPR
    Så svaret er en succes
    Og borgeren bor på "Prinsens Allé 5"
    Og feltet "persondata/antalBoernUnder18" har værdien "<børn>"
    Og svaret matcher det godkendte snapshot

    Eksempler:
      | borger | børn |
      | mor    | 2    |
      | barn1  | 0    |
      | barn2  | 0    |

  Scenarie: Relationer tjekkes med aliasser, så de holder på ethvert miljø: mor
    Når jeg slår borgeren "mor" op i CPR
    Så svaret er en succes
    Og borgerens ægtefælle er "far"
    Og borgerens køn er "kvinde"
    Og borgerens fødselsdato er "1982-07-22"
    Og feltet "persondata/navn/fornavn" har ikke værdien "Peter"
    Og feltet "relationer/aegtefaelle/personnummer" har værdien "{{cpr:far}}"
    Og svaret har felterne:
      | felt                          | værdi          |
      | relationer/barn[1]/personnummer | {{cpr:barn1}} |
      | relationer/barn[2]/personnummer | {{cpr:barn2}} |

  Scenarie: Relationer tjekkes med aliasser, så de holder på ethvert miljø: barn
    Når jeg slår borgeren "barn1" op i CPR
    Så svaret er en succes
    Og borgerens mor er "mor"
    Og borgerens far er "far"
    Og borgeren har forældremyndighed hos "far" og "mor"
    Og borgerens fødselsdato er "2016-06-10"
    Og feltet "relationer/mor/personnummer" har værdien "{{cpr:mor}}"

  Scenarie: Borger med navne- og adressebeskyttelse
    Når jeg slår borgeren "beskyttet" op i CPR
    Så svaret er en succes
    Og borgeren har navne- og adressebeskyttelse
    Og borgeren har vejviserbeskyttelse
    Og svaret matcher det godkendte snapshot

  Scenarie: Borger, der ikke er tilmeldt Digital Post
    Når jeg slår borgeren "ikke-tilmeldt" op i CPR
    Så svaret er en succes
    Og borgeren er ikke tilmeldt Digital Post
    Og svaret matcher det godkendte snapshot

  Scenarie: Død borger
    Når jeg slår borgeren "død" op i CPR
    Så svaret er en succes
    Og borgeren er registreret som død
    Og borgerens status er "død"
    Og borgeren har ingen aktuel adresse
    Og borgeren er ikke tilmeldt Digital Post
    Og svaret matcher det godkendte snapshot

  Scenarie: Udrejst borger har status 80 og ingen aktuel adresse i Danmark
    Når jeg slår borgeren "udrejst" op i CPR
    Så svaret er en succes
    Og borgerens status er "udrejst"
    Og borgeren har ingen aktuel adresse
    Og feltet "adresse/udrejseoplysninger/udlandsadresse3" har værdien "Sverige"
    Og svaret matcher det godkendte snapshot

  Scenarie: Gyldigt CPR-nummer uden modulus 11 (udstedt efter 2007) slås op som alle andre
    Når jeg slår borgeren "modulus11-undtagelse" op i CPR
    Så svaret er en succes
    Og feltet "persondata/personnummer" findes
    Og svaret matcher det godkendte snapshot

  Scenarie: Ukendt CPR-nummer
    Når jeg slår borgeren "ukendt" op i CPR
    Så CPR svarer, at personen ikke findes
    Og svaret er ikke en succes
    Og svaret matcher det godkendte snapshot
