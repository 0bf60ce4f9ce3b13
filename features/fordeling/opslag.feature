# language: da
@SF2900 @fordeling
Egenskab: Opslag af modtagere (SF2900 FordelingsmodtagerList og FordelingsmodtagerValider)
  Før et fagsystem sender, kan det spørge Fordelingskomponenten, hvilket system kommunens
  regler sender et KLE-emne til, og om et bestemt system kan modtage for kommunen.
  Opslagene ændrer intet.

  Scenarie: Modtagerlisten viser det system, kommunens regel peger på
    Givet en fordelingsregel sender KLE "32.30.04" med handlingsfacet "G01" for CVR "29189846" til "KSD"
    Når jeg slår modtageren op for KLE "32.30.04" og handlingsfacet "G01"
    Så svaret er en succes
    Og modtagerlisten indeholder "KSD"
    Og svaret matcher det godkendte snapshot

  Scenarie: Modtagerlisten er tom, når ingen regel passer
    Givet ingen fordelingsregel sender KLE "27.24.00" for CVR "29189846"
    Når jeg slår modtageren op for KLE "27.24.00"
    Så svaret er en succes
    Og modtagerlisten er tom
    Og svaret matcher det godkendte snapshot

  Scenarie: KSD kan modtage for kommunen, men ikke for en kommune uden regler til KSD
    Givet en fordelingsregel sender KLE "32.30.04" med handlingsfacet "G01" for CVR "29189846" til "KSD"
    Når jeg spørger, om "KSD" kan modtage for CVR "29189846"
    Så "KSD" kan modtage
    Og svaret matcher det godkendte snapshot
    Når jeg spørger, om "KSD" kan modtage for CVR "11111111"
    Så "KSD" kan ikke modtage
