# language: da
Egenskab: lokal afvisning
  Scenarie: s
    Givet systemet bogfører efter sortimentet "KY-ydelser"
    Når jeg sender en økonomipostering på "100,00" kr. på kontoen "5.57.72" dateret "15-03-2026"
    Så økonomiposteringen accepteres
