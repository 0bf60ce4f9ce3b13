# language: da
@SF1470 @sdi @writes
Egenskab: Sager, der bryder KOMBITs anvisninger eller ikke er klassificeret med KLE, afvises
  KOMBITs anvisninger for sager i indekset siger mere end XSD'en: en sag har nøjagtig én Ejer,
  Ansvarlig, Primær klasse, Handlingsklasse, IT-system master og Afsender; dens tilstande
  begynder med Opstaaet og går kun frem; hver virkning er registreret af en Bruger eller et
  ItSystem; sagsnummer, brugervendt nøgle og titel står på én linje. sp-contract afviser en
  sådan sag før afsendelse og navngiver anvisningen; indekset (mocken) bruger de samme regler og
  svarer med en StatusKode, der ikke er 20. Primær klasse skal desuden være et KLE-emne og
  Handlingsklasse en handlingsfacet, begge som Klasse-UUID'er fra Klassifikation.

  Baggrund:
    Givet en godkendt serviceaftale for SF1470
    Og en sag "mangelfuld" for borgeren "barn2" med KLE "27.35.04" og handlingsfacet "G01"

  Abstrakt Scenario: En sag uden relationen <relation> afvises før afsendelse
    Givet sagen "mangelfuld" mangler relationen "<relation>"
    Når jeg indekserer sagen "mangelfuld"
    Så kaldet blev afvist før afsendelse med beskeden "anvisning 'relationer': the required relation '<relation>'"

    Eksempler:
      | relation         |
      | Ejer             |
      | Ansvarlig        |
      | Primær klasse    |
      | Handlingsklasse  |
      | IT-system master |
      | Afsender         |

  Scenarie: En sag uden primær part og primær behandler kan indekseres
    Givet en sag "uden-part" for borgeren "barn2" med KLE "32.03.04" og handlingsfacet "G01"
    Og sagen "uden-part" mangler relationen "Primær part"
    Og sagen "uden-part" mangler relationen "Primær behandler"
    Når jeg indekserer sagen "uden-part"
    Så indekset svarer OK

  Scenarie: Indekset afviser selv en sag uden Ejer, og den kommer ikke i indekset
    Givet anvisningerne kontrolleres ikke før afsendelse
    Og sagen "mangelfuld" mangler relationen "Ejer"
    Når jeg indekserer sagen "mangelfuld"
    Så indekset svarer med statuskoden 40
    Og indekset afviser kaldet med begrundelsen "anvisning 'relationer': the required relation 'Ejer'"
    Og svaret matcher det godkendte snapshot
    Når jeg søger i indekset efter sager for borgeren "barn2"
    Så søgningen finder ingen sager

  Scenarie: En sag, der er importeret uden tilstanden Opstaaet, afvises før afsendelse
    Givet sagen "mangelfuld" har tilstandene "Oplyst, Afsluttet"
    Når jeg indekserer sagen "mangelfuld"
    Så kaldet blev afvist før afsendelse med beskeden "anvisning 'tilstandsforløb': an import carries every earlier state, so the first Fremdrift is Opstaaet, not 'Oplyst'"

  Scenarie: Tilstande, der går baglæns, afvises af indekset
    Givet anvisningerne kontrolleres ikke før afsendelse
    Og sagen "mangelfuld" har tilstandene "Opstaaet, Afgjort, Oplyst"
    Når jeg indekserer sagen "mangelfuld"
    Så indekset afviser kaldet med begrundelsen "'Oplyst' follows 'Afgjort'"
    Og svaret matcher det godkendte snapshot

  Scenarie: En sag registreret af en organisation afvises før afsendelse
    Givet sagen "mangelfuld" registreres af aktørtypen "Organisation"
    Når jeg indekserer sagen "mangelfuld"
    Så kaldet blev afvist før afsendelse med beskeden "anvisning 'AktoerTypeKode': AktoerTypeKode 'Organisation'"

  Scenarie: En KLE-klasse, som Klassifikation ikke kender, afvises af indekset
    Givet sagen "mangelfuld" har den primære klasse "daabc515-703d-4077-921a-3688daf6b79f"
    Når jeg indekserer sagen "mangelfuld"
    Så indekset afviser kaldet med begrundelsen "not a KLE emne in Klassifikation"
    Og svaret matcher det godkendte snapshot

  Scenarie: En handlingsfacet som primær klasse afvises af indekset
    Givet sagen "mangelfuld" har den primære klasse "9fd4dd3d-4297-482c-842f-2851c8f2653b"
    Når jeg indekserer sagen "mangelfuld"
    Så indekset afviser kaldet med begrundelsen "(G01), which is not a KLE emne"

  Abstrakt Scenario: Et KLE-nummer eller en handlingsfacet, der ikke findes eller er skrevet forkert, afvises før afsendelse: <kle> <facet>
    Givet en sag "forkert-kle" for borgeren "barn2" med KLE "<kle>" og handlingsfacet "<facet>"
    Når jeg indekserer sagen "forkert-kle"
    Så kaldet blev afvist før afsendelse med beskeden "<besked>"

    Eksempler:
      | kle      | facet | besked                                 |
      | 99.99.99 | G01   | KLE emne 99.99.99 is not in the KLE catalogue |
      | 27.35    | G01   | '27.35' is not a KLE emne number       |
      | 27.35.04 | Z99   | handlingsfacet Z99 is not in the KLE catalogue |
      | 27.35.04 | g01   | 'g01' is not a handlingsfacet          |
