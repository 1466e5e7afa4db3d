### Strony zgłoszeniowe Takeback po polsku, przetłumaczone z en.ftl.
### Reviewed by a native speaker with safeguarding experience: no
#
# Translated from en.ftl (the source and its how-to-translate notes are there). Register: "ty"
# throughout; second-person past tense is avoided so that no message assumes the reader's gender.

## meta

# This language's name, in itself: the language switcher lists it.
language-name = Polski

## common

common-language = Język

common-quick-exit = Szybkie wyjście
common-quick-exit-hint = lub naciśnij Esc
common-skip-to-content = Przejdź do treści
common-nav-label = Menu główne
common-nav-report = Zgłoś moje zdjęcie
common-nav-status = Sprawdź moje zgłoszenie
common-nav-adult = Dla dorosłych, którzy pomagają
common-no-script = Ta strona potrzebuje JavaScript, żeby zrobić odciski cyfrowe na twoim urządzeniu. Włącz JavaScript albo spróbuj innej przeglądarki. Twoje zdjęcia nigdy nie są nigdzie wysyłane.
common-footer-privacy = { $service } nigdy nie widzi twoich zdjęć: odciski cyfrowe powstają na twoim urządzeniu. Ta strona nie używa plików cookie i nie ładuje niczego z innych stron.
common-step = Krok { $n } z { $total }
common-continue = Dalej
common-back = Wstecz
common-case-number = Numer sprawy
common-case-secret = Tajny kod
common-copy = Skopiuj numer sprawy i tajny kod
common-scripts-failed = Ta strona nie załadowała się poprawnie, więc jeszcze nie działa. Odśwież ją albo spróbuj ponownie, kiedy połączenie będzie lepsze.
common-history-tip = Szybkie wyjście od razu przenosi cię na inną stronę, a przycisk „Wstecz” tu nie wróci. Nie czyści to jednak historii przeglądarki: okno prywatne lub incognito zostawia mniej śladów.

## support

support-title = Porozmawiaj z kimś
support-intro = Nie musisz mierzyć się z tym w pojedynkę. Te osoby są życzliwe, nie będą cię oceniać i nie musisz podawać swojego imienia.
support-emergency-question = Grozi ci teraz niebezpieczeństwo?
support-emergency-call = Zadzwoń pod { $number }
support-call = Zadzwoń pod { $number }
support-text = Napisz SMS pod { $number }
support-website = { $name } – strona internetowa (otwiera się w nowej karcie)
support-hours = Czynne: { $hours }
support-threat-title = Ktoś grozi, że udostępni twoje zdjęcie?
support-threat =
    .p1 = To nie twoja wina. To ta osoba robi coś złego – i liczy na to, że strach nie pozwoli ci nikomu o tym powiedzieć.
    .p2 = Przestań odpisywać. Nie płać i nic więcej nie wysyłaj: to nie sprawi, że przestanie.
    .p3 = Nie usuwaj wiadomości ani nazwy konta tej osoby. Nie musisz ich znowu oglądać.
    .p4 = Jeśli pieniądze albo kolejne zdjęcia już zostały wysłane, to nadal nie twoja wina i nadal możesz dostać pomoc.
    .p5 = Powiedz o tym dorosłej osobie, której ufasz, i zgłoś to.
support-report-to = Groźby i grooming możesz zgłosić tutaj:
# Shown when the hotline has help contacts for more than one country; { $country } is the
# country's name, as the hotline writes it.
support-country = Pomoc w kraju: { $country }
support-country-other = Inny kraj?

## index

index-title = Odzyskaj kontrolę nad swoim zdjęciem
index-lead = Jeśli ktoś udostępnił twoje nagie lub seksualne zdjęcie albo film – albo grozi, że to zrobi – możesz pomóc to powstrzymać. Nigdy nie musisz go nikomu pokazywać.
index-not-your-fault = To nie twoja wina, cokolwiek się stało. Nie będziesz mieć kłopotów przez to, że prosisz o pomoc.
index-young-title = To moje zdjęcie
index-young-text = Jeśli na zdjęciu masz mniej niż 18 lat. Zrób jego odciski cyfrowe na tym telefonie lub komputerze i wyślij tylko je. Zdjęcie zostaje u ciebie.
index-adult-title = Jestem osobą dorosłą i pomagam komuś młodemu
index-adult-text = Co robić, a czego nie robić, gdy młoda osoba mówi ci o swoim zdjęciu lub filmie; i jak zgłosić miejsce, gdzie je widać.
index-status-title = Mam już zgłoszenie
index-status-text = Sprawdź numerem sprawy i tajnym kodem, co dzieje się z twoim zgłoszeniem, albo je wycofaj.
index-how-title = Jak to działa
index-how =
    .p1 = Ta strona robi odcisk cyfrowy twojego zdjęcia na twoim własnym urządzeniu. Odcisk cyfrowy to kod wyliczony ze zdjęcia. Nie da się z niego odtworzyć zdjęcia.
    .p2 = { $service } dostaje tylko odciski cyfrowe. Zdjęcie nigdy nie opuszcza twojego urządzenia.
    .p3 = Strony i aplikacje, które współpracują z { $service }, używają odcisków, żeby znaleźć kopie, usunąć je i nie dopuścić do ponownego wrzucenia.
    .p4 = Nie każda strona z nami współpracuje, a prywatnych szyfrowanych czatów nie da się sprawdzić. Ale każde miejsce, które sprawdza, pomaga.

## report

report-title = Zgłoś moje zdjęcie
report-intro-title = Zanim zaczniesz
report-intro =
    .p1 = To nie twoja wina. Cokolwiek się stało, nie masz kłopotów i zasługujesz na pomoc.
    .p2 = Twoje zdjęcie zostaje na tym urządzeniu. Nigdy nie jest wysyłane i nikt go nie widzi: ani my, ani strony internetowe.
    .p3 = Ta strona robi odcisk cyfrowy każdego wybranego zdjęcia: kod wyliczony ze zdjęcia, z którego nie da się go odtworzyć.
    .p4 = Przekazujemy odciski stronom i aplikacjom, które współpracują z { $service }, żeby mogły znaleźć kopie, usunąć je i nie dopuścić do ponownego wrzucenia.
    .p5 = Szczerze: nie każda strona z nami współpracuje, a prywatnych szyfrowanych czatów nie da się sprawdzić. Ale i tak to pomaga.
    .p6 = Dostaniesz numer sprawy i tajny kod. Dzięki nim sprawdzisz, co się dzieje, albo zmienisz zdanie i wycofasz zgłoszenie.
report-confirm-legend = Potwierdź te dwie rzeczy
report-confirm-under-18 = Osoba na zdjęciu miała mniej niż 18 lat, kiedy je zrobiono.
report-confirm-under-18-error = Zaznacz to pole, jeśli osoba na zdjęciu miała mniej niż 18 lat. Jeśli miała 18 lat lub więcej, nie możemy przyjąć tego zgłoszenia, ale osoby z części „Porozmawiaj z kimś” nadal mogą pomóc.
report-confirm-consent = Zgadzam się na przekazanie odcisków cyfrowych przez { $service } stronom i aplikacjom partnerskim.
report-confirm-consent-error = Zaznacz to pole, żebyśmy mogli przekazać odciski. Bez tej zgody nie możemy wysłać twojego zgłoszenia.
report-pictures-title = Wybierz zdjęcia
report-pictures-intro = Wybierz zdjęcia z tego telefonu lub komputera. Nie zostaną nigdzie wysłane: odciski powstają tutaj, na twoim urządzeniu. Pokazujemy tylko nazwy plików, nie zdjęcia.
report-pictures-videos = Działa to ze zdjęciami i filmami. Z filmu strona robi odcisk jednej klatki na każdą sekundę. Długi film może zająć kilka minut – i on też nigdy nie opuszcza twojego urządzenia.
report-pictures-label = Wybierz zdjęcia lub filmy
report-pictures-hint = { $max ->
    [one] Możesz wybrać jedno zdjęcie lub film.
    [few] Możesz wybrać maksymalnie { $max } zdjęcia lub filmy.
    [many] Możesz wybrać maksymalnie { $max } zdjęć lub filmów.
   *[other] Możesz wybrać maksymalnie { $max } zdjęcia lub filmu.
}
report-pictures-list = Twoje zdjęcia
report-no-picture = Nie mam zdjęcia, znam tylko miejsce, gdzie się pojawiło
report-urls-title = Gdzie je widać? (opcjonalnie)
report-urls-intro = Jeśli znasz adres strony (URL), na której zdjęcie zostało opublikowane, wpisz go tutaj, jeden w każdej linii. Nie szukaj go, jeśli byłoby to dla ciebie zbyt trudne. Możesz zostawić to pole puste.
report-urls-label = Adresy stron
report-urls-hint = Każdy zaczyna się od https:// lub http://. { $max ->
    [one] Możesz dodać jeden.
    [few] Możesz dodać maksymalnie { $max }.
    [many] Możesz dodać maksymalnie { $max }.
   *[other] Możesz dodać maksymalnie { $max }.
}
report-check-title = Sprawdź i wyślij
report-check-intro = Wyślemy odciski tych zdjęć, dodane adresy stron i twoje dwie odpowiedzi. Nigdy zdjęcia, twoje imię ani nic, co zdradza, kim jesteś.
report-check-pictures = Zdjęcia
report-check-urls = Adresy stron
report-check-codes = Pokaż odciski, które wyślemy
report-send = Wyślij odciski cyfrowe
report-done-title = Twoje zgłoszenie zostało wysłane
report-done-intro = Dziękujemy. To była odważna decyzja.
report-keep-safe = Schowaj oba w bezpiecznym, prywatnym miejscu: zanotuj je albo zapisz tam, gdzie tylko ty masz do nich dostęp. Oba są potrzebne, żeby sprawdzić lub wycofać zgłoszenie. Tajny kod możemy pokazać tylko ten jeden raz: nie przechowujemy jego kopii, którą moglibyśmy pokazać ponownie.
report-next-title = Co dalej
report-next =
    .p1 = Strony i aplikacje, które współpracują z { $service }, dostają odciski i szukają kopii.
    .p2 = Wracaj tu, kiedy chcesz, żeby zobaczyć, co znaleziono i usunięto.
    .p3 = Jeśli zmienisz zdanie, możesz wycofać zgłoszenie.
report-check-status = Sprawdź moje zgłoszenie

## status

status-title = Sprawdź moje zgłoszenie
status-intro = Wpisz numer sprawy i tajny kod, które pojawiły się po wysłaniu zgłoszenia. Wielkość liter, spacje i myślniki nie mają znaczenia.
status-case-hint = Na przykład ABCD-EFGH-JK12
status-secret-hint = Na przykład ABCDE-FGH12-JKMNP-QRSTV
status-show = Pokaż moje zgłoszenie
status-result-title = Twoje zgłoszenie
status-fingerprints = Odciski cyfrowe
status-urls = Adresy stron
status-withdraw-title = Wycofaj moje zgłoszenie
status-withdraw-text = Jeśli wycofasz zgłoszenie, strony przestaną szukać tych zdjęć. W każdej chwili możesz zgłosić je ponownie.
status-withdraw = Wycofaj moje zgłoszenie
status-withdraw-confirm-title = Wycofać zgłoszenie?
status-withdraw-confirm-text = Strony i aplikacje przestaną szukać tych zdjęć. Zawsze możesz zgłosić je ponownie.
status-withdraw-yes = Tak, wycofaj
status-withdraw-no = Nie, zostaw

## adult

adult-title = Jeśli młoda osoba powiedziała ci o swoim zdjęciu lub filmie
adult-intro = Dziękujemy, że pomagasz. To, jak teraz zareagujesz, ma znaczenie: zachowaj spokój, wysłuchaj i upewnij się, że ta osoba wie, że to nie jej wina.
adult-do-title = Co robić
adult-do =
    .p1 = Wysłuchaj spokojnie, bez przerywania, w tempie tej osoby. Podziękuj jej, że ci o tym mówi.
    .p2 = Powiedz jej, że to nie jej wina i że nie ma kłopotów.
    .p3 = Postępuj zgodnie ze standardami ochrony małoletnich w swojej placówce i powiadom osobę, która za nie odpowiada.
    .p4 = Zamiast zachowywać zdjęcie, zapisz adres strony (URL), na której je widziano, oraz nazwę aplikacji lub serwisu.
    .p5 = Pomyśl o wszystkich dzieciach, których to dotyczy, także o tych, które zdjęcie dostały lub przesłały dalej.
adult-dont-title = Czego nie robić
adult-dont =
    .p1 = Nie proś o pokazanie zdjęcia i nie patrz na nie, jeśli ktoś ci je pokazuje.
    .p2 = Nie kopiuj go, nie rób zrzutu ekranu, nie zapisuj, nie przesyłaj dalej ani nie drukuj – nawet po to, żeby pokazać je komuś z pracy albo policji. Posiadanie lub udostępnianie takiego materiału może być przestępstwem, a każda kopia to kolejne zagrożenie dla młodej osoby.
    .p3 = Nie próbuj na własną rękę ustalać, skąd pochodzi zdjęcie.
    .p4 = Nie obwiniaj i nie groź odebraniem telefonu ani zakazem korzystania z internetu: przez to dzieci następnym razem nie powiedzą nic dorosłym.
    .p5 = Nie mów o tym nikomu poza osobami, które zajmują się ochroną dziecka w tej sprawie.
adult-fingerprint-title = Młoda osoba może sama zrobić odcisk cyfrowy zdjęcia
adult-fingerprint =
    .p1 = Na własnym telefonie lub komputerze może otworzyć na tej stronie „Zgłoś moje zdjęcie”. Odciski powstają na miejscu; zdjęcie nigdy nie opuszcza urządzenia i nikt go nie widzi.
    .p2 = Możesz przy tym być, nie patrząc na zdjęcie.
    .p3 = Dostanie własny numer sprawy i tajny kod, żeby sprawdzić zgłoszenie albo je wycofać.
adult-fingerprint-link = Zgłoś moje zdjęcie
adult-report-title = Zgłoś miejsce, gdzie je widać
adult-report-intro = Wyślij nam adresy stron, na których widać zdjęcie. Nigdy nie prosimy dorosłych o samo zdjęcie, więc nie ma tu miejsca na wgranie pliku: posiadanie lub przesyłanie go może być przestępstwem, a każda kopia znów krzywdzi młodą osobę.
adult-urls-label = Adresy stron
adult-urls-hint = Jeden w każdej linii, każdy zaczyna się od https:// lub http://. { $max ->
    [one] Tylko jeden.
    [few] Maksymalnie { $max }.
    [many] Maksymalnie { $max }.
   *[other] Maksymalnie { $max }.
}
adult-confirm-legend = Potwierdź
adult-confirm-under-18 = Młoda osoba na zdjęciu ma mniej niż 18 lat albo miała mniej, gdy je zrobiono.
adult-confirm-under-18-error = Zaznacz to pole, jeśli młoda osoba miała mniej niż 18 lat. Przyjmujemy tylko zgłoszenia zdjęć osób niepełnoletnich.
adult-confirm-consent = Zgadzam się na przekazanie tych adresów przez { $service } stronom i aplikacjom partnerskim, żeby mogły usunąć zdjęcie.
adult-confirm-consent-error = Zaznacz to pole, żebyśmy mogli przekazać adresy dalej.
adult-send = Wyślij adresy stron
adult-done-title = Dziękujemy: adresy stron zostały wysłane
adult-keep-safe = Zachowaj numer sprawy i tajny kod w bezpiecznym miejscu, jeśli chcesz później sprawdzić zgłoszenie. Tajny kod możemy pokazać tylko ten jeden raz.
adult-danger-title = Jeśli dziecku grozi niebezpieczeństwo albo ktoś mu grozi lub je szantażuje
adult-danger = Zadzwoń pod { $emergency }, jeśli dziecku grozi bezpośrednie niebezpieczeństwo.
adult-danger-report = Grooming, groźby lub szantaż na tle seksualnym (sextortion) zgłoś tutaj:
adult-adult-help = Porady dla dorosłych, którzy martwią się o dziecko:

## not_found

not-found-title = Nie znaleziono strony
not-found-text = Pod tym adresem nic nie ma.
not-found-home = Przejdź na stronę główną

## js

js-file-working = Tworzenie odcisku cyfrowego…
js-file-ready = Odcisk cyfrowy gotowy
js-file-exact-only = To zdjęcie ma mało szczegółów, więc możemy zrobić tylko odcisk, który znajdzie jego dokładne kopie. I tak go wyślemy.
js-file-unreadable = Nie możemy zrobić odcisku tego pliku, więc nic z niego nie zostanie wysłane. Może ta przeglądarka nie otwiera takich plików albo plik jest uszkodzony. Inne wybrane zdjęcia są w porządku.
js-file-duplicate = Ten plik jest już wybrany, więc jego odcisk zostanie wysłany tylko raz.
js-file-failed = Coś poszło nie tak przy tworzeniu odcisku tego pliku, więc nic z niego nie zostanie wysłane. Inne wybrane zdjęcia są w porządku.
js-remove = Usuń
js-file-remove = Usuń { $name }
js-video-waiting = Czeka na poprzedni film…
js-video-working = Tworzenie odcisków tego filmu. Film zostaje na twoim urządzeniu.
js-video-progress = Postęp tworzenia odcisków: { $name }
js-video-stop = Zatrzymaj
js-video-stop-label = Zatrzymaj i usuń { $name }
js-video-ready = Odciski filmu gotowe
js-video-exact-only = Ten film ma mało szczegółów (może jest bardzo ciemny), więc możemy zrobić tylko odcisk, który znajdzie jego dokładne kopie. I tak go wyślemy.
js-video-too-long = Ten film jest dłuższy niż { $minutes ->
    [one] minuta
    [few] { $minutes } minuty
    [many] { $minutes } minut
   *[other] { $minutes } minuty
} – to za długo, żeby zrobić odcisk na tym urządzeniu, więc nic z niego nie zostanie wysłane. To nie twoja wina. Jeśli wiesz, gdzie go opublikowano, dodaj adres strony w następnym kroku, a my postaramy się, żeby go usunięto. Możesz też z kimś porozmawiać: kontakty są poniżej.
js-video-too-large = Ten plik wideo jest za duży, żeby zrobić odcisk na tym urządzeniu, więc nic z niego nie zostanie wysłane. To nie twoja wina. Jeśli wiesz, gdzie go opublikowano, dodaj adres strony w następnym kroku, a my postaramy się, żeby go usunięto. Możesz też z kimś porozmawiać: kontakty są poniżej.
js-video-unreadable = Ta przeglądarka nie może otworzyć tego filmu, więc nic z niego nie zostanie wysłane. Spróbuj innej przeglądarki albo, jeśli wiesz, gdzie go opublikowano, dodaj adres strony w następnym kroku. Możesz też z kimś porozmawiać: kontakty są poniżej.
js-video-codes = { $count ->
    [one] { $count } odcisk filmu
    [few] { $count } odciski filmu
    [many] { $count } odcisków filmu
   *[other] { $count } odcisku filmu
}
js-videos-too-many = { $max ->
    [one] W jednym zgłoszeniu możesz wysłać jeden film.
    [few] W jednym zgłoszeniu możesz wysłać maksymalnie { $max } filmy.
    [many] W jednym zgłoszeniu możesz wysłać maksymalnie { $max } filmów.
   *[other] W jednym zgłoszeniu możesz wysłać maksymalnie { $max } filmu.
} Pozostałe wyślij w kolejnym zgłoszeniu.
js-pictures-none = Wybierz co najmniej jedno zdjęcie, żeby przejść dalej.
js-pictures-none-usable = Żadnego z wybranych plików nie da się wysłać. Spróbuj wybrać zdjęcia jeszcze raz albo porozmawiaj z kimś – kontakty są poniżej.
js-pictures-too-many = { $max ->
    [one] W jednym zgłoszeniu możesz wysłać jedno zdjęcie.
    [few] W jednym zgłoszeniu możesz wysłać maksymalnie { $max } zdjęcia.
    [many] W jednym zgłoszeniu możesz wysłać maksymalnie { $max } zdjęć.
   *[other] W jednym zgłoszeniu możesz wysłać maksymalnie { $max } zdjęcia.
} Pozostałe wyślij w kolejnym zgłoszeniu.
js-pictures-busy = Poczekaj, aż odciski będą gotowe.
js-urls-bad-line = Linia { $line } nie wygląda jak adres strony. Powinna zaczynać się od https:// lub http://.
js-urls-too-many = { $max ->
    [one] Możesz dodać jeden adres strony.
    [few] Możesz dodać maksymalnie { $max } adresy stron.
    [many] Możesz dodać maksymalnie { $max } adresów stron.
   *[other] Możesz dodać maksymalnie { $max } adresu strony.
}
js-urls-too-long = Linia { $line } jest za długa jak na adres strony.
js-urls-none = Dodaj co najmniej jeden adres strony.
js-none = Brak
js-sending = Wysyłanie…
js-send-throttled = Z tego połączenia w ostatniej godzinie przyszło bardzo dużo zgłoszeń, więc teraz nie możemy przyjąć kolejnego. Spróbuj ponownie za godzinę. Nic nie zostało wysłane.
js-send-rejected = Nie możemy przyjąć tego zgłoszenia w tej postaci. Wróć i sprawdź wpisane dane albo porozmawiaj z kimś – kontakty są poniżej.
js-send-failed = Nie udało się wysłać twojego zgłoszenia. Nic nie zostało wysłane, więc spróbuj ponownie za chwilę.
js-send-offline = Nie udało się połączyć z { $service }. Sprawdź połączenie z internetem i spróbuj ponownie. Nic nie zostało wysłane.
js-copied = Skopiowano. Schowaj je w bezpiecznym miejscu.
js-copy-failed = Tutaj nie da się skopiować. Zamiast tego je zanotuj.
js-status-loading = Szukamy twojego zgłoszenia…
js-status-not-found = Nie ma zgłoszenia z tym numerem sprawy i tajnym kodem. Sprawdź oba i spróbuj ponownie.
js-status-missing = Wpisz numer sprawy i tajny kod.
js-status-throttled = Było zbyt wiele błędnych prób – z tego połączenia albo z tym numerem sprawy. Dokładnie sprawdź numer sprawy i tajny kod albo odczekaj godzinę i spróbuj ponownie.
js-status-offline = Nie udało się połączyć z { $service }. Sprawdź połączenie z internetem i spróbuj ponownie.
js-status-failed = Coś poszło nie tak po naszej stronie. Spróbuj ponownie za kilka minut.
js-status-received = Wysłano: { $date }.
js-status-open = Twoje zgłoszenie jest aktywne.
js-status-withdrawn = To zgłoszenie zostało wycofane. Strony nie szukają już tych zdjęć.
js-status-totals = Od twojego zgłoszenia: { $matched ->
    [0] nie znaleziono kopii
    [one] znaleziono { $matched } kopię
    [few] znaleziono { $matched } kopie
    [many] znaleziono { $matched } kopii
   *[other] znaleziono { $matched } kopii
}, { $removed ->
    [0] żadnej nie usunięto
    [one] usunięto { $removed }
    [few] usunięto { $removed }
    [many] usunięto { $removed }
   *[other] usunięto { $removed }
}, { $blocked ->
    [0] nie zablokowano żadnej próby wrzucenia
    [one] zablokowano { $blocked } próbę wrzucenia
    [few] zablokowano { $blocked } próby wrzucenia
    [many] zablokowano { $blocked } prób wrzucenia
   *[other] zablokowano { $blocked } próby wrzucenia
}.
js-status-no-outcomes = Żadna strona nie zgłosiła jeszcze znalezienia kopii. To może potrwać.
js-fingerprint-pdq = Odcisk zdjęcia
js-fingerprint-vpdq = Odcisk filmu
js-fingerprint-exact = Odcisk dokładny
js-state-pending = Czeka na sprawdzenie
js-state-listed = Trwa wyszukiwanie
js-state-withdrawn = Wycofano
js-state-suspended = Wstrzymano na czas sprawdzania
js-state-not-listed = Wyszukiwanie wyłączone
js-url-reported = Czeka na sprawdzenie
js-url-actionable = Sprawdzono. Poprosimy stronę o usunięcie.
js-url-not-actionable = W sprawie tego adresu nie możemy nic zrobić. { $reason }
js-url-no-contact = Sprawdzono. Ustalamy, kogo poprosić o usunięcie.
js-url-notice-sent = Poprosiliśmy stronę o usunięcie: { $date }.
js-url-still-up = Poprosiliśmy stronę o usunięcie: { $date }. Materiał nadal tam jest, więc prosimy ponownie.
js-url-escalated = Poprosiliśmy stronę o usunięcie: { $date }. Materiał nadal tam jest, więc zajmuje się tym ktoś z naszego zespołu.
js-url-removed = Strona usunęła materiał: { $date }.
js-url-withdrawn = Wycofano
js-outcomes = Znalezione: { $matched } · Usunięte: { $removed } · Zablokowane próby wrzucenia: { $blocked }
js-withdrawn-done = Twoje zgłoszenie zostało wycofane. Strony przestaną szukać tych zdjęć.
js-withdraw-failed = Nie udało się teraz wycofać twojego zgłoszenia. Spróbuj ponownie za kilka minut.
