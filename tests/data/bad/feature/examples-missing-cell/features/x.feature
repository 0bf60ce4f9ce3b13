# language: da
@SF1520
Egenskab: For få celler

  Abstrakt Scenario: Opslag af <borger> <x>
    Givet en godkendt serviceaftale for SF1520
    Når jeg slår borgeren "<borger>" op i CPR
    Så svaret er en succes

    Eksempler:
      | borger | x |
      | far    | 1 |

      | mor    |
      | barn1  | 3 |
