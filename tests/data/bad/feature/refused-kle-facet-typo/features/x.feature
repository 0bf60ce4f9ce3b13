# language: da
Egenskab: lokal afvisning
  Scenarie: s
    Når jeg sender en formular med KLE "32.30.04" og handlingsfacet "g01"
    Så kvitteringen er "ACCEPTERET"
