# language: da
Egenskab: eksempel-konfiguration
  Scenarie: s
    Givet et brev til "mor" med titlen "Afgørelse"
    Når jeg sender brevet med SF1601 som "Digital Post"
    Så platformen har modtaget brevet
