# language: da
Egenskab: lokal afvisning
  Scenarie: s
    Når jeg sender denne MeMo med SF1601 som "Digital Post":
      """
      <memo:Message xmlns:memo="https://DigitalPost.dk/MeMo-1"><memo:id>{{cpr:ingen-saadan}}</memo:id></memo:Message>
      """
    Så platformen har modtaget brevet
