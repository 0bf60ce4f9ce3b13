# language: da
Egenskab: lokal afvisning
  Scenarie: s
    Når jeg slår CPR-nummeret "12345" op i CPR
    Så borgerens navn er "Peter Testesen"
