# language: da   	
@SF1520
Egenskab: Blanke

  Scenarie: Opslag
    Givet en godkendt serviceaftale for SF1520
    Når jeg slår borgeren "far" op i CPR
    Så svaret er en succes
