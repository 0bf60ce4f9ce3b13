# language: da
Egenskab: lokal afvisning
  Scenarie: s
    Når jeg sender denne MeMo med SF1601 som "Digital Post":
      """
      <Message xmlns="urn:noget-andet"/>
      """
    Så platformen har modtaget brevet
