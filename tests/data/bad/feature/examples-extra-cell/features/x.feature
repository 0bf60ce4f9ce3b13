# language: da
@SF1520
Egenskab: For mange celler

  Abstrakt Scenario: Opslag af <borger>
    Givet en godkendt serviceaftale for SF1520
    Når jeg slår borgeren "<borger>" op i CPR
    Så svaret er en succes

    Eksempler:
      | borger |
      | far    | mor |
      | barn1  |
