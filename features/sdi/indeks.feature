# language: da
@SF1470 @sdi
Egenskab: Sager i Sags- og Dokumentindekset (SF1470)
  Et fagsystem indekserer sine sager i Sags- og Dokumentindekset, så SAPA og Borgerblikket
  kan vise sagsbehandleren og borgeren alle sager på tværs af systemer. Sagen skal kunne
  findes på partens CPR-nummer og på KLE-emnet, dens status skal kunne opdateres, og en
  fjernet sag må ikke længere findes.

  Beskederne følger KOMBITs officielle kontrakt for SagDokumentIndeks v6 (XSD'erne i
  `schemas/SF1470-SagDokumentIndeks-v6`), med RequestHeader/TransactionUUID i SOAP-headeren.
  Hvert scenarie bruger sin egen borger (og kun ét søger på KLE 27.35.04), så de også holder
  mod `mock serve`, hvor alle kald deler ét indeks.

  Baggrund:
    Givet en godkendt serviceaftale for SF1470

  @writes
  Scenarie: En indekseret sag findes på borgerens CPR-nummer og på KLE-emnet
    Givet en sag "boligstøtte" for borgeren "far" med KLE "27.35.04" og handlingsfacet "G01"
    Og sagen "boligstøtte" har titlen "Ansøgning om boligstøtte"
    Når jeg indekserer sagen "boligstøtte"
    Så indekset svarer OK
    Og indekset svarer med kaldets TransactionUUID
    Og svaret matcher det godkendte snapshot "importer"
    Når jeg søger i indekset efter sager for borgeren "far"
    Så søgningen finder sagen "boligstøtte"
    Og i søgeresultatet har sagen "boligstøtte" titlen "Ansøgning om boligstøtte"
    Og i søgeresultatet har sagen "boligstøtte" parten borgeren "far"
    Og der er 1 forekomster af "//SagFiltreretOejebliksbillede"
    Og svaret matcher det godkendte snapshot "part"
    Når jeg søger i indekset efter sager med KLE "27.35.04"
    Så søgningen finder sagen "boligstøtte"
    Og der er 1 forekomster af "//SagFiltreretOejebliksbillede"

  @writes
  Scenarie: En sag for en virksomhed findes på CVR-nummeret
    Givet en sag "byggetilladelse" for virksomheden "12345674" med KLE "32.03.04" og handlingsfacet "A00"
    Når jeg indekserer sagen "byggetilladelse"
    Så indekset svarer OK
    Når jeg søger i indekset efter sager for virksomheden "12345674"
    Så søgningen finder sagen "byggetilladelse"
    Og i søgeresultatet har sagen "byggetilladelse" parten virksomheden "12345674"
    Og svaret matcher det godkendte snapshot

  @writes
  Scenarie: Sagens status opdateres i indekset
    Givet en sag "pension" for borgeren "mor" med KLE "32.03.04" og handlingsfacet "G01"
    Når jeg indekserer sagen "pension"
    Så indekset svarer OK
    Når jeg søger i indekset efter sager for borgeren "mor"
    Så i søgeresultatet har sagen "pension" status "Opstået"
    Når jeg opdaterer sagen "pension" til status "Afsluttet"
    Så indekset svarer OK
    Og svaret matcher det godkendte snapshot "opdater"
    Når jeg søger i indekset efter sager for borgeren "mor"
    Så i søgeresultatet har sagen "pension" status "Afsluttet"

  @writes
  Scenarie: En fjernet sag findes ikke længere
    Givet en sag "henvendelse" for borgeren "barn1" med KLE "32.03.04" og handlingsfacet "P35"
    Når jeg indekserer sagen "henvendelse"
    Så indekset svarer OK
    Når jeg fjerner sagen "henvendelse" fra indekset
    Så indekset svarer OK
    Og svaret matcher det godkendte snapshot "fjern"
    Når jeg søger i indekset efter sager for borgeren "barn1"
    Så søgningen finder ikke sagen "henvendelse"
    Og søgningen finder ingen sager

  @writes
  Scenarie: En sag, der ikke er i indekset, kan ikke fjernes
    Givet en sag "aldrig-indekseret" for borgeren "barn1" med KLE "32.03.04" og handlingsfacet "G01"
    Når jeg fjerner sagen "aldrig-indekseret" fra indekset
    Så indekset svarer med statuskoden 44
    Og indekset afviser kaldet med begrundelsen "is not in the index"

  Scenarie: Søgning på en borger uden sager giver et tomt resultat
    Når jeg søger i indekset efter sager for borgeren "ikke-tilmeldt"
    Så indekset svarer OK
    Og søgningen finder ingen sager
    Og svaret matcher det godkendte snapshot

  @writes
  Scenarie: En afsluttet sag indekseres med hele sit forløb og kan sorteres fra
    Givet en sag "gammel" for borgeren "beskyttet" med KLE "32.03.04" og handlingsfacet "G01"
    Og sagen "gammel" har status "Afsluttet"
    Og en sag "aktuel" for borgeren "beskyttet" med KLE "32.03.04" og handlingsfacet "G01"
    Når jeg indekserer sagen "gammel"
    Så indekset svarer OK
    Når jeg indekserer sagen "aktuel"
    Så indekset svarer OK
    Når jeg søger i indekset efter sager for borgeren "beskyttet"
    Så i søgeresultatet har sagen "gammel" status "Afsluttet"
    Og der er 2 forekomster af "//SagFiltreretOejebliksbillede"
    Når jeg søger i indekset efter sager for borgeren "beskyttet" som ikke har status "Afsluttet"
    Så søgningen finder sagerne "aktuel" i den rækkefølge
    Og svaret matcher det godkendte snapshot "ikke-afsluttet"

  @writes
  Scenarie: Søgning på to borgere med ELLER, sorteret efter titel og kun med egenskaberne
    Givet en sag "a" for borgeren "modulus11-undtagelse" med KLE "32.03.04" og handlingsfacet "G01"
    Og sagen "a" har titlen "Bbb"
    Og en sag "b" for borgeren "ukendt" med KLE "32.03.04" og handlingsfacet "G01"
    Og sagen "b" har titlen "Aaa"
    Og søgningen sorteres efter "Titel" stigende
    Og søgningen viser kun "egenskaber"
    Når jeg indekserer sagen "a"
    Og jeg indekserer sagen "b"
    Og jeg søger i indekset efter sager for borgerne "modulus11-undtagelse" eller "ukendt"
    Så søgningen finder sagerne "b", "a" i den rækkefølge
    Og der er 0 forekomster af "//Fremdrift"
    Og svaret matcher det godkendte snapshot
