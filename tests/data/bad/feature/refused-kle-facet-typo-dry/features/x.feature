# language: da
Egenskab: lokal afvisning
  Scenarie: s
    Når jeg slår modtageren op for KLE "32.30.04" og handlingsfacet "G1"
    Så modtagerlisten indeholder "KSD"
