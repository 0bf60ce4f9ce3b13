# language: xx
Egenskab: Ukendt sprog

  Scenarie: Opslag
    Givet en godkendt serviceaftale for SF1520
