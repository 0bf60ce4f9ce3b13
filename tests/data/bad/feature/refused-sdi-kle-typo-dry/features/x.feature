# language: da
Egenskab: lokal afvisning
  Scenarie: s
    Givet en sag "s" for borgeren "barn2" med KLE "27.35.4" og handlingsfacet "G01"
    Når jeg indekserer sagen "s"
    Så indekset svarer med statuskoden 20
