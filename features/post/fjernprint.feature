# language: da
@post @SF1600
Egenskab: Breve gennem Print (SF1600 afsendBrev) med kanalvalg
  Kanalvalg A (automatisk på Serviceplatformen) og P (automatisk hos Fjernprint) sender til
  Digital Post, når borgeren er tilmeldt, ellers til fysisk post; D kræver tilmelding til
  Digital Post; F er altid fysisk post. Valget er modelleret i mocken (se README, "Post").

  @writes @beskedfordeler
  Scenarie: Kanalvalg A til en tilmeldt borger giver Digital Post
    Givet et brev til "far" med titlen "Afgørelse om boligstøtte"
    Når jeg sender brevet med SF1600 med kanalvalg "A"
    Så svaret er en succes
    Og platformen har modtaget brevet
    Og brevet går til Digital Post
    Og platformen sender statusbeskeden "Afleveret Digital Post" for brevet

  @writes @beskedfordeler
  Scenarie: Kanalvalg A til en fritaget borger giver fysisk post
    Givet et brev til "ikke-tilmeldt" med titlen "Afgørelse om boligstøtte"
    Når jeg sender brevet med SF1600 med kanalvalg "A"
    Så platformen har modtaget brevet
    Og brevet går til Fysisk Post
    Og platformen sender statusbeskeden "Afsendt Fysisk Post" for brevet

  @writes @beskedfordeler
  Scenarie: Kanalvalg F giver altid fysisk post
    Givet et brev til "far" med titlen "Partshøring"
    Når jeg sender brevet med SF1600 med kanalvalg "F"
    Så platformen har modtaget brevet
    Og brevet går til Fysisk Post

  @writes
  Scenarie: Kanalvalg D til en borger, der ikke er tilmeldt, afvises
    Givet et brev til "ikke-tilmeldt" med titlen "Afgørelse om boligstøtte"
    Når jeg sender brevet med SF1600 med kanalvalg "D"
    Så svaret er en SOAP-fejl
    Og afvisningen kommer fra SF1600
    Og svaret matcher det godkendte snapshot

  @writes @beskedfordeler
  Scenarie: Kanalvalg F printer til den adresse, printdataene angiver
    Givet et brev til "far" med titlen "Partshøring"
    Og brevet printes til "Peter Testesen" på adressen "Prinsens Allé 5, 8800 Viborg"
    Når jeg sender brevet med SF1600 med kanalvalg "F"
    Så platformen har modtaget brevet
    Og printdataene har modtageren "Peter Testesen"
    Og printdataene har modtageradressen "Prinsens Allé 5, 8800"

  # Modelleret (se README, "What is modelled").
  @writes @modelleret
  Scenarie: Kanalvalg F til en død borger afvises
    Givet et brev til "død" med titlen "Partshøring"
    Når jeg sender brevet med SF1600 med kanalvalg "F"
    Så svaret er en SOAP-fejl med fejlkoden "4003"
    Og afvisningen kommer fra SF1600
    Og svaret matcher det godkendte snapshot
