# language: da
@SF2900 @fordeling
Egenskab: Journalnotater og formularer fordeles efter KLE (SF2900 FordelingsobjektAfsend)
  Et fagsystem sender et objekt mærket med KLE-emne og handlingsfacet til
  Fordelingskomponenten, som slår kommunens fordelingsregler op og leverer objektet til
  det modtagersystem, reglen peger på. Modtagersystemet svarer med en forretningskvittering:
  ACCEPTERET, eller AFVIST med en begrundelse.

  På mocken oprettes fordelingsreglerne i Givet-trinene for det enkelte scenarie. Mod et
  rigtigt miljø kontrolleres de med FordelingsmodtagerList: kommunen opretter dem i
  Fordelingskomponentens administration.

  @writes
  Scenarie: SAPA sender et journalnotat om udbetaling af sygedagpenge til KSD
    Givet en fordelingsregel sender KLE "32.30.04" med handlingsfacet "G01" for CVR "29189846" til "KSD"
    Når jeg sender et journalnotat med KLE "32.30.04" og handlingsfacet "G01"
      """
      Borgeren har ringet om udbetalingen af sygedagpenge for marts. Oplyst om
      fristen for lægeerklæring. (Syntetisk testnotat.)
      """
    Så svaret er en succes
    Og kvitteringen er "ACCEPTERET"
    Og objektet er leveret til "KSD"
    Og svaret matcher det godkendte snapshot

  @writes
  Scenarie: En formular om sygedagpenge fordeles til KSD
    Givet en fordelingsregel sender KLE "32.30.04" med handlingsfacet "G01" for CVR "29189846" til "KSD"
    Når jeg sender en formular med KLE "32.30.04" og handlingsfacet "G01"
    Så kvitteringen er "ACCEPTERET"
    Og objektet er leveret til "KSD"
    Og svaret matcher det godkendte snapshot

  @writes
  Scenarie: Uden en fordelingsregel for KLE-emnet afvises objektet med begrundelsen
    Givet ingen fordelingsregel sender KLE "27.24.00" for CVR "29189846"
    Når jeg sender et journalnotat med KLE "27.24.00"
    Så kvitteringen er "AFVIST"
    Og kvitteringens begrundelse indeholder "ingen fordelingsregel"
    Og objektet er ikke leveret til noget system
    Og svaret matcher det godkendte snapshot

  @writes @modelleret
  Scenarie: Modtagersystemet afviser et objekt med et KLE-emne, det ikke behandler
    Givet en fordelingsregel sender KLE "32.18.06" for CVR "29189846" til "KSD"
    Når jeg sender et journalnotat med KLE "32.18.06"
    Så kvitteringen er "AFVIST"
    Og kvitteringens begrundelse indeholder "KSD behandler kun sager om sygedagpenge"
    Og objektet er leveret til "KSD"
    Og svaret matcher det godkendte snapshot

  @writes
  Scenarie: Et journalnotat sendt direkte til KSD går uden om fordelingsreglerne
    Givet en fordelingsregel sender KLE "32.30.04" med handlingsfacet "G01" for CVR "29189846" til "KSD"
    Når jeg sender et journalnotat med KLE "32.30.04" direkte til "KSD"
    Så kvitteringen er "ACCEPTERET"
    Og objektet er leveret til "KSD"

  @writes @modelleret
  Scenarie: Et journalnotat over Fordelingskomponentens grænse afvises med en transportkvittering
    Når jeg sender et journalnotat på 100001 tegn med KLE "32.30.04" og handlingsfacet "G01"
    Så svaret er en SOAP-fejl med fejlkoden "NotatForStort"
    Og transportkvitteringen er "FEJL"
    Og svaret matcher det godkendte snapshot

  @writes @modelleret
  Scenarie: Modtagersystemet får journalnotatets tekst med en forretningskvittering
    Givet en fordelingsregel sender KLE "32.30.04" med handlingsfacet "G01" for CVR "29189846" til "KSD"
    Når jeg sender et journalnotat med KLE "32.30.04" og handlingsfacet "G01"
      """
      Borgeren har ringet om udbetalingen af sygedagpenge for april. (Syntetisk testnotat.)
      """
    Så kvitteringen er "ACCEPTERET"
    Og kvitteringstypen er "Forretning"
    Og "KSD" har modtaget teksten "udbetalingen af sygedagpenge for april"

  @writes @modelleret
  Scenarie: Uden en fordelingsregel er kvitteringen en teknisk kvittering fra Fordelingskomponenten
    Givet ingen fordelingsregel sender KLE "27.24.00" for CVR "29189846"
    Når jeg sender et journalnotat med KLE "27.24.00"
    Så kvitteringen er "AFVIST"
    Og kvitteringstypen er "Teknisk"
