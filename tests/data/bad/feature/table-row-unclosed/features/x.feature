# language: da
@SF1520
Egenskab: Åben række

  Scenarie: Felter
    Givet en godkendt serviceaftale for SF1520
    Når jeg slår borgeren "far" op i CPR
    Så svaret har felterne:
      | felt              | værdi |
      | persondata/koen   | M
