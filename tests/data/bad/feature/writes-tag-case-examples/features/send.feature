# language: da
@SF1520
Egenskab: Skriver, mærket på Eksempler med blandede bogstaver

  Abstrakt Scenario: Opslag af <borger>
    Givet en godkendt serviceaftale for SF1520
    Når jeg slår borgeren "<borger>" op i CPR
    Så svaret er en succes

    @wRiTeS
    Eksempler:
      | borger |
      | far    |
