# language: da
@SF1470 @sdi @modelled @writes
Egenskab: Indekset afviser sager, der mangler relationer eller ikke er klassificeret med KLE
  Indekset tager kun en sag, der har de relationer, SAPA og Borgerblikket bygger på: Ejer,
  Ansvarlig, Primær behandler, Primær part, Primær klasse, Handlingsklasse og IT-system
  master. Primær klasse skal være et KLE-emne og Handlingsklasse en handlingsfacet, begge
  som Klasse-UUID'er fra Klassifikation. Afvisningen siger hvorfor.

  Baggrund:
    Givet en godkendt serviceaftale for SF1470
    Og en sag "mangelfuld" for borgeren "barn2" med KLE "27.35.04" og handlingsfacet "G01"

  Abstrakt Scenario: En sag uden relationen <relation> afvises
    Givet sagen "mangelfuld" mangler relationen "<relation>"
    Når jeg indekserer sagen "mangelfuld"
    Så indekset afviser kaldet med begrundelsen "the required relation '<relation>'"
    Og svaret matcher det godkendte snapshot

    Eksempler:
      | relation         |
      | Ejer             |
      | Ansvarlig        |
      | Primær behandler |
      | Primær part      |
      | Primær klasse    |
      | Handlingsklasse  |
      | IT-system master |

  Scenarie: En afvist sag kommer ikke i indekset
    Givet sagen "mangelfuld" mangler relationen "Primær klasse"
    Når jeg indekserer sagen "mangelfuld"
    Så indekset svarer med statuskoden 40
    Når jeg søger i indekset efter sager for borgeren "barn2"
    Så søgningen finder ingen sager

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

  Scenarie: Kald uden sikkerhedskontekst afvises af platformen
    Givet kaldet sendes uden sikkerhedskontekst
    Når jeg indekserer sagen "mangelfuld"
    Så svaret er en SOAP-fejl
    Og fejlteksten indeholder "Security model for the called operation was not provided"
