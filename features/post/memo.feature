# language: da
@post @SF1601 @memo
Egenskab: Breve kontrolleres som MeMo, før de sendes
  Digital Post afviser MeMo-beskeder med ugyldige filnavne (< > : " / \ | ? * og linjeskift)
  og handlinger, der ikke er absolutte https-links. sp-contract kontrollerer brevet før
  afsendelse og siger, hvilket felt der er galt; intet bliver sendt.

  Scenarie: Ugyldigt filnavn afvises før afsendelse
    Givet et brev til "far" med titlen "Afgørelse"
    Og hoveddokumentet hedder "svar:1.pdf"
    Når jeg sender brevet med SF1601 som "Automatisk Valg"
    Så kaldet blev afvist før afsendelse med beskeden "MessageBody/MainDocument/File[1]/filename"
    Og kaldet blev afvist før afsendelse med beskeden "contains ':'"

  Scenarie: Handling med et http-link afvises før afsendelse
    Givet et brev til "far" med titlen "Afgørelse"
    Og brevet har en handling "Svar kommunen" med linket "http://www.viborg.dk/svar"
    Når jeg sender brevet med SF1601 som "Automatisk Valg"
    Så kaldet blev afvist før afsendelse med beskeden "MessageBody/MainDocument/Action[1]/EntryPoint/url"
    Og kaldet blev afvist før afsendelse med beskeden "must be absolute https URLs"

  Scenarie: For stor vedhæftning afvises før afsendelse
    Givet et brev til "far" med titlen "Afgørelse"
    Og brevet har vedhæftningen "stor.pdf" på 31 MB
    Når jeg sender brevet med SF1601 som "Automatisk Valg"
    Så kaldet blev afvist før afsendelse med beskeden "more than the 30 MB"

  Scenarie: Vedhæftning, der ikke er base64, afvises før afsendelse
    Givet et brev til "far" med titlen "Afgørelse"
    Og brevet har vedhæftningen "bilag.pdf" med indholdet "ikke base64!"
    Når jeg sender brevet med SF1601 som "Automatisk Valg"
    Så kaldet blev afvist før afsendelse med beskeden "MessageBody/AdditionalDocument[1]/File[1]/content: the content is not valid base64"

  @writes
  Scenarie: En MeMo i styrelsens minimumsform sendes som Digital Post
    Når jeg sender denne MeMo med SF1601 som "Digital Post":
      """
      <memo:Message xmlns:memo="https://DigitalPost.dk/MeMo-1" memoVersion="1.1" memoSchVersion="1.1.0">
        <memo:MessageHeader>
          <memo:messageType>DIGITALPOST</memo:messageType>
          <memo:messageUUID>{{uuid}}</memo:messageUUID>
          <memo:label>Pladsanvisning</memo:label>
          <memo:mandatory>false</memo:mandatory>
          <memo:legalNotification>false</memo:legalNotification>
          <memo:Sender>
            <memo:senderID>29189846</memo:senderID>
            <memo:idType>CVR</memo:idType>
            <memo:label>Viborg Kommune</memo:label>
          </memo:Sender>
          <memo:Recipient>
            <memo:recipientID>{{cpr:far}}</memo:recipientID>
            <memo:idType>CPR</memo:idType>
          </memo:Recipient>
        </memo:MessageHeader>
        <memo:MessageBody>
          <memo:createdDateTime>2026-11-23T09:00:00Z</memo:createdDateTime>
          <memo:MainDocument>
            <memo:File>
              <memo:encodingFormat>application/pdf</memo:encodingFormat>
              <memo:filename>Pladsanvisning.pdf</memo:filename>
              <memo:language>da</memo:language>
              <memo:content>JVBERi0xLjQKJSBzcC1jb250cmFjdAolJUVPRgo=</memo:content>
            </memo:File>
          </memo:MainDocument>
        </memo:MessageBody>
      </memo:Message>
      """
    Så platformen har modtaget brevet

  @writes @beskedfordeler
  Scenarie: Platformen melder en ugyldig MeMo som fejlet
    Givet et brev til "far" med titlen "Afgørelse"
    Og hoveddokumentet hedder "svar|1.pdf"
    Og brevet sendes uden lokal MeMo-kontrol
    Når jeg sender brevet med SF1601 som "Digital Post"
    Så platformen har modtaget brevet
    Og platformen sender statusbeskeden "Fejlet" for brevet
    Og statusbeskeden "Fejlet" har fejlkoden "memo.invalid"
