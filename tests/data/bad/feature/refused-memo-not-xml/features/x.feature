# language: da
Egenskab: lokal afvisning
  Scenarie: s
    Når jeg sender denne MeMo med SF1601 som "Digital Post":
      """
      dette er ikke xml
      """
    Så platformen har modtaget brevet
