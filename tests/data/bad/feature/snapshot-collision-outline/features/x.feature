# language: da
@SF1520
Egenskab: Gentagen række

  Abstrakt Scenario: Opslag af <borger>
    Givet en godkendt serviceaftale for SF1520
    Når jeg slår borgeren "<borger>" op i CPR
    Så svaret matcher det godkendte snapshot

    Eksempler:
      | borger |
      | far    |
      | mor    |
      | far    |
