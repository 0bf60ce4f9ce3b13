# language: da
Egenskab: lokal afvisning
  Scenarie: s
    Givet systemet bogfører efter sortimentet "KY-ydelser"
    Når jeg sender økonomiposteringerne:
      | beløb     | konto   | dato       |
      | ti kroner | 5.57.72 | 2026-03-15 |
    Så økonomiposteringerne accepteres
