# language: da
@SF2900 @fordeling @writes @modelleret
Egenskab: Den mest specifikke fordelingsregel vinder
  Fordelingsregler er nøglet på myndighedens CVR, KLE-emne og eventuelt handlingsfacet, og
  kan være wildcards under gruppeniveau (01.01.*). Hvilken regel der vinder, når flere
  passer, er ikke offentligt beskrevet. Mocken modellerer: emne + handlingsfacet, så emne,
  så wildcard (se mocks/README.md). Scenarierne her kontrollerer den rækkefølge; mod et
  rigtigt miljø viser de, om kommunens regler giver samme resultat.

  Scenarie: Et wildcard under gruppeniveau fordeler alle emner i gruppen
    Givet en fordelingsregel sender KLE "01.01.*" for CVR "29189846" til "ESDH"
    Når jeg sender et journalnotat med KLE "01.01.05"
    Så kvitteringen er "ACCEPTERET"
    Og objektet er leveret til "ESDH"
    Og svaret matcher det godkendte snapshot

  Abstrakt Scenario: En regel for det bestemte emne går forud for wildcardet: <kle>
    Givet en fordelingsregel sender KLE "01.01.*" for CVR "29189846" til "ESDH"
    Og en fordelingsregel sender KLE "01.01.10" for CVR "29189846" til "Byggesag"
    Når jeg sender et journalnotat med KLE "<kle>"
    Så kvitteringen er "ACCEPTERET"
    Og objektet er leveret til "<modtager>"

    Eksempler:
      | kle      | modtager |
      | 01.01.10 | Byggesag |
      | 01.01.11 | ESDH     |

  Abstrakt Scenario: En regel med handlingsfacet går forud for reglen kun med emnet: <facet>
    Givet en fordelingsregel sender KLE "32.30.04" for CVR "29189846" til "ESDH"
    Og en fordelingsregel sender KLE "32.30.04" med handlingsfacet "G01" for CVR "29189846" til "KSD"
    Når jeg sender et journalnotat med KLE "32.30.04" og handlingsfacet "<facet>"
    Så kvitteringen er "ACCEPTERET"
    Og objektet er leveret til "<modtager>"

    Eksempler:
      | facet | modtager |
      | G01   | KSD      |
      | P35   | ESDH     |

  Scenarie: Uden handlingsfacet gælder reglen kun med emnet
    Givet en fordelingsregel sender KLE "32.30.04" for CVR "29189846" til "ESDH"
    Og en fordelingsregel sender KLE "32.30.04" med handlingsfacet "G01" for CVR "29189846" til "KSD"
    Når jeg sender et journalnotat med KLE "32.30.04"
    Så objektet er leveret til "ESDH"
