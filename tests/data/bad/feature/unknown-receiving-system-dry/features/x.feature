# language: da
Egenskab: lokal afvisning
  Scenarie: s
    Når jeg spørger, om "Ukendt" kan modtage for CVR "29189846"
    Så "Ukendt" kan modtage
