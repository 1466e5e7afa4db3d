### Le pagine di segnalazione di Takeback, in italiano: tradotto da en.ftl.
### Reviewed by a native speaker with safeguarding experience: no
#
# Tradotto da en.ftl (la fonte; leggerne i commenti iniziali). Bozza non revisionata:
# una hotline deve farla revisionare prima della pubblicazione. Si dà del tu a tutti.

## meta

# Il nome di questa lingua, in questa lingua: lo mostra il selettore della lingua.
language-name = Italiano

## common

common-language = Lingua

common-quick-exit = Esci subito
common-quick-exit-hint = o premi Esc
common-skip-to-content = Vai al contenuto principale
common-nav-label = Menu principale
common-nav-report = Segnala una mia foto
common-nav-status = Controlla la mia segnalazione
common-nav-adult = Per gli adulti che aiutano
common-no-script = Questa pagina ha bisogno di JavaScript per creare le impronte sul tuo dispositivo. Attiva JavaScript o prova un altro browser. Le tue foto non vengono mai caricate online.
common-footer-privacy = { $service } non vede mai le tue foto: le impronte vengono create sul tuo dispositivo. Questo sito non usa cookie e non carica niente da altri siti.
common-step = Passo { $n } di { $total }
common-continue = Continua
common-back = Indietro
common-case-number = Numero di segnalazione
common-case-secret = Codice segreto
common-copy = Copia numero di segnalazione e codice segreto
common-scripts-failed = Questa pagina non si è caricata bene, quindi per ora non può funzionare. Ricaricala, o riprova quando la connessione va meglio.
common-history-tip = “Esci subito” ti porta subito su un altro sito, e il tasto Indietro non ti riporta qui. Però non cancella la cronologia del browser: una finestra privata (in incognito) lascia meno tracce.

## support

support-title = Parla con qualcuno
support-intro = Non devi affrontare tutto questo senza aiuto. Queste persone sono gentili, non ti giudicano e non devi dire il tuo nome.
support-emergency-question = Sei in pericolo adesso?
support-emergency-call = Chiama il { $number }
support-call = Chiama il { $number }
support-text = Manda un SMS al { $number }
support-website = Sito di { $name } (si apre in una nuova scheda)
support-hours = Orari: { $hours }
support-threat-title = Qualcuno minaccia di diffondere una tua foto?
support-threat =
    .p1 = Non è colpa tua. È quella persona a fare una cosa sbagliata, e conta sul fatto che tu abbia troppa paura per dirlo a qualcuno.
    .p2 = Smetti di rispondere. Non pagare e non mandare nient'altro: non serve a farla smettere.
    .p3 = Non cancellare i messaggi né il nome del suo profilo. Non devi per forza riguardarli.
    .p4 = Se hai già pagato o mandato altro, non è comunque colpa tua, e puoi ancora ricevere aiuto.
    .p5 = Parlane con un adulto di cui ti fidi, e segnalalo.
support-report-to = Puoi segnalare minacce e adescamento a:
# Shown when the hotline has help contacts for more than one country; { $country } is the
# country's name, as the hotline writes it.
support-country = { $country }: chi può aiutarti
support-country-other = Ti trovi altrove?

## index

index-title = Riprendi il controllo di una tua foto
index-lead = Se qualcuno ha diffuso una tua foto o un tuo video intimo o sessuale, o minaccia di farlo, puoi aiutare a fermarne la diffusione. Non dovrai mai farli vedere a nessuno.
index-not-your-fault = Non è colpa tua, qualunque cosa sia successa. Chiedere aiuto non ti mette nei guai.
index-young-title = È una mia foto
index-young-text = Se nella foto avevi meno di 18 anni. Crea le impronte della foto su questo telefono o computer e invia solo quelle. La foto resta sul tuo dispositivo.
index-adult-title = Sono una persona adulta e aiuto un ragazzo o una ragazza
index-adult-text = Cosa fare, e cosa non fare, quando un ragazzo o una ragazza ti parla di un'immagine; e come segnalare dove l'hai vista.
index-status-title = Ho già fatto una segnalazione
index-status-text = Con il numero di segnalazione e il codice segreto puoi vedere a che punto è, o ritirare la segnalazione.
index-how-title = Come funziona
index-how =
    .p1 = Questa pagina crea un'impronta della tua foto, direttamente sul tuo dispositivo. Un'impronta è un codice calcolato a partire dalla foto. Dal codice non si può ricostruire la foto.
    .p2 = A { $service } vengono inviate solo le impronte. La foto non lascia mai il tuo dispositivo.
    .p3 = I siti e le app che collaborano con { $service } usano le impronte per trovare le copie, rimuoverle e impedire che vengano ricaricate.
    .p4 = Non tutti i siti collaborano con noi, e le chat private crittografate non si possono controllare. Ma ogni sito che controlla aiuta.

## report

report-title = Segnala una mia foto
report-intro-title = Prima di iniziare
report-intro =
    .p1 = Non è colpa tua. Qualunque cosa sia successa, non sei nei guai e hai diritto a ricevere aiuto.
    .p2 = La tua foto resta su questo dispositivo. Non viene mai caricata online e nessuno la vede: né noi, né i siti.
    .p3 = Questa pagina crea un'impronta di ogni foto che scegli: un codice calcolato a partire dalla foto, da cui non si può ricostruire la foto.
    .p4 = Condividiamo le impronte con i siti e le app che collaborano con { $service }, così possono trovare le copie, rimuoverle e impedire che vengano ricaricate.
    .p5 = Ti diciamo la verità: non tutti i siti collaborano con noi, e le chat private crittografate non si possono controllare. Aiuta comunque.
    .p6 = Riceverai un numero di segnalazione e un codice segreto. Con questi puoi vedere cosa è successo, o cambiare idea e ritirare la segnalazione.
report-confirm-legend = Controlla queste due cose
report-confirm-under-18 = La persona nella foto aveva meno di 18 anni quando è stata scattata.
report-confirm-under-18-error = Spunta questa casella se la persona nella foto aveva meno di 18 anni. Se ne aveva 18 o più, questo servizio non può accettare la segnalazione, ma le persone in “Parla con qualcuno” possono comunque aiutarti.
report-confirm-consent = Accetto che { $service } condivida le impronte con i siti e le app che collaborano con il servizio.
report-confirm-consent-error = Spunta questa casella, così possiamo condividere le impronte. Senza, non possiamo inviare la segnalazione.
report-pictures-title = Scegli le foto
report-pictures-intro = Scegli le foto da questo telefono o computer. Non verranno caricate: le impronte vengono create qui, sul tuo dispositivo. Mostriamo solo i nomi dei file, non le foto.
report-pictures-videos = Funziona con foto e video. Per un video, la pagina crea un'impronta per ogni secondo. Un video lungo può richiedere qualche minuto, ma non lascia mai il tuo dispositivo.
report-pictures-label = Scegli foto o video
report-pictures-hint = { $max ->
    [one] Puoi scegliere una foto o un video.
   *[other] Puoi scegliere fino a { $max } foto o video.
}
report-pictures-list = Le tue foto
report-no-picture = Non ho la foto, so solo dove l'ho vista
report-urls-title = Dove l'hai vista? (facoltativo)
report-urls-intro = Se conosci l'indirizzo web (URL) dove è stata pubblicata la foto, aggiungilo qui, uno per riga. Non metterti a cercarla se ti fa stare male. Puoi lasciare vuoto.
report-urls-label = Indirizzi web
report-urls-hint = Ognuno inizia con https:// o http://. { $max ->
    [one] Puoi aggiungerne uno.
   *[other] Puoi aggiungerne fino a { $max }.
}
report-check-title = Controlla e invia
report-check-intro = Invieremo le impronte di queste foto, gli indirizzi web che hai aggiunto e le tue due risposte. Mai le foto, il tuo nome o qualcosa che dica chi sei.
report-check-pictures = Foto
report-check-urls = Indirizzi web
report-check-codes = Mostra le impronte che invieremo
report-send = Invia le impronte
report-done-title = La tua segnalazione è stata inviata
report-done-intro = Grazie. Hai fatto una cosa coraggiosa.
report-keep-safe = Conservali in un posto sicuro e privato: scrivili su un foglio o salvali dove puoi vederli solo tu. Ti servono tutti e due per controllare la segnalazione o ritirarla. È l'unica volta che possiamo mostrarti il codice segreto: non ne teniamo una copia da farti rivedere.
report-next-title = Cosa succede ora
report-next =
    .p1 = I siti e le app che collaborano con { $service } ricevono le impronte e cercano le copie.
    .p2 = Torna quando vuoi per vedere cosa hanno trovato e rimosso.
    .p3 = Se cambi idea, puoi ritirare la segnalazione.
report-check-status = Controlla la mia segnalazione

## status

status-title = Controlla la mia segnalazione
status-intro = Inserisci il numero di segnalazione e il codice segreto che hai ricevuto quando hai inviato la segnalazione. Maiuscole, minuscole, spazi e trattini non contano.
status-case-hint = Ad esempio ABCD-EFGH-JK12
status-secret-hint = Ad esempio ABCDE-FGH12-JKMNP-QRSTV
status-show = Mostra la mia segnalazione
status-result-title = La tua segnalazione
status-fingerprints = Impronte
status-urls = Indirizzi web
status-withdraw-title = Ritira la mia segnalazione
status-withdraw-text = Se la ritiri, i siti smettono di cercare queste foto. Puoi segnalarle di nuovo quando vuoi.
status-withdraw = Ritira la mia segnalazione
status-withdraw-confirm-title = Vuoi ritirare la segnalazione?
status-withdraw-confirm-text = I siti e le app smetteranno di cercare queste foto. Puoi sempre segnalarle di nuovo.
status-withdraw-yes = Sì, ritirala
status-withdraw-no = No, tienila

## adult

adult-title = Se un ragazzo o una ragazza ti ha parlato di un'immagine
adult-intro = Grazie per il tuo aiuto. Come reagisci adesso conta: mantieni la calma, ascolta e assicurati che sappia che non è colpa sua.
adult-do-title = Cosa fare
adult-do =
    .p1 = Ascolta con calma, rispettando i suoi tempi, senza interrompere. Ringrazia per avertene parlato.
    .p2 = Spiega che non è colpa sua e che non è nei guai.
    .p3 = Segui la procedura di tutela dei minori della tua organizzazione e informa la persona referente per la tutela.
    .p4 = Annota l'indirizzo web (URL) dove è stata vista l'immagine, e l'app o il sito, invece di conservare l'immagine.
    .p5 = Pensa a tutti i minori coinvolti, compreso chi l'ha ricevuta o inoltrata.
adult-dont-title = Cosa non fare
adult-dont =
    .p1 = Non chiedere di vedere l'immagine, e non guardarla se te la mostrano.
    .p2 = Non copiarla, non fare screenshot, non salvarla, non inoltrarla e non stamparla, nemmeno per mostrarla a un collega o alla polizia. Detenerla o condividerla può essere un reato, e ogni copia è un rischio in più per il ragazzo o la ragazza.
    .p3 = Non provare a scoprire per conto tuo da dove viene l'immagine.
    .p4 = Non dare colpe e non minacciare di togliere il telefono o di vietare internet: così la prossima volta ragazzi e ragazze non si confideranno con un adulto.
    .p5 = Non condividere quello che sai con nessuno oltre alle persone che si occupano della tutela.
adult-fingerprint-title = Il ragazzo o la ragazza può creare le impronte dell'immagine in autonomia
adult-fingerprint =
    .p1 = Dal proprio telefono o computer, può aprire la pagina “Segnala una mia foto” di questo sito. Le impronte vengono create lì; la foto non lascia mai il suo dispositivo e nessuno la vede.
    .p2 = Puoi essere presente mentre lo fa, senza guardare la foto.
    .p3 = Riceve un numero di segnalazione e un codice segreto tutti suoi, per controllare la segnalazione o ritirarla.
adult-fingerprint-link = Segnala una mia foto
adult-report-title = Segnala dove l'hai vista
adult-report-intro = Inviaci gli indirizzi web dove è stata vista l'immagine. Non chiediamo mai l'immagine agli adulti, quindi qui non c'è niente da caricare: detenerla o inviarla può essere un reato, e ogni copia fa di nuovo del male al ragazzo o alla ragazza.
adult-urls-label = Indirizzi web
adult-urls-hint = Uno per riga, ognuno con https:// o http:// all'inizio. { $max ->
    [one] Solo uno.
   *[other] Fino a { $max }.
}
adult-confirm-legend = Conferma
adult-confirm-under-18 = La persona nell'immagine ha meno di 18 anni, o li aveva quando è stata scattata.
adult-confirm-under-18-error = Spunta questa casella se la persona aveva meno di 18 anni. Questo servizio accetta solo segnalazioni di immagini di minori.
adult-confirm-consent = Accetto che { $service } condivida questi indirizzi con i siti e le app che collaborano con il servizio, così possono rimuovere l'immagine.
adult-confirm-consent-error = Spunta questa casella, così possiamo trasmettere gli indirizzi.
adult-send = Invia gli indirizzi web
adult-done-title = Grazie: gli indirizzi web sono stati inviati
adult-keep-safe = Conserva il numero di segnalazione e il codice segreto in un posto sicuro, se vuoi controllare la segnalazione più avanti. È l'unica volta che possiamo mostrarti il codice segreto.
adult-danger-title = Se un minore è in pericolo, o riceve minacce o ricatti
adult-danger = Chiama il { $emergency } se un minore è in pericolo immediato.
adult-danger-report = Segnala adescamento, minacce o ricatti a sfondo sessuale (sextortion) a:
adult-adult-help = Consigli per adulti preoccupati per un minore:

## not_found

not-found-title = Pagina non trovata
not-found-text = A questo indirizzo non c'è niente.
not-found-home = Vai alla pagina iniziale

## js

js-file-working = Creo l'impronta…
js-file-ready = Impronta pronta
js-file-exact-only = Questa foto ha pochi dettagli, quindi possiamo creare solo un'impronta che trova le sue copie identiche. La invieremo comunque.
js-file-unreadable = Non riusciamo a creare un'impronta di questo file, quindi non verrà inviato niente. Forse questo browser non sa aprire questo tipo di file, o il file è danneggiato. Se hai scelto altre foto, quelle vanno bene.
js-file-duplicate = È lo stesso file di uno che hai già scelto, quindi la sua impronta viene inviata una volta sola.
js-file-failed = Qualcosa è andato storto nel creare l'impronta di questo file, quindi non verrà inviato niente. Se hai scelto altre foto, quelle vanno bene.
js-remove = Rimuovi
js-file-remove = Rimuovi { $name }
js-video-waiting = In attesa del video precedente…
js-video-working = Creo le impronte di questo video. Il video resta sul tuo dispositivo.
js-video-progress = Avanzamento delle impronte di { $name }
js-video-stop = Ferma
js-video-stop-label = Ferma e rimuovi { $name }
js-video-ready = Impronte del video pronte
js-video-exact-only = Questo video ha pochi dettagli (forse è molto scuro), quindi possiamo creare solo un'impronta che trova le sue copie identiche. La invieremo comunque.
js-video-too-long = Questo video dura più di { $minutes ->
    [one] un minuto
   *[other] { $minutes } minuti
}: è troppo lungo per crearne le impronte su questo dispositivo, quindi non verrà inviato niente. Non hai fatto niente di sbagliato. Se sai dove è stato pubblicato, aggiungi l'indirizzo web al passo successivo e faremo il possibile per farlo rimuovere. Puoi anche parlare con qualcuno: trovi i contatti qui sotto.
js-video-too-large = Questo file video è troppo grande per crearne le impronte su questo dispositivo, quindi non verrà inviato niente. Non hai fatto niente di sbagliato. Se sai dove è stato pubblicato, aggiungi l'indirizzo web al passo successivo e faremo il possibile per farlo rimuovere. Puoi anche parlare con qualcuno: trovi i contatti qui sotto.
js-video-unreadable = Questo browser non riesce ad aprire questo video, quindi non verrà inviato niente. Puoi provare un altro browser oppure, se sai dove è stato pubblicato, aggiungere l'indirizzo web al passo successivo. Puoi anche parlare con qualcuno: trovi i contatti qui sotto.
js-video-codes = { $count ->
    [one] { $count } impronta video
   *[other] { $count } impronte video
}
js-videos-too-many = { $max ->
    [one] Puoi inviare un solo video per segnalazione.
   *[other] Puoi inviare fino a { $max } video per segnalazione.
} Invia gli altri con una seconda segnalazione.
js-pictures-none = Scegli almeno una foto per continuare.
js-pictures-none-usable = Nessuno dei file che hai scelto può essere inviato. Prova a scegliere di nuovo le foto, o parla con qualcuno qui sotto.
js-pictures-too-many = { $max ->
    [one] Puoi inviare una sola foto per segnalazione.
   *[other] Puoi inviare fino a { $max } foto per segnalazione.
} Invia le altre con una seconda segnalazione.
js-pictures-busy = Aspetta che le impronte siano pronte.
js-urls-bad-line = La riga { $line } non sembra un indirizzo web. Deve iniziare con https:// o http://.
js-urls-too-many = { $max ->
    [one] Puoi aggiungere un solo indirizzo web.
   *[other] Puoi aggiungere fino a { $max } indirizzi web.
}
js-urls-too-long = La riga { $line } è troppo lunga per essere un indirizzo web.
js-urls-none = Aggiungi almeno un indirizzo web.
js-none = Nessuno
js-sending = Invio in corso…
js-send-throttled = Da questa connessione sono arrivate molte segnalazioni nell'ultima ora, quindi per ora non possiamo accettarne un'altra. Riprova tra un'ora. Non è stato inviato niente.
js-send-rejected = Non possiamo accettare questa segnalazione così com'è. Torna indietro e controlla cosa hai inserito, o parla con qualcuno qui sotto.
js-send-failed = Non siamo riusciti a inviare la segnalazione. Non è stato inviato niente: riprova tra poco.
js-send-offline = Non riusciamo a raggiungere { $service }. Controlla la connessione internet e riprova. Non è stato inviato niente.
js-copied = Copiato. Conservali in un posto sicuro.
js-copy-failed = Qui non si può copiare. Scrivili su un foglio.
js-status-loading = Cerco la tua segnalazione…
js-status-not-found = Non troviamo nessuna segnalazione con questo numero e questo codice segreto. Controllali tutti e due e riprova.
js-status-missing = Inserisci sia il numero di segnalazione sia il codice segreto.
js-status-throttled = Ci sono stati troppi tentativi sbagliati da questa connessione o con questo numero di segnalazione. Controlla bene il numero e il codice segreto, oppure aspetta un'ora e riprova.
js-status-offline = Non riusciamo a raggiungere { $service }. Controlla la connessione internet e riprova.
js-status-failed = Qualcosa è andato storto da parte nostra. Riprova tra qualche minuto.
js-status-received = Inviata il giorno { $date }.
js-status-open = La tua segnalazione è attiva.
js-status-withdrawn = Hai ritirato questa segnalazione. I siti non cercano più queste foto.
js-status-totals = Da quando hai fatto la segnalazione: { $matched ->
    [0] nessuna copia trovata
    [one] { $matched } copia trovata
   *[other] { $matched } copie trovate
}, { $removed ->
    [0] nessuna rimossa
    [one] { $removed } rimossa
   *[other] { $removed } rimosse
}, { $blocked ->
    [0] nessun caricamento bloccato
    [one] { $blocked } caricamento bloccato
   *[other] { $blocked } caricamenti bloccati
}.
js-status-no-outcomes = Nessun sito ha ancora segnalato di aver trovato una copia. Può volerci un po' di tempo.
js-fingerprint-pdq = Impronta della foto
js-fingerprint-vpdq = Impronta del video
js-fingerprint-exact = Impronta esatta
js-state-pending = In attesa di controllo
js-state-listed = Ricerca in corso
js-state-withdrawn = Ritirata
js-state-suspended = In pausa mentre la controlliamo
js-state-not-listed = Non viene cercata
js-url-reported = In attesa di controllo
js-url-actionable = Controllato. Chiederemo al sito di rimuovere il contenuto.
js-url-not-actionable = Non abbiamo potuto intervenire su questo indirizzo. { $reason }
js-url-no-contact = Controllato. Stiamo cercando a chi chiedere la rimozione.
js-url-notice-sent = Il giorno { $date } abbiamo chiesto al sito di rimuovere il contenuto.
js-url-still-up = Il giorno { $date } abbiamo chiesto al sito di rimuovere il contenuto. È ancora online, quindi lo chiediamo di nuovo.
js-url-escalated = Il giorno { $date } abbiamo chiesto al sito di rimuovere il contenuto. È ancora online, quindi se ne sta occupando una persona del nostro team.
js-url-removed = Il giorno { $date } il sito ha rimosso il contenuto.
js-url-withdrawn = Ritirato
js-outcomes = Copie trovate: { $matched } · Rimosse: { $removed } · Caricamenti bloccati: { $blocked }
js-withdrawn-done = La tua segnalazione è stata ritirata. I siti smetteranno di cercare queste foto.
js-withdraw-failed = Non siamo riusciti a ritirare la segnalazione adesso. Riprova tra qualche minuto.
