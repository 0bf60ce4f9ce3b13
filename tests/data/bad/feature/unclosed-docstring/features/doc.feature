# language: da
Egenskab: Docstring
  Scenarie: Et journalnotat
    Når jeg sender et journalnotat med KLE "32.30.04" og handlingsfacet "G01"
      """
      Notatet slutter aldrig
