# language: da
@SF1520 @adgang
Egenskab: Adgang til CPR-opslag kræver godkendt serviceaftale og registreret certifikat
  Serviceplatformen afviser kald uden sikkerhedskontekst, med en serviceaftale der ikke
  findes eller ikke er godkendt af kommunen, og fra et certifikat der ikke er registreret
  på it-systemet i Administrationsmodulet. Fejlteksterne for de tre sidste er ikke
  offentlige: snapshottet for hvert miljø viser, hvad platformen faktisk svarer.

  Scenarie: Kald uden sikkerhedskontekst afvises
    Givet kaldet sendes uden sikkerhedskontekst
    Når jeg slår borgeren "far" op i CPR
    Så svaret er en SOAP-fejl
    Og fejlteksten indeholder "Security model for the called operation was not provided"
    Og svaret matcher det godkendte snapshot

  Scenarie: Serviceaftale, der afventer kommunens godkendelse, afvises
    Givet serviceaftalen "afventende" for SF1520
    Når jeg slår borgeren "far" op i CPR
    Så svaret er en SOAP-fejl
    Og svaret matcher det godkendte snapshot

  Scenarie: Ukendt serviceaftale afvises
    Givet en ukendt serviceaftale for SF1520
    Når jeg slår borgeren "far" op i CPR
    Så svaret er en SOAP-fejl
    Og svaret matcher det godkendte snapshot

  Scenarie: Certifikat, der ikke er registreret på it-systemet, afvises
    Givet systemet bruger certifikatet "uregistreret"
    Når jeg slår borgeren "far" op i CPR
    Så svaret er en SOAP-fejl
    Og svaret matcher det godkendte snapshot
