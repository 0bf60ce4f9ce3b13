# language: da
Egenskab: lokal afvisning
  Scenarie: s
    Givet systemet bogfører efter sortimentet "KY-ydelser"
    Når jeg sender økonomiposteringerne:
      | beløb  | konto   | dato       |
      | 100,00 | 5.57.72 | 2026-02-30 |
    Så økonomiposteringerne accepteres
