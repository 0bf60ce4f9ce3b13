# language: da
Egenskab: lokal afvisning
  Scenarie: s
    Givet systemet bogfører efter sortimentet "Ukendt"
    Når jeg sender en økonomipostering på "100,00" kr. på kontoen "5.57.72" dateret "2026-03-15"
    Så økonomiposteringen accepteres
