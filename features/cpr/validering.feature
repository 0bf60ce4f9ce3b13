# language: da
@SF1520 @cpr
Egenskab: CPR-numre kontrolleres, før noget sendes
  Et ugyldigt CPR-nummer må aldrig nå Serviceplatformen: det afvises lokalt med en
  besked, der siger hvad der er galt. Gyldige numre uden modulus 11 afvises ikke.

  Abstrakt Scenario: Ugyldigt CPR-nummer afvises før afsendelse: <hvorfor>
    Når jeg slår CPR-nummeret "<nummer>" op i CPR
    Så kaldet blev afvist før afsendelse med beskeden "<besked>"

    Eksempler:
      | hvorfor             | nummer      | besked                   |
      | dag 32              | 3201801234  | not a valid birth date   |
      | måned 13            | 0113801234  | not a valid birth date   |
      | 29. feb. i 1900     | 2902001234  | not a valid birth date   |
      | for kort            | 010180123   | must be 10 digits        |
      | bogstaver           | 01018O1234  | must be 10 digits        |
      | tomt                |             | must be 10 digits        |
