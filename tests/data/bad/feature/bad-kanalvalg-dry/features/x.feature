# language: da
Egenskab: lokal afvisning
  Scenarie: s
    Givet et brev til "far" med titlen "Afgørelse"
    Når jeg sender brevet med SF1600 med kanalvalg "X"
    Så platformen har modtaget brevet
