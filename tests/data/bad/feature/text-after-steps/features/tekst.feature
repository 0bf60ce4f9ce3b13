# language: da
Egenskab: Tekst
  Scenarie: Et opslag
    Når jeg slår borgeren "far" op i CPR
    Foo bar
