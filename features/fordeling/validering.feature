# language: da
@SF2900 @fordeling
Egenskab: KLE, CVR og journalnotat kontrolleres, før noget sendes
  Et objekt med ugyldig KLE-mærkning, et tomt journalnotat eller et ugyldigt CVR-nummer når
  aldrig Fordelingskomponenten: det afvises lokalt med en besked, der nævner den forkerte
  værdi. KLE-emner skrives NN.NN.NN, handlingsfacetter som et stort bogstav (også Æ, Ø, Å)
  og to cifre.

  Abstrakt Scenario: Ugyldigt KLE-emne afvises før afsendelse: <hvorfor>
    Når jeg sender et journalnotat med KLE "<kle>"
    Så kaldet blev afvist før afsendelse med beskeden "<besked>"

    Eksempler:
      | hvorfor          | kle       | besked                                    |
      | ét ciffer        | 32.3.04   | KLE emne '32.3.04' is not valid           |
      | bindestreger     | 32-30-04  | KLE emne '32-30-04' is not valid          |
      | bogstaver        | AB.CD.EF  | KLE emne 'AB.CD.EF' is not valid          |
      | tomt             |           | KLE emne '' is not valid                  |
      | wildcard         | 01.01.*   | only belongs in a fordelingsregel         |

  Abstrakt Scenario: Ugyldig handlingsfacet afvises før afsendelse: <facet>
    Når jeg sender et journalnotat med KLE "32.30.04" og handlingsfacet "<facet>"
    Så kaldet blev afvist før afsendelse med beskeden "KLE handlingsfacet '<facet>' is not valid"

    Eksempler:
      | facet |
      | g01   |
      | G1    |
      | G001  |
      | ,01   |

  Scenarie: En handlingsfacet med Ø er gyldig og sendes
    Når jeg slår modtageren op for KLE "32.30.04" og handlingsfacet "Ø01"
    Så svaret er en succes

  Scenarie: Et tomt journalnotat afvises før afsendelse
    Når jeg sender et journalnotat med KLE "32.30.04" og handlingsfacet "G01"
      """
      """
    Så kaldet blev afvist før afsendelse med beskeden "the journal note is empty"

  Scenarie: Et ugyldigt CVR-nummer afvises før afsendelse
    Når jeg sender et journalnotat med KLE "32.30.04" for CVR "2918984"
    Så kaldet blev afvist før afsendelse med beskeden "CVR '2918984' is not valid"
