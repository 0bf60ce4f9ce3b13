# language: da
Egenskab: lokal afvisning
  Scenarie: s
    Når jeg henter sortimentet "KY-ydelser" gældende "1. marts 2026"
    Så sortimentet har version 2
