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

  Scenarie: Borger med navne- og adressebeskyttelse
    Når jeg slår borgeren "beskyttet" op i CPR
    Så svaret er en succes
    Og borgeren har navne- og adressebeskyttelse
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
    Og borgeren er ikke tilmeldt Digital Post
    Og svaret matcher det godkendte snapshot

  Scenarie: Gyldigt CPR-nummer uden modulus 11 (udstedt efter 2007) slås op som alle andre
    Når jeg slår borgeren "modulus11-undtagelse" op i CPR
    Så svaret er en succes
    Og feltet "persondata/personnummer" findes
    Og svaret matcher det godkendte snapshot

  Scenarie: Ukendt CPR-nummer
    Når jeg slår borgeren "ukendt" op i CPR
    Så CPR svarer, at personen ikke findes
    Og svaret matcher det godkendte snapshot
