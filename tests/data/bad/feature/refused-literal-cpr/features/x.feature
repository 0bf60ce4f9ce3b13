# language: da
Egenskab: lokal afvisning
  Scenarie: s
    Når jeg slår CPR-nummeret "3213801234" op i CPR
    Så borgerens navn er "Peter Testesen"
