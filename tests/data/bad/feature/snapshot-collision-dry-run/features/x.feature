# language: da
@SF1520
Egenskab: Kollision

  Baggrund:
    Givet en godkendt serviceaftale for SF1520

  Scenarie: Kendt borger!
    Når jeg slår borgeren "far" op i CPR
    Så svaret matcher det godkendte snapshot

  Scenarie: kendt borger?
    Når jeg slår borgeren "mor" op i CPR
    Så svaret matcher det godkendte snapshot
