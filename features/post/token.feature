# language: da
@post @SF1601 @token
Egenskab: Tokenflowet til SF1601 (STS, AccessTokenService, Holder-of-key)
  Kaldet går over gensidig TLS med samme certifikat hele vejen: STS udsteder en SAML-assertion
  (8 timer) til certifikatet, AccessTokenService veksler den til et Holder-of-key-adgangstoken
  (expires_in), og tjenesten kræver tokenet sammen med det certifikat, det blev udstedt til.
  Tokens genbruges, til de er ved at udløbe.

  Scenarie: Adgangstokenet genbruges mellem kald
    Når jeg spørger SF1601, om "far" er tilmeldt Digital Post
    Og jeg spørger SF1601, om "mor" er tilmeldt Digital Post
    Så svaret er en succes
    Og adgangstokenet blev genbrugt

  Scenarie: Adgangstokenet fornyes, når det er udløbet
    Når jeg spørger SF1601, om "far" er tilmeldt Digital Post
    Givet der er gået 9 timer
    Når jeg spørger SF1601, om "far" er tilmeldt Digital Post
    Så svaret er en succes
    Og adgangstokenet blev fornyet

  Scenarie: Et token, der vises med et andet certifikat, afvises
    Givet adgangstokenet hentes med certifikatet "standard", men kaldet sendes med certifikatet "uregistreret"
    Når jeg spørger SF1601, om "far" er tilmeldt Digital Post
    Så afvisningen kommer fra SF1601
    Og svaret matcher det godkendte snapshot

  Scenarie: Uden serviceaftale for myndigheden udsteder STS intet token
    Givet kaldet sker på vegne af myndigheden med CVR "11111111"
    Når jeg spørger SF1601, om "far" er tilmeldt Digital Post
    Så afvisningen kommer fra STS
    Og svaret matcher det godkendte snapshot
