# language: da
@SF2900 @fordeling @adgang
Egenskab: Adgang til Fordelingskomponenten kræver AuthorityContext og en godkendt serviceaftale
  SF2900 kaldes med sikkerhedsmodellen AuthorityContext: kaldet nævner den kommune, der
  kaldes på vegne af (MunicipalityCVR), og certifikatet udpeger it-systemet, som skal have
  en godkendt serviceaftale med kommunen. Kun fejlteksten for et kald uden
  sikkerhedskontekst er offentlig; snapshottet for hvert miljø viser resten.

  Scenarie: Kald uden AuthorityContext afvises med platformens fejl
    Givet kaldet sendes uden sikkerhedskontekst
    Når jeg slår modtageren op for KLE "32.30.04" og handlingsfacet "G01"
    Så svaret er en SOAP-fejl
    Og fejlteksten indeholder "Security model for the called operation was not provided. The following are supported: [KombitToken, AuthorityContext]"
    Og svaret matcher det godkendte snapshot

  Scenarie: Kald på vegne af en kommune uden serviceaftale afvises
    Givet kaldet sendes på vegne af myndigheden med CVR "11111111"
    Når jeg slår modtageren op for KLE "32.30.04" og handlingsfacet "G01"
    Så svaret er en SOAP-fejl
    Og fejlteksten indeholder "11111111"
    Og svaret matcher det godkendte snapshot

  Scenarie: Certifikat, der ikke er registreret på noget it-system, afvises
    Givet systemet bruger certifikatet "uregistreret"
    Når jeg slår modtageren op for KLE "32.30.04" og handlingsfacet "G01"
    Så svaret er en SOAP-fejl
    Og svaret matcher det godkendte snapshot
