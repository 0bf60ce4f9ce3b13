# language: da
@SF1520
Egenskab: Skriver med blandet store og små bogstaver

  @Writes
  Scenarie: Et opslag der regnes for en skrivning
    Givet en godkendt serviceaftale for SF1520
    Når jeg slår borgeren "far" op i CPR
    Så svaret er en succes
