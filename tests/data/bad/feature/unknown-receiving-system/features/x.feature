# language: da
Egenskab: lokal afvisning
  Scenarie: s
    Når jeg sender et journalnotat med KLE "32.30.04" direkte til "Ukendt"
    Så kvitteringen er "ACCEPTERET"
