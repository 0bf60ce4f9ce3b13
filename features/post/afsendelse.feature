# language: da
@post @SF1601
Egenskab: Breve til borgere går til Digital Post, ellers til fysisk post (SF1601 KombiPostAfsend)
  Et fagsystem sender et brev med KombiPostAfsend gennem tokenflowet (STS, AccessTokenService,
  Holder-of-key). Med "Automatisk Valg" vælger platformen Digital Post, når borgeren er
  tilmeldt, og ellers Fjernprint, når brevet har printdata. Hvordan den rigtige platform
  vælger, er ikke offentligt: mockens regel er modelleret (se README, "Post"). Statusbeskederne
  (PKO_PostStatus) kommer bagefter gennem Beskedfordeleren; mocken viser dem, på exttest
  udelades @beskedfordeler.

  @writes @beskedfordeler
  Scenarie: Tilmeldt borger får brevet som Digital Post
    Givet et brev til "far" med titlen "Afgørelse om boligstøtte"
    Når jeg sender brevet med SF1601 som "Automatisk Valg"
    Så svaret er en succes
    Og platformen har modtaget brevet
    Og feltet "HovedoplysningerSvarREST/SvarReaktion/Advis/AdvisTekst" har værdien "received"
    Og brevet går til Digital Post
    Og platformen sender statusbeskeden "Modtaget Digital Post" for brevet
    Og platformen sender statusbeskeden "Afleveret Digital Post" for brevet

  @writes @beskedfordeler
  Scenarie: Barn, der ikke er tilmeldt Digital Post, får brevet som fysisk post
    Givet et brev til "barn1" med titlen "Invitation til skolestart"
    Når jeg sender brevet med SF1601 som "Automatisk Valg"
    Så platformen har modtaget brevet
    Og brevet går til Fysisk Post
    Og platformen sender statusbeskeden "Modtaget Fysisk Post" for brevet
    Og platformen sender statusbeskeden "Afsendt Fysisk Post" for brevet

  @writes @beskedfordeler
  Scenarie: Borger, der er fritaget for Digital Post, får brevet som fysisk post
    Givet et brev til "ikke-tilmeldt" med titlen "Afgørelse om boligstøtte"
    Når jeg sender brevet med SF1601 som "Automatisk Valg"
    Så platformen har modtaget brevet
    Og brevet går til Fysisk Post

  @writes @beskedfordeler
  Scenarie: Fysisk Post vælges, selv om borgeren er tilmeldt Digital Post
    Givet et brev til "far" med titlen "Partshøring"
    Når jeg sender brevet med SF1601 som "Fysisk Post"
    Så platformen har modtaget brevet
    Og brevet går til Fysisk Post

  @writes
  Scenarie: Digital Post til en borger, der ikke er tilmeldt, afvises
    Givet et brev til "ikke-tilmeldt" med titlen "Afgørelse om boligstøtte"
    Når jeg sender brevet med SF1601 som "Digital Post"
    Så afvisningen kommer fra SF1601
    Og platformen afviser kaldet med fejlkoden "RecipientNotEnrolled"
    Og svaret matcher det godkendte snapshot

  @writes
  Scenarie: Automatisk Valg uden printdata til en borger, der ikke er tilmeldt, afvises
    Givet et brev til "ikke-tilmeldt" med titlen "Afgørelse om boligstøtte"
    Og brevet har ingen printdata
    Når jeg sender brevet med SF1601 som "Automatisk Valg"
    Så afvisningen kommer fra SF1601
    Og platformen afviser kaldet med fejlkoden "NoChannel"
    Og svaret matcher det godkendte snapshot

  @writes @beskedfordeler
  Scenarie: Brev med vedhæftning og handling går til Digital Post
    Givet et brev til "mor" med titlen "Tilbud om plads i børnehave"
    Og brevet har vedhæftningen "Praktiske oplysninger.pdf"
    Og brevet har en handling "Svar kommunen" med linket "https://www.viborg.dk/svar"
    Når jeg sender brevet med SF1601 som "Automatisk Valg"
    Så platformen har modtaget brevet
    Og brevet går til Digital Post

  @writes @beskedfordeler
  Scenarie: En NemSMS til en borger, der er tilmeldt NemSMS, går til NemSMS
    Givet en NemSMS til "mor" med teksten "Husk tandlægetid i morgen kl. 9.00"
    Når jeg sender brevet med SF1601 som "NemSMS"
    Så platformen har modtaget brevet
    Og brevet går til NemSMS
    Og platformen sender statusbeskeden "Afleveret NemSMS" for brevet

  @writes
  Scenarie: En NemSMS til en borger, der ikke er tilmeldt NemSMS, afvises
    Givet en NemSMS til "far" med teksten "Husk tandlægetid i morgen kl. 9.00"
    Når jeg sender brevet med SF1601 som "NemSMS"
    Så platformen afviser kaldet med fejlkoden "RecipientNotEnrolledNemSMS"

  @writes @beskedfordeler
  Scenarie: Et obligatorisk brev med juridisk virkning går til Digital Post
    Givet et brev til "far" med titlen "Afgørelse om tilbagebetaling"
    Og brevet er obligatorisk
    Og brevet er en juridisk meddelelse
    Når jeg sender brevet med SF1601 som "Digital Post"
    Så platformen har modtaget brevet
    Og brevet går til Digital Post

  @writes @beskedfordeler
  Scenarie: Printdataene bestemmer modtager og adresse på det fysiske brev
    Givet et brev til "barn1" med titlen "Invitation til skolestart"
    Og brevet printes til "Emil Testesen" c/o "Mette Testesen" på adressen "Prinsens Allé 5, 8800 Viborg"
    Når jeg sender brevet med SF1601 som "Automatisk Valg"
    Så platformen har modtaget brevet
    Og brevet går til Fysisk Post
    Og printdataene har modtageren "Emil Testesen" c/o "Mette Testesen"
    Og printdataene har modtageradressen "Prinsens Allé 5, 8800 Viborg"

  # Modelleret (se README, "What is modelled"): platformen slår modtageren op i CPR, før den printer.
  @writes @modelleret
  Scenarie: Fysisk post til en død borger afvises
    Givet et brev til "død" med titlen "Afgørelse om boligstøtte"
    Når jeg sender brevet med SF1601 som "Automatisk Valg"
    Så platformen afviser kaldet med fejlkoden "RecipientDeceased"
    Og svaret matcher det godkendte snapshot

  @writes @modelleret
  Scenarie: Fysisk post til et CPR-nummer, der ikke findes i CPR, afvises
    Givet et brev til "ukendt" med titlen "Afgørelse om boligstøtte"
    Når jeg sender brevet med SF1601 som "Fysisk Post"
    Så platformen afviser kaldet med fejlkoden "RecipientNotFound"
    Og svaret matcher det godkendte snapshot
