# language: da
@post
Egenskab: Er borgeren tilmeldt Digital Post? (SF1601 PostForespoerg, SF1600 spoergTilmelding)
  Tilmeldingen er den samme, som CPR-opslaget (SF1520) viser i tilmeldtDigitalpost og
  tilmeldtNemsms: de to tjenester skal være enige.

  @SF1601
  Scenarie: Tilmeldt borger er tilmeldt Digital Post ifølge PostForespoerg
    Når jeg spørger SF1601, om "far" er tilmeldt Digital Post
    Så svaret er en succes
    Og svaret siger, at borgeren er tilmeldt
    Og svaret matcher det godkendte snapshot

  @SF1601
  Scenarie: Fritaget borger er ikke tilmeldt Digital Post ifølge PostForespoerg
    Når jeg spørger SF1601, om "ikke-tilmeldt" er tilmeldt Digital Post
    Så svaret siger, at borgeren ikke er tilmeldt

  @SF1601
  Abstrakt Scenario: NemSMS-tilmelding ifølge PostForespoerg: <borger>
    Når jeg spørger SF1601, om "<borger>" er tilmeldt NemSMS
    Så svaret siger, at borgeren <svar>

    Eksempler:
      | borger | svar             |
      | mor    | er tilmeldt      |
      | far    | ikke er tilmeldt |

  @SF1600
  Scenarie: spoergTilmelding og CPR er enige om en tilmeldt borger
    Når jeg spørger SF1600, om "far" er tilmeldt Digital Post
    Så svaret er en succes
    Og svaret siger, at borgeren er tilmeldt
    Og svaret matcher det godkendte snapshot

  @SF1600
  Scenarie: spoergTilmelding for en borger, der ikke er tilmeldt
    Når jeg spørger SF1600, om "barn1" er tilmeldt Digital Post
    Så svaret siger, at borgeren ikke er tilmeldt

  @SF1600
  Scenarie: spoergTilmelding med en ukendt serviceaftale afvises
    Givet en ukendt serviceaftale for SF1600
    Når jeg spørger SF1600, om "far" er tilmeldt Digital Post
    Så svaret er en SOAP-fejl
    Og svaret matcher det godkendte snapshot
