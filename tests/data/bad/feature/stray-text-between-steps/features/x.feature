# language: da
@SF1520
Egenskab: Løs tekst

  Scenarie: Opslag
    Givet en godkendt serviceaftale for SF1520
    Når jeg slår borgeren "far" op i CPR
    her mangler et nøgleord
    Så svaret er en succes
