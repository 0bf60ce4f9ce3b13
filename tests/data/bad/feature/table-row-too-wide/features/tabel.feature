# language: da
Egenskab: Tabel
  Abstrakt Scenario: Opslag af <borger>
    Når jeg slår borgeren "<borger>" op i CPR
    Eksempler:
      | borger | note |
      | far    | x    | overskydende |
      | mor    | y    |
