# language: da
Egenskab: lokal afvisning
  Scenarie: s
    Når jeg sender denne MeMo med SF1601 som "Digital Post":
      """
      <memo:Message xmlns:memo="https://DigitalPost.dk/MeMo-1" memoVersion="1.1" memoSchVersion="1.1.0"/>
      """
    Så platformen har modtaget brevet
