# language: da
Egenskab: lokal afvisning
  Scenarie: s
    Når jeg sender denne MeMo med SF1601 som "Digital Post":
      """
      <memo:Message xmlns:memo="https://DigitalPost.dk/MeMo-1" memoVersion="1.1" memoSchVersion="1.1.0">
        <memo:MessageHeader>
          <memo:messageType>DIGITALPOST</memo:messageType>
          <memo:messageUUID>{{uuid}}</memo:messageUUID>
          <memo:label>Pladsanvisning</memo:label>
          <memo:mandatory>false</memo:mandatory>
          <memo:legalNotification>false</memo:legalNotification>
          <memo:Prioritet>hoej</memo:Prioritet>
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
