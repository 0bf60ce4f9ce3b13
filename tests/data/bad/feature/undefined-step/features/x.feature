# language: da
Egenskab: opslag
  Scenarie: stavefejl
    Når jeg slår borgerne "far" op i CPR
    Så borgerens navn er "Peter Testesen"
