# language: da
@OiR @SF7002 @modelleret
Egenskab: Fagsystemets sortiment i Fælleskommunalt Klassifikationssystem (ØiR)
  Hvad et fagsystem må sende til kommunens økonomisystem, er afgrænset af dets sortiment:
  den delmængde af konti og dimensioner, der er fastlagt centralt til netop den brug. Et
  sortiment har versioner med gyldighedsperioder. Snapshottet af sortimentet gør en ændring
  synlig som en forskel i de natlige kørsler.

  Sortimentet overføres med SF7002 (Overfør Sortiment til Abonnent). Meddelelsesformatet er
  modelleret (FK-ØKO's snitflader er ikke offentlige): scenarierne kører kun mod
  sp-contracts egen mock.

  Baggrund:
    Givet en godkendt serviceaftale for SF7002

  Scenarie: Sortimentet indeholder de forventede konti og dimensioner
    Når jeg henter sortimentet "KY-ydelser" gældende "2026-03-01"
    Så svaret er en succes
    Og ØiR svarer med statuskoden 20
    Og sortimentet har version 2
    Og sortimentet er gyldigt fra "2026-01-01" indtil videre
    Og sortimentet indeholder elementerne:
      | type            | nøgle   | titel                    |
      | Konto           | 5.57.72 | Sociale formål           |
      | Konto           | 5.48.67 | Personlige tillæg m.v.   |
      | Art             | 5.2     | Overførsler til personer |
      | Omkostningssted | 4100    | Jobcenter                |
      | Omkostningssted | 4300    | Borgerservice            |
    Og svaret matcher det godkendte snapshot

  Scenarie: Den tidligere version gjaldt et afgrænset år
    Når jeg henter sortimentet "KY-ydelser" gældende "2025-06-01"
    Så sortimentet har version 1
    Og sortimentet er gyldigt fra "2025-01-01" til "2025-12-31"
    Og sortimentet indeholder kontoen "5.57.73"
    Og sortimentet indeholder ikke kontoen "5.48.67"
    Og svaret matcher det godkendte snapshot

  Scenarie: Et sortiment, der ikke er tildelt systemet, udleveres ikke
    Når jeg henter sortimentet "Debitor" gældende "2026-03-01"
    Så ØiR svarer med statuskoden 44
    Og svaret matcher det godkendte snapshot

  Scenarie: Ingen version er gyldig før sortimentet trådte i kraft
    Når jeg henter sortimentet "KY-ydelser" gældende "2024-12-31"
    Så ØiR svarer med statuskoden 44
    Og feltet "Sortiment" findes ikke
