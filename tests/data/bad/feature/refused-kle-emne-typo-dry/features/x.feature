# language: da
Egenskab: lokal afvisning
  Scenarie: s
    Når jeg sender et journalnotat med KLE "3230.04" og handlingsfacet "G01"
    Så kvitteringen er "ACCEPTERET"
