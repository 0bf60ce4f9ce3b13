# language: da  

Egenskab: BOM og CRLF
  Scenarie: Et opslag med BOM
    Når jeg slår borgeren "far" op i CPR
    Så svaret er en succes
