# language: da
@SF1520
Egenskab: Intet Så-trin

  Scenarie: Et opslag uden forventning
    Givet en godkendt serviceaftale for SF1520
    Når jeg slår borgeren "far" op i CPR
