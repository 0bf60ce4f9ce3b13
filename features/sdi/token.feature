# language: da
@SF1470 @sdi @token
Egenskab: SF1470 kræver et OIO IDWS-token og et signeret kald
  Sags- og Dokumentindeks kaldes direkte, ikke via Serviceplatformen. Kaldet bærer en
  holder-of-key-assertion, som STS har udstedt til certifikatet for myndighedens CVR og
  tjenestens entityID, og det er signeret med samme certifikat. Tjenesten tjekker signaturen
  (hver reference og assertionen gennem STR-Transform), at STS har signeret assertionen, at
  den er til denne tjeneste, tidsstemplerne, og at kaldet er signeret med holder-of-key-nøglen.
  Et testkald har en krop, som sp-contract selv har defineret: tokentjekket kommer før
  tjenesten læser kroppen, så intet bliver indekseret.

  Scenarie: Et korrekt signeret kald kommer forbi tokentjekket
    Når jeg sender SF1470 et korrekt signeret testkald
    Så svaret er en SOAP-fejl
    Og fejlteksten indeholder "is not an operation of SF1470"

  Scenarie: Et kald uden token afvises
    Når jeg sender SF1470 et testkald uden token
    Så svaret er en SOAP-fejl med fejlkoden "IdwsTokenMissing"
    Og fejlteksten indeholder "requires an OIO IDWS token"

  Scenarie: Et kald med et udløbet tidsstempel afvises
    Når jeg sender SF1470 et testkald med et udløbet tidsstempel
    Så svaret er en SOAP-fejl med fejlkoden "IdwsTimestampInvalid"
    Og fejlteksten indeholder "Timestamp expired"

  Scenarie: Et kald, hvis krop er ændret efter signeringen, afvises
    Når jeg sender SF1470 et testkald, hvis krop ændres efter signeringen
    Så svaret er en SOAP-fejl med fejlkoden "IdwsSignatureInvalid"
    Og fejlteksten indeholder "the digest of the signed Body"

  Scenarie: En assertion til en anden tjeneste afvises
    Når jeg sender SF1470 et testkald med et token til SF1520
    Så svaret er en SOAP-fejl med fejlkoden "IdwsAudience"
    Og fejlteksten indeholder "the assertion is for audience"

  Scenarie: En assertion, som ikke er udstedt af STS, afvises
    Når jeg sender SF1470 et testkald med et token, som certifikatet "uregistreret" har udstedt
    Så svaret er en SOAP-fejl med fejlkoden "IdwsAssertionNotTrusted"
    Og fejlteksten indeholder "issuer's (STS's) certificate"

  Scenarie: Et kald, der er signeret med en anden nøgle end holder-of-key-certifikatets, afvises
    Når jeg sender SF1470 et testkald, signeret med certifikatet "uregistreret"
    Så svaret er en SOAP-fejl med fejlkoden "IdwsNotHolderOfKey"
    Og fejlteksten indeholder "holder-of-key certificate"

  Scenarie: Uden serviceaftale for myndigheden udsteder STS intet token til SF1470
    Når jeg beder STS om et token til SF1470 på vegne af myndigheden med CVR "11111111"
    Så afvisningen kommer fra STS
    Og svaret er en SOAP-fejl med fejlkoden "NoServiceAgreement"
    Og fejlteksten indeholder "no service agreement for SF1470"
