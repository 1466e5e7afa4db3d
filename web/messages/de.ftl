### Takebacks Meldeseiten auf Deutsch, übersetzt aus en.ftl.
### Reviewed by a native speaker with safeguarding experience: no
#
# Translated from en.ftl (the source and its how-to-translate notes are there). Register: "du"
# throughout, also on the pages for adults, because many messages are shared by both.

## meta

# This language's name, in itself: the language switcher lists it.
language-name = Deutsch

## common

common-language = Sprache

common-quick-exit = Schnell verlassen
common-quick-exit-hint = oder drück Esc
common-skip-to-content = Zum Hauptinhalt springen
common-nav-label = Hauptmenü
common-nav-report = Ein Bild von mir melden
common-nav-status = Meine Meldung ansehen
common-nav-adult = Für Erwachsene, die helfen
common-no-script = Diese Seite braucht JavaScript, um die Fingerabdrücke auf deinem Gerät zu erstellen. Bitte schalte JavaScript ein oder nimm einen anderen Browser. Deine Bilder werden nie hochgeladen.
common-footer-privacy = { $service } sieht deine Bilder nie: Die Fingerabdrücke entstehen auf deinem Gerät. Diese Seite setzt keine Cookies und lädt nichts von anderen Websites.
common-step = Schritt { $n } von { $total }
common-continue = Weiter
common-back = Zurück
common-case-number = Fallnummer
common-case-secret = Geheimcode
common-copy = Fallnummer und Geheimcode kopieren
common-scripts-failed = Diese Seite wurde nicht richtig geladen und funktioniert deshalb noch nicht. Lade sie bitte neu oder versuch es noch mal, wenn deine Verbindung besser ist.
common-history-tip = „Schnell verlassen“ bringt dich sofort auf eine andere Website, und mit der Zurück-Taste kommst du nicht hierher zurück. Dein Browserverlauf wird dabei nicht gelöscht: Ein privates oder Inkognito-Fenster hinterlässt weniger Spuren.

## support

support-title = Mit jemandem reden
support-intro = Damit musst du nicht allein klarkommen. Die Leute hier sind freundlich, sie verurteilen dich nicht, und du musst deinen Namen nicht sagen.
support-emergency-question = Bist du gerade in Gefahr?
support-emergency-call = { $number } anrufen
support-call = { $number } anrufen
support-text = SMS an { $number }
support-website = Website von { $name } (öffnet sich in einem neuen Tab)
support-hours = Erreichbar: { $hours }
support-threat-title = Droht jemand, ein Bild von dir zu verbreiten?
support-threat =
    .p1 = Es ist nicht deine Schuld. Die Person, die dich bedroht, tut etwas Falsches – und sie setzt darauf, dass du zu viel Angst hast, es jemandem zu erzählen.
    .p2 = Antworte nicht mehr. Zahl nichts und schick nichts mehr: Davon hört es nicht auf.
    .p3 = Lösch die Nachrichten und den Accountnamen nicht. Du musst sie dir nicht noch mal ansehen.
    .p4 = Wenn du schon gezahlt oder mehr geschickt hast, ist es trotzdem nicht deine Schuld, und du kannst trotzdem Hilfe bekommen.
    .p5 = Erzähl es einer erwachsenen Person, der du vertraust, und melde es.
support-report-to = Drohungen und Cybergrooming kannst du hier melden:
# Shown when the hotline has help contacts for more than one country; { $country } is the
# country's name, as the hotline writes it.
support-country = Hilfe vor Ort: { $country }
support-country-other = Anderes Land?

## index

index-title = Hol dir die Kontrolle über ein Bild von dir zurück
index-lead = Wurde ein Nacktbild oder ein sexuelles Foto oder Video von dir geteilt, oder droht jemand damit? Dann kannst du helfen, dass es sich nicht weiter verbreitet. Zeigen musst du es dabei niemandem.
index-not-your-fault = Es ist nicht deine Schuld, egal was passiert ist. Du bekommst keinen Ärger, weil du um Hilfe bittest.
index-young-title = Es ist ein Bild von mir
index-young-text = Wenn du auf dem Bild unter 18 warst. Erstell auf diesem Handy oder Computer Fingerabdrücke davon und schick nur diese. Das Bild bleibt bei dir.
index-adult-title = Ich bin erwachsen und helfe einem jungen Menschen
index-adult-text = Was du tun solltest und was nicht, wenn dir ein junger Mensch von einem Bild erzählt – und wie du meldest, wo du es gesehen hast.
index-status-title = Ich habe schon etwas gemeldet
index-status-text = Sieh mit deiner Fallnummer und deinem Geheimcode nach, was passiert ist, oder zieh deine Meldung zurück.
index-how-title = So funktioniert’s
index-how =
    .p1 = Diese Seite erstellt einen Fingerabdruck deines Bildes, direkt auf deinem Gerät. Ein Fingerabdruck ist ein Code, der aus dem Bild berechnet wird. Aus ihm lässt sich das Bild nicht zurückgewinnen.
    .p2 = Nur die Fingerabdrücke werden an { $service } geschickt. Das Bild verlässt nie dein Gerät.
    .p3 = Websites und Apps, die mit { $service } zusammenarbeiten, finden mit den Fingerabdrücken Kopien, entfernen sie und verhindern, dass sie noch mal hochgeladen werden.
    .p4 = Nicht jede Website arbeitet mit uns zusammen, und private verschlüsselte Chats können nicht geprüft werden. Aber jede Seite, die prüft, hilft.

## report

report-title = Ein Bild von mir melden
report-intro-title = Bevor du anfängst
report-intro =
    .p1 = Es ist nicht deine Schuld. Egal was passiert ist: Du bekommst keinen Ärger, und du hast Hilfe verdient.
    .p2 = Dein Bild bleibt auf diesem Gerät. Es wird nie hochgeladen, und niemand sieht es – weder wir noch die Websites.
    .p3 = Diese Seite erstellt von jedem Bild, das du auswählst, einen Fingerabdruck: einen Code, der aus dem Bild berechnet wird und sich nicht zurück in das Bild verwandeln lässt.
    .p4 = Wir geben die Fingerabdrücke an Websites und Apps weiter, die mit { $service } zusammenarbeiten. So können sie Kopien finden, entfernen und verhindern, dass sie wieder hochgeladen werden.
    .p5 = Ganz ehrlich: Nicht jede Website arbeitet mit uns zusammen, und private verschlüsselte Chats können nicht geprüft werden. Es hilft trotzdem.
    .p6 = Du bekommst eine Fallnummer und einen Geheimcode. Damit kannst du nachsehen, was passiert ist, oder es dir anders überlegen und deine Meldung zurückziehen.
report-confirm-legend = Bitte bestätige diese zwei Dinge
report-confirm-under-18 = Die Person auf dem Bild war unter 18, als es aufgenommen wurde.
report-confirm-under-18-error = Kreuz dieses Kästchen an, wenn die Person auf dem Bild unter 18 war. War sie 18 oder älter, können wir die Meldung hier nicht annehmen – aber die Leute unter „Mit jemandem reden“ können dir trotzdem helfen.
report-confirm-consent = Ich bin einverstanden, dass { $service } die Fingerabdrücke an Partner-Websites und -Apps weitergibt.
report-confirm-consent-error = Kreuz dieses Kästchen an, damit wir die Fingerabdrücke weitergeben dürfen. Ohne dein Okay können wir deine Meldung nicht abschicken.
report-pictures-title = Bilder auswählen
report-pictures-intro = Wähl die Bilder auf diesem Handy oder Computer aus. Sie werden nicht hochgeladen: Die Fingerabdrücke entstehen hier, auf deinem Gerät. Wir zeigen nur die Dateinamen, nicht die Bilder.
report-pictures-videos = Das klappt mit Fotos und Videos. Bei einem Video erstellt die Seite für jede Sekunde einen Fingerabdruck. Ein langes Video kann ein paar Minuten dauern – und auch das verlässt nie dein Gerät.
report-pictures-label = Bilder oder Videos auswählen
report-pictures-hint = { $max ->
    [one] Du kannst ein Bild oder Video auswählen.
   *[other] Du kannst bis zu { $max } Bilder oder Videos auswählen.
}
report-pictures-list = Deine Bilder
report-no-picture = Ich habe das Bild nicht, ich weiß nur, wo ich es gesehen habe
report-urls-title = Wo hast du es gesehen? (freiwillig)
report-urls-intro = Wenn du die Webadresse (URL) kennst, unter der das Bild gepostet wurde, trag sie hier ein, eine pro Zeile. Bitte such nicht danach, wenn dich das belasten würde. Du kannst das Feld auch leer lassen.
report-urls-label = Webadressen
report-urls-hint = Jede beginnt mit https:// oder http://. { $max ->
    [one] Du kannst eine eintragen.
   *[other] Du kannst bis zu { $max } eintragen.
}
report-check-title = Prüfen und abschicken
report-check-intro = Wir schicken die Fingerabdrücke dieser Bilder, die Webadressen, die du eingetragen hast, und deine zwei Antworten. Niemals die Bilder, deinen Namen oder irgendetwas, das verrät, wer du bist.
report-check-pictures = Bilder
report-check-urls = Webadressen
report-check-codes = Fingerabdrücke anzeigen, die wir schicken
report-send = Fingerabdrücke abschicken
report-done-title = Deine Meldung ist abgeschickt
report-done-intro = Danke. Das war mutig von dir.
report-keep-safe = Bewahr beides sicher und privat auf: Schreib es dir auf oder speicher es dort, wo nur du es sehen kannst. Du brauchst beides, um deine Meldung anzusehen oder zurückzuziehen. Den Geheimcode können wir dir nur dieses eine Mal zeigen: Wir speichern keine Kopie, die wir dir noch mal zeigen könnten.
report-next-title = Wie es weitergeht
report-next =
    .p1 = Websites und Apps, die mit { $service } zusammenarbeiten, bekommen die Fingerabdrücke und suchen nach Kopien.
    .p2 = Komm jederzeit wieder und sieh nach, was sie gefunden und entfernt haben.
    .p3 = Wenn du es dir anders überlegst, kannst du deine Meldung zurückziehen.
report-check-status = Meine Meldung ansehen

## status

status-title = Meine Meldung ansehen
status-intro = Gib die Fallnummer und den Geheimcode ein, die du beim Abschicken deiner Meldung bekommen hast. Groß- oder Kleinbuchstaben, Leerzeichen und Bindestriche sind egal.
status-case-hint = Zum Beispiel ABCD-EFGH-JK12
status-secret-hint = Zum Beispiel ABCDE-FGH12-JKMNP-QRSTV
status-show = Meine Meldung anzeigen
status-result-title = Deine Meldung
status-fingerprints = Fingerabdrücke
status-urls = Webadressen
status-withdraw-title = Meine Meldung zurückziehen
status-withdraw-text = Wenn du deine Meldung zurückziehst, suchen die Websites nicht mehr nach diesen Bildern. Du kannst sie jederzeit wieder melden.
status-withdraw = Meine Meldung zurückziehen
status-withdraw-confirm-title = Meldung zurückziehen?
status-withdraw-confirm-text = Websites und Apps suchen dann nicht mehr nach diesen Bildern. Du kannst sie jederzeit wieder melden.
status-withdraw-yes = Ja, zurückziehen
status-withdraw-no = Nein, behalten

## adult

adult-title = Wenn dir ein junger Mensch von einem Bild erzählt hat
adult-intro = Danke, dass du hilfst. Wie du jetzt reagierst, ist wichtig: Bleib ruhig, hör zu und mach klar, dass es nicht die Schuld des jungen Menschen ist.
adult-do-title = Das solltest du tun
adult-do =
    .p1 = Hör ruhig zu, ohne zu unterbrechen, im Tempo des jungen Menschen. Bedank dich fürs Erzählen.
    .p2 = Sag klar: „Es ist nicht deine Schuld, und du bekommst keinen Ärger.“
    .p3 = Halte dich an das Schutzkonzept deiner Einrichtung und informiere die zuständige Ansprechperson für Kinderschutz.
    .p4 = Notiere die Webadresse (URL), unter der das Bild zu sehen war, und die App oder Website – statt das Bild aufzubewahren.
    .p5 = Denk an alle beteiligten Kinder und Jugendlichen, auch an die, die das Bild bekommen oder weitergeschickt haben.
adult-dont-title = Das solltest du nicht tun
adult-dont =
    .p1 = Verlang nicht, das Bild zu sehen, und schau es nicht an, wenn es dir gezeigt wird.
    .p2 = Nicht kopieren, keinen Screenshot machen, nicht speichern, weiterleiten oder ausdrucken – auch nicht, um es dem Kollegium oder der Polizei zu zeigen. Das Bild zu besitzen oder weiterzugeben kann strafbar sein, und jede Kopie ist ein neues Risiko für den jungen Menschen.
    .p3 = Versuch nicht selbst herauszufinden, woher das Bild stammt.
    .p4 = Mach keine Vorwürfe und droh nicht damit, das Handy wegzunehmen oder das Internet zu verbieten: Sonst erzählen Kinder beim nächsten Mal keinem Erwachsenen mehr etwas.
    .p5 = Sprich über das, was du weißt, nur mit den Personen, die für den Kinderschutz zuständig sind.
adult-fingerprint-title = Der junge Mensch kann selbst Fingerabdrücke des Bildes erstellen
adult-fingerprint =
    .p1 = Auf dem eigenen Handy oder Computer lässt sich auf dieser Website die Seite „Ein Bild von mir melden“ öffnen. Die Fingerabdrücke entstehen direkt dort; das Bild verlässt das Gerät nie, und niemand sieht es.
    .p2 = Du kannst dabei sein, ohne das Bild anzusehen.
    .p3 = Dabei gibt es eine eigene Fallnummer und einen Geheimcode, um die Meldung später anzusehen oder zurückzuziehen.
adult-fingerprint-link = Ein Bild von mir melden
adult-report-title = Melde, wo du es gesehen hast
adult-report-intro = Schick uns die Webadressen, unter denen das Bild zu sehen war. Wir verlangen von Erwachsenen nie das Bild selbst, deshalb kannst du hier nichts hochladen: Das Bild zu besitzen oder zu verschicken kann strafbar sein, und jede Kopie schadet dem jungen Menschen erneut.
adult-urls-label = Webadressen
adult-urls-hint = Eine pro Zeile, jede beginnt mit https:// oder http://. { $max ->
    [one] Nur eine.
   *[other] Bis zu { $max }.
}
adult-confirm-legend = Bitte bestätige
adult-confirm-under-18 = Der junge Mensch auf dem Bild ist unter 18 oder war es, als es aufgenommen wurde.
adult-confirm-under-18-error = Kreuz dieses Kästchen an, wenn der junge Mensch unter 18 war. Wir können nur Meldungen zu Bildern von Minderjährigen annehmen.
adult-confirm-consent = Ich bin einverstanden, dass { $service } diese Adressen an Partner-Websites und -Apps weitergibt, damit sie das Bild entfernen können.
adult-confirm-consent-error = Kreuz dieses Kästchen an, damit wir die Adressen weitergeben dürfen.
adult-send = Webadressen abschicken
adult-done-title = Danke: Die Webadressen sind abgeschickt
adult-keep-safe = Bewahr die Fallnummer und den Geheimcode sicher auf, wenn du die Meldung später ansehen willst. Den Geheimcode können wir nur dieses eine Mal zeigen.
adult-danger-title = Wenn ein Kind in Gefahr ist, bedroht oder erpresst wird
adult-danger = Ruf { $emergency } an, wenn ein Kind in akuter Gefahr ist.
adult-danger-report = Cybergrooming, Drohungen oder Erpressung (Sextortion) kannst du hier melden:
adult-adult-help = Beratung für Erwachsene, die sich Sorgen um ein Kind machen:

## not_found

not-found-title = Seite nicht gefunden
not-found-text = Unter dieser Adresse gibt es nichts.
not-found-home = Zur Startseite

## js

js-file-working = Fingerabdruck wird erstellt …
js-file-ready = Fingerabdruck fertig
js-file-exact-only = Dieses Bild hat nicht viele Details, deshalb können wir nur einen Fingerabdruck erstellen, der genau gleiche Kopien findet. Den schicken wir trotzdem.
js-file-unreadable = Von dieser Datei können wir keinen Fingerabdruck erstellen, deshalb wird nichts davon geschickt. Vielleicht kann dieser Browser solche Dateien nicht öffnen, oder die Datei ist beschädigt. Falls du noch andere Bilder ausgewählt hast: Mit denen ist alles in Ordnung.
js-file-duplicate = Diese Datei hast du schon ausgewählt, deshalb wird ihr Fingerabdruck nur einmal geschickt.
js-file-failed = Beim Erstellen des Fingerabdrucks ist etwas schiefgegangen, deshalb wird von dieser Datei nichts geschickt. Falls du noch andere Bilder ausgewählt hast: Mit denen ist alles in Ordnung.
js-remove = Entfernen
js-file-remove = { $name } entfernen
js-video-waiting = Wartet auf das Video davor …
js-video-working = Die Fingerabdrücke dieses Videos werden erstellt. Es bleibt auf deinem Gerät.
js-video-progress = Fortschritt der Fingerabdrücke von { $name }
js-video-stop = Stopp
js-video-stop-label = { $name } stoppen und entfernen
js-video-ready = Video-Fingerabdrücke fertig
js-video-exact-only = Dieses Video hat nicht viele Details (vielleicht ist es sehr dunkel), deshalb können wir nur einen Fingerabdruck erstellen, der genau gleiche Kopien findet. Den schicken wir trotzdem.
js-video-too-long = Dieses Video ist länger als { $minutes ->
    [one] eine Minute
   *[other] { $minutes } Minuten
} und damit zu lang für Fingerabdrücke auf diesem Gerät, deshalb wird nichts davon geschickt. Du hast nichts falsch gemacht. Wenn du weißt, wo es gepostet wurde, trag im nächsten Schritt die Webadresse ein – dann setzen wir uns dafür ein, dass es entfernt wird. Du kannst auch mit jemandem reden: Die Kontakte stehen unten.
js-video-too-large = Diese Videodatei ist zu groß für Fingerabdrücke auf diesem Gerät, deshalb wird nichts davon geschickt. Du hast nichts falsch gemacht. Wenn du weißt, wo es gepostet wurde, trag im nächsten Schritt die Webadresse ein – dann setzen wir uns dafür ein, dass es entfernt wird. Du kannst auch mit jemandem reden: Die Kontakte stehen unten.
js-video-unreadable = Dieser Browser kann das Video nicht öffnen, deshalb wird nichts davon geschickt. Probier einen anderen Browser, oder trag im nächsten Schritt die Webadresse ein, wenn du weißt, wo es gepostet wurde. Du kannst auch mit jemandem reden: Die Kontakte stehen unten.
js-video-codes = { $count ->
    [one] { $count } Video-Fingerabdruck
   *[other] { $count } Video-Fingerabdrücke
}
js-videos-too-many = { $max ->
    [one] Du kannst ein Video pro Meldung schicken.
   *[other] Du kannst bis zu { $max } Videos pro Meldung schicken.
} Bitte schick die anderen in einer zweiten Meldung.
js-pictures-none = Wähl mindestens ein Bild aus, um weiterzumachen.
js-pictures-none-usable = Keine der ausgewählten Dateien kann geschickt werden. Versuch, die Bilder noch mal auszuwählen, oder rede mit jemandem (Kontakte unten).
js-pictures-too-many = { $max ->
    [one] Du kannst ein Bild pro Meldung schicken.
   *[other] Du kannst bis zu { $max } Bilder pro Meldung schicken.
} Bitte schick die anderen in einer zweiten Meldung.
js-pictures-busy = Bitte warte, bis die Fingerabdrücke fertig sind.
js-urls-bad-line = Zeile { $line } sieht nicht wie eine Webadresse aus. Sie sollte mit https:// oder http:// beginnen.
js-urls-too-many = { $max ->
    [one] Du kannst eine Webadresse eintragen.
   *[other] Du kannst bis zu { $max } Webadressen eintragen.
}
js-urls-too-long = Zeile { $line } ist zu lang für eine Webadresse.
js-urls-none = Trag mindestens eine Webadresse ein.
js-none = Keine
js-sending = Wird gesendet …
js-send-throttled = Über diese Verbindung kamen in der letzten Stunde sehr viele Meldungen, deshalb können wir gerade keine weitere annehmen. Bitte versuch es in einer Stunde noch mal. Es wurde nichts gesendet.
js-send-rejected = Wir können diese Meldung so nicht annehmen. Bitte geh zurück und prüf deine Eingaben, oder rede mit jemandem (Kontakte unten).
js-send-failed = Wir konnten deine Meldung nicht senden. Es wurde nichts gesendet, versuch es also gleich noch mal.
js-send-offline = Wir konnten { $service } nicht erreichen. Prüf deine Internetverbindung und versuch es noch mal. Es wurde nichts gesendet.
js-copied = Kopiert. Bewahr beides sicher auf.
js-copy-failed = Kopieren hat hier nicht geklappt. Schreib dir beides bitte auf.
js-status-loading = Deine Meldung wird gesucht …
js-status-not-found = Wir haben keine Meldung mit dieser Fallnummer und diesem Geheimcode gefunden. Bitte prüf beides und versuch es noch mal.
js-status-missing = Gib die Fallnummer und den Geheimcode ein.
js-status-throttled = Es gab zu viele falsche Versuche, über diese Verbindung oder mit dieser Fallnummer. Bitte prüf deine Fallnummer und deinen Geheimcode genau, oder warte eine Stunde und versuch es dann noch mal.
js-status-offline = Wir konnten { $service } nicht erreichen. Prüf deine Internetverbindung und versuch es noch mal.
js-status-failed = Bei uns ist etwas schiefgegangen. Bitte versuch es in ein paar Minuten noch mal.
js-status-received = Gesendet am { $date }.
js-status-open = Deine Meldung ist aktiv.
js-status-withdrawn = Du hast diese Meldung zurückgezogen. Websites suchen nicht mehr nach diesen Bildern.
js-status-totals = Seit deiner Meldung: { $matched ->
    [0] keine Kopien gefunden
    [one] { $matched } Kopie gefunden
   *[other] { $matched } Kopien gefunden
}, { $removed ->
    [0] keine entfernt
    [one] { $removed } entfernt
   *[other] { $removed } entfernt
}, { $blocked ->
    [0] kein Upload verhindert
    [one] { $blocked } Upload verhindert
   *[other] { $blocked } Uploads verhindert
}.
js-status-no-outcomes = Bisher hat noch keine Website gemeldet, dass sie eine Kopie gefunden hat. Das kann dauern.
js-fingerprint-pdq = Bild-Fingerabdruck
js-fingerprint-vpdq = Video-Fingerabdruck
js-fingerprint-exact = Exakter Fingerabdruck
js-state-pending = Wartet auf Prüfung
js-state-listed = Wird gesucht
js-state-withdrawn = Zurückgezogen
js-state-suspended = Pausiert, während wir es prüfen
js-state-not-listed = Wird nicht gesucht
js-url-reported = Wartet auf Prüfung
js-url-actionable = Geprüft. Wir bitten die Website, es zu entfernen.
js-url-not-actionable = Bei dieser Adresse konnten wir nichts unternehmen. { $reason }
js-url-no-contact = Geprüft. Wir finden gerade heraus, wen wir um das Entfernen bitten können.
js-url-notice-sent = Wir haben die Website am { $date } gebeten, es zu entfernen.
js-url-still-up = Wir haben die Website am { $date } gebeten, es zu entfernen. Es ist noch online, deshalb fragen wir noch einmal.
js-url-escalated = Wir haben die Website am { $date } gebeten, es zu entfernen. Es ist noch online, deshalb kümmert sich jetzt jemand aus unserem Team darum.
js-url-removed = Die Website hat es am { $date } entfernt.
js-url-withdrawn = Zurückgezogen
js-outcomes = Gefunden: { $matched } · Entfernt: { $removed } · Uploads verhindert: { $blocked }
js-withdrawn-done = Deine Meldung wurde zurückgezogen. Websites suchen nicht mehr nach diesen Bildern.
js-withdraw-failed = Wir konnten deine Meldung gerade nicht zurückziehen. Bitte versuch es in ein paar Minuten noch mal.
