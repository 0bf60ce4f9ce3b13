# language: da
@SF1520 @tls
Egenskab: Et certifikat, platformen ikke godtager, afvises allerede ved TLS-handshaket
  Serviceplatformen kræver gensidig TLS med et funktionscertifikat (FOCES/OCES3) fra en CA,
  den stoler på. Et udløbet certifikat eller et fra en fremmed CA afvises i handshaket, før
  noget kald når frem. Scenarierne forventer den afvisning: de består (exit 0), når
  handshaket afvises, og fejler (exit 1), hvis platformen godtager certifikatet. Kan målet
  slet ikke nås, er det stadig exit 3.

  Scenarie: Udløbet certifikat afvises ved TLS-handshaket
    Givet systemet bruger certifikatet "udløbet"
    Når jeg slår borgeren "far" op i CPR
    Så platformen afviser certifikatet ved TLS-handshaket

  Scenarie: Certifikat fra en CA, platformen ikke kender, afvises ved TLS-handshaket
    Givet systemet bruger certifikatet "fremmed"
    Når jeg slår borgeren "far" op i CPR
    Så platformen afviser certifikatet ved TLS-handshaket
