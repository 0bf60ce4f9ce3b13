# language: da
@SF1520
Egenskab: Kun beskrivelse

  Scenarie: Et scenarie med kun tekst
    Her står der bare hvad vi gerne ville teste,
    men ingen trin.
