# language: da
Egenskab: Regler
  @regel-tag
  Regel: En regel med tags
    Scenarie: Et opslag i en regel
      Når jeg slår borgeren "far" op i CPR
      Så svaret er en succes
