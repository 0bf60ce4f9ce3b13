# language: da
@SF1520 @borger-1503801015
Egenskab: Opslag af 1503801015

  Scenarie: Opslag af 1503801015
    Givet en godkendt serviceaftale for SF1520
    Når jeg slår borgeren "far" op i CPR
    Så svaret er en succes
    Og svaret matcher det godkendte snapshot
