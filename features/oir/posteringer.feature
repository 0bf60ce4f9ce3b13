# language: da
@OiR @SF1590A @modelleret @writes
Egenskab: Økonomiposteringer skal ligge inden for sortimentet (ØiR)
  Et fagsystem som KY sender økonomiposteringer til kommunens økonomisystem. En postering
  uden for sortimentet er forkerte data i kommunens regnskab: modtageren afviser den og
  siger hvilken konto eller dimension, der ikke er i sortimentet. Posteringen kontrolleres
  mod den version, der gælder på posteringsdatoen.

  Posteringerne sendes med SF1590_A til Serviceplatformens "ØiR ModtagFinansbilag v2"
  (adresse og entityID er offentlige). Meddelelsesformatet er modelleret (FK-ØKO's
  snitflader er ikke offentlige): scenarierne kører kun mod sp-contracts egen mock.

  Baggrund:
    Givet systemet bogfører efter sortimentet "KY-ydelser"

  Scenarie: En postering inden for sortimentet accepteres
    Når jeg sender økonomiposteringerne:
      | beløb    | konto   | dato       | Art | Omkostningssted | tekst                  |
      | 1.250,00 | 5.57.72 | 2026-03-15 | 5.2 | 4100            | Hjælp til sociale formål |
    Så økonomiposteringen accepteres
    Og økonomiposteringen er kontrolleret mod sortimentets version 2
    Og svaret matcher det godkendte snapshot

  Scenarie: En postering på en konto uden for sortimentet afvises med kontoens nummer
    Når jeg sender en økonomipostering på "830,00" kr. på kontoen "5.22.07" dateret "2026-03-15"
    Så økonomiposteringen afvises med begrundelsen "Konto 5.22.07 is not in sortiment KY-ydelser version 2"
    Og svaret matcher det godkendte snapshot

  Scenarie: En postering med en dimension uden for sortimentet afvises med dimensionen
    Når jeg sender økonomiposteringerne:
      | beløb  | konto   | dato       | Omkostningssted |
      | 100,00 | 5.57.72 | 2026-03-15 | 4100            |
      | 200,00 | 5.57.72 | 2026-03-15 | 9999            |
    Så økonomiposteringerne afvises med begrundelsen "Postering 2: Omkostningssted 9999 is not in sortiment KY-ydelser"
    Og ØiR svarer med statuskoden 40
    Og svaret matcher det godkendte snapshot

  Scenarie: En postering dateret uden for sortimentets gyldighed afvises
    Når jeg sender en økonomipostering på "830,00" kr. på kontoen "5.57.72" dateret "2024-12-31"
    Så økonomiposteringen afvises med begrundelsen "Posteringsdato 2024-12-31 is outside the validity of sortiment KY-ydelser"
    Og svaret matcher det godkendte snapshot

  @SF7002
  Scenarie: En ny version af sortimentet tages i brug på sin ikrafttrædelsesdato
    Når jeg henter sortimentet "KY-ydelser" gældende "2025-12-31"
    Så sortimentet har version 1
    Og sortimentet indeholder ikke kontoen "5.48.67"
    Når jeg henter sortimentet "KY-ydelser" gældende "2026-01-01"
    Så sortimentet har version 2
    Og sortimentet indeholder kontoen "5.48.67"
    Når jeg sender en økonomipostering på "412,50" kr. på kontoen "5.48.67" dateret "2026-01-01"
    Så økonomiposteringen accepteres
    Og økonomiposteringen er kontrolleret mod sortimentets version 2
    Når jeg sender en økonomipostering på "412,50" kr. på kontoen "5.48.67" dateret "2025-12-31"
    Så økonomiposteringen afvises med begrundelsen "Konto 5.48.67 is not in sortiment KY-ydelser version 1"

  Abstrakt Scenario: Et beløb, der ikke er positivt, afvises af modtageren: <beløb>
    Når jeg sender en økonomipostering på "<beløb>" kr. på kontoen "5.57.72" dateret "2026-03-15"
    Så økonomiposteringen afvises med begrundelsen "must be greater than 0"

    Eksempler:
      | beløb   |
      | 0,00    |
      | -100,00 |

  Abstrakt Scenario: Et beløb, der ikke er et beløb, afvises før afsendelse: <beløb>
    Når jeg sender en økonomipostering på "<beløb>" kr. på kontoen "5.57.72" dateret "2026-03-15"
    Så kaldet blev afvist før afsendelse med beskeden "<besked>"

    Eksempler:
      | beløb  | besked                     |
      | 12,345 | has more than two decimals |
      | mange  | is not an amount           |
      | 1,2,3  | is not an amount           |

  Scenarie: I en samling posteringer har hver postering sin egen kvittering
    Når jeg sender økonomiposteringerne:
      | beløb  | konto   | dato       | Omkostningssted |
      | 100,00 | 5.57.72 | 2026-03-15 | 4100            |
      | 200,00 | 5.57.72 | 2026-03-15 | 9999            |
    Så ØiR svarer med statuskoden 40
    Og posteringen nr. 1 accepteres
    Og posteringen nr. 2 afvises med begrundelsen "Omkostningssted 9999"
