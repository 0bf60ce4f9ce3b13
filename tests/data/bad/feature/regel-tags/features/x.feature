# language: da
@SF1520
Egenskab: Regler med tags

  @regel-tag
  Regel: Kendte borgere kan slås op

    Scenarie: Opslag
      Givet en godkendt serviceaftale for SF1520
      Når jeg slår borgeren "far" op i CPR
      Så svaret er en succes
