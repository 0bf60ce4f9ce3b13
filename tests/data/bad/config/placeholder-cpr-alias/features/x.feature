# language: da
Egenskab: eksempel-konfiguration
  Scenarie: s
    Når jeg slår borgeren "far" op i CPR
    Så borgerens navn er "Peter Testesen"
