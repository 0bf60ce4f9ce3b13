# language: da
Egenskab: lokal afvisning
  Scenarie: s
    Givet et brev til "far" med titlen "Afgørelse"
    Når jeg sender brevet med SF1601 som "Digitalpost"
    Så platformen har modtaget brevet
