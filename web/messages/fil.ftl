### Mga pahina ng Takeback para sa pag-report, sa Filipino. Isinalin mula sa en.ftl.
### Reviewed by a native speaker with safeguarding experience: no
#
# Project Fluent syntax (https://projectfluent.org/fluent/guide/). Isinalin ang file na ito
# mula sa en.ftl; basahin ang mga paliwanag doon bago magbago ng kahit ano.
#
# { $service } ang pangalan ng hotline at { $emergency } ang emergency number nito.
# Informal at magiliw ang tono (ka/mo), gaya ng sa mga helpline para sa kabataan.

## meta

# This language's name, in itself: the language switcher lists it.
language-name = Filipino

## common

common-language = Wika

common-quick-exit = Umalis agad
common-quick-exit-hint = o pindutin ang Esc
common-skip-to-content = Lumaktaw sa pangunahing nilalaman
common-nav-label = Pangunahin
common-nav-report = I-report ang litrato ko
common-nav-status = Tingnan ang report ko
common-nav-adult = Para sa mga nakatatandang tumutulong
common-no-script = Kailangan ng page na ito ang JavaScript para magawa ang mga fingerprint sa device mo. Paki-on ang JavaScript, o sumubok ng ibang browser. Hindi kailanman ina-upload ang mga litrato mo.
common-footer-privacy = Hindi kailanman nakikita ng { $service } ang mga litrato mo: sa device mo ginagawa ang mga fingerprint. Walang cookies ang site na ito at wala itong kinukuha mula sa ibang website.
common-step = Hakbang { $n } ng { $total }
common-continue = Magpatuloy
common-back = Bumalik
common-case-number = Numero ng report
common-case-secret = Sikretong code
common-copy = Kopyahin ang numero ng report at sikretong code
common-scripts-failed = Hindi maayos na nag-load ang page na ito, kaya hindi pa ito gagana. Paki-reload, o subukan ulit kapag mas maayos na ang koneksyon mo.
common-history-tip = Dadalhin ka agad ng "Umalis agad" sa ibang website, at hindi ka na maibabalik dito ng Back. Pero hindi nito binubura ang history ng browser mo: mas kaunti ang naiiwang bakas kapag private o incognito window ang gamit mo.

## support

support-title = Makipag-usap sa isang tao
support-intro = Hindi mo kailangang harapin ito nang mag-isa. Mababait ang mga taong ito, hindi ka nila huhusgahan, at hindi mo kailangang sabihin ang pangalan mo.
support-emergency-question = Nasa panganib ka ba ngayon?
support-emergency-call = Tumawag sa { $number }
support-call = Tumawag sa { $number }
support-text = Mag-text sa { $number }
support-website = Website ng { $name } (magbubukas sa bagong tab)
support-hours = Bukas: { $hours }
support-threat-title = May nagbabanta bang ikakalat ang litrato mo?
support-threat =
    .p1 = Hindi mo ito kasalanan. Sila ang gumagawa ng mali, at umaasa silang sobrang matatakot ka para magsabi kahit kanino.
    .p2 = Huwag nang sumagot. Huwag silang bayaran at huwag nang magpadala ng kahit ano: hindi sila titigil dahil doon.
    .p3 = Huwag burahin ang mga mensahe o ang pangalan ng account nila. Hindi mo kailangang tingnan ulit ang mga ito.
    .p4 = Kung nakapagbayad ka na o nakapagpadala pa, hindi mo pa rin ito kasalanan, at puwede ka pa ring humingi ng tulong.
    .p5 = Magsabi sa isang nakatatandang pinagkakatiwalaan mo, at i-report ito.
support-report-to = Puwede mong i-report ang mga pagbabanta at grooming sa:
# Shown when the hotline has help contacts for more than one country; { $country } is the
# country's name, as the hotline writes it.
support-country = Tulong para sa mga nasa { $country }
support-country-other = Nasa ibang lugar ka?

## index

index-title = Bawiin ang kontrol sa litrato mo
index-lead = Kung may nagkalat ng hubad o sekswal na litrato o video mo, o may nagbabantang ikakalat ito, matutulungan mong pigilan ang pagkalat nito. Hindi mo kailangang ipakita ito kahit kanino.
index-not-your-fault = Hindi mo ito kasalanan, anuman ang nangyari. Hindi ka mapapagalitan dahil humingi ka ng tulong.
index-young-title = Litrato ko ito
index-young-text = Kung wala ka pang 18 sa litrato. Gumawa ng mga fingerprint nito sa phone o computer na ito, at iyon lang ang ipadala. Sa iyo lang mananatili ang litrato.
index-adult-title = Isa akong nakatatandang tumutulong sa isang kabataan
index-adult-text = Ano ang dapat at hindi dapat gawin kapag may kabataang nagsabi sa iyo tungkol sa isang litrato o video; at paano i-report kung saan mo ito nakita.
index-status-title = Nakapag-report na ako
index-status-text = Tingnan kung ano na ang nangyari gamit ang numero ng report at sikretong code mo, o bawiin ang report mo.
index-how-title = Paano ito gumagana
index-how =
    .p1 = Gumagawa ang page na ito ng fingerprint ng litrato mo, sa sarili mong device. Ang fingerprint ay isang code na kinuwenta mula sa litrato. Hindi na ito puwedeng gawing litrato ulit.
    .p2 = Ang mga fingerprint lang ang ipinapadala sa { $service }. Hindi kailanman umaalis ang litrato sa device mo.
    .p3 = Ginagamit ng mga website at app na katuwang ng { $service } ang mga fingerprint para hanapin ang mga kopya, burahin ang mga ito, at pigilang ma-upload ulit.
    .p4 = Hindi lahat ng website ay katuwang namin, at hindi matitingnan ang mga private at encrypted na chat. Pero nakakatulong ang bawat lugar na tumitingin.

## report

report-title = I-report ang litrato ko
report-intro-title = Bago ka magsimula
report-intro =
    .p1 = Hindi mo ito kasalanan. Anuman ang nangyari, hindi ka mapapagalitan, at karapat-dapat kang matulungan.
    .p2 = Mananatili ang litrato mo sa device na ito. Hindi ito kailanman ina-upload, at walang makakakita nito: hindi kami, at hindi ang mga website.
    .p3 = Gumagawa ang page na ito ng fingerprint ng bawat litratong pipiliin mo: isang code na kinuwenta mula sa litrato, na hindi na puwedeng gawing litrato ulit.
    .p4 = Ibinabahagi namin ang mga fingerprint sa mga website at app na katuwang ng { $service }, para mahanap nila ang mga kopya, mabura ang mga ito, at mapigilang ma-upload ulit.
    .p5 = Para maging tapat sa iyo: hindi lahat ng website ay katuwang namin, at hindi matitingnan ang mga private at encrypted na chat. Pero nakakatulong pa rin ito.
    .p6 = Makakatanggap ka ng numero ng report at sikretong code. Gamit ang mga ito, puwede mong tingnan kung ano na ang nangyari, o magbago ng isip at bawiin ang report mo.
report-confirm-legend = Pakitingnan ang dalawang bagay na ito
report-confirm-under-18 = Wala pang 18 taong gulang ang tao sa litrato noong kinuha ito.
report-confirm-under-18-error = I-tick ang kahong ito kung wala pang 18 ang tao sa litrato. Kung 18 o higit pa sila, hindi matatanggap ng serbisyong ito ang report, pero matutulungan ka pa rin ng mga tao sa "Makipag-usap sa isang tao".
report-confirm-consent = Pumapayag ako na ibahagi ng { $service } ang mga fingerprint sa mga website at app na katuwang nito.
report-confirm-consent-error = I-tick ang kahong ito para maibahagi namin ang mga fingerprint. Kung wala ito, hindi namin maipapadala ang report mo.
report-pictures-title = Piliin ang mga litrato
report-pictures-intro = Piliin ang mga litrato mula sa phone o computer na ito. Hindi sila ia-upload: dito ginagawa ang mga fingerprint, sa device mo. Mga pangalan lang nila ang ipinapakita namin, hindi ang mga litrato.
report-pictures-videos = Gumagana ito sa mga litrato at video. Sa video, gumagawa ang page ng fingerprint ng isang sandali bawat segundo. Puwedeng umabot nang ilang minuto ang mahabang video, pero hindi pa rin ito umaalis sa device mo.
report-pictures-label = Pumili ng mga litrato o video
report-pictures-hint = { $max ->
    [1] Puwede kang pumili ng isang litrato o video.
    [one] Puwede kang pumili ng hanggang { $max } litrato o video.
   *[other] Puwede kang pumili ng hanggang { $max } litrato o video.
}
report-pictures-list = Ang mga litrato mo
report-no-picture = Wala sa akin ang litrato, alam ko lang kung saan ko ito nakita
report-urls-title = Saan mo ito nakita? (kung gusto mo)
report-urls-intro = Kung alam mo ang link (URL) kung saan na-post ang litrato, ilagay ito dito, isa bawat linya. Huwag mo na itong hanapin kung mababagabag ka lang. Puwede mo itong iwanang blangko.
report-urls-label = Mga link
report-urls-hint = Bawat isa ay nagsisimula sa https:// o http://. { $max ->
    [1] Isa lang ang puwede mong ilagay.
    [one] Puwede kang maglagay ng hanggang { $max }.
   *[other] Puwede kang maglagay ng hanggang { $max }.
}
report-check-title = Tingnan at ipadala
report-check-intro = Ipapadala namin ang mga fingerprint ng mga litratong ito, ang mga link na inilagay mo, at ang dalawa mong sagot. Hindi kailanman ang mga litrato, ang pangalan mo, o anumang magsasabi kung sino ka.
report-check-pictures = Mga litrato
report-check-urls = Mga link
report-check-codes = Ipakita ang mga fingerprint na ipapadala namin
report-send = Ipadala ang mga fingerprint
report-done-title = Naipadala na ang report mo
report-done-intro = Salamat. Ang tapang ng ginawa mo.
report-keep-safe = Itago ang mga ito sa ligtas at pribadong lugar: isulat, o i-save kung saan ikaw lang ang makakakita. Kailangan mo ang dalawa para tingnan o bawiin ang report mo. Ngayon lang namin maipapakita ang sikretong code: wala kaming itinatagong kopya na puwede naming ipakita ulit sa iyo.
report-next-title = Ano ang susunod na mangyayari
report-next =
    .p1 = Matatanggap ng mga website at app na katuwang ng { $service } ang mga fingerprint, at maghahanap sila ng mga kopya.
    .p2 = Bumalik kahit kailan para makita kung ano ang nahanap at nabura nila.
    .p3 = Kung magbago ang isip mo, puwede mong bawiin ang report mo.
report-check-status = Tingnan ang report ko

## status

status-title = Tingnan ang report ko
status-intro = Ilagay ang numero ng report at sikretong code na natanggap mo noong ipinadala mo ang report. Hindi mahalaga kung malaki o maliit ang mga letra, o kung may space o gitling.
status-case-hint = Halimbawa: ABCD-EFGH-JK12
status-secret-hint = Halimbawa: ABCDE-FGH12-JKMNP-QRSTV
status-show = Ipakita ang report ko
status-result-title = Ang report mo
status-fingerprints = Mga fingerprint
status-urls = Mga link
status-withdraw-title = Bawiin ang report ko
status-withdraw-text = Kapag binawi mo ito, titigil ang mga website sa paghahanap ng mga litratong ito. Puwede mo silang i-report ulit kahit kailan.
status-withdraw = Bawiin ang report ko
status-withdraw-confirm-title = Bawiin ang report mo?
status-withdraw-confirm-text = Titigil ang mga website at app sa paghahanap ng mga litratong ito. Puwede mo pa rin silang i-report ulit kahit kailan.
status-withdraw-yes = Oo, bawiin ito
status-withdraw-no = Hindi, huwag bawiin

## adult

adult-title = Kung may kabataang nagsabi sa iyo tungkol sa isang litrato o video
adult-intro = Salamat sa pagtulong. Mahalaga kung paano ka tutugon ngayon: manatiling kalmado, makinig, at siguraduhing alam nilang hindi nila ito kasalanan.
adult-do-title = Gawin
adult-do =
    .p1 = Makinig nang kalmado, sa paraang komportable sila, at huwag silang sasabatan. Pasalamatan sila sa pagsasabi sa iyo.
    .p2 = Sabihin sa kanila na hindi nila ito kasalanan at hindi sila mapapagalitan.
    .p3 = Sundin ang child protection policy ng inyong paaralan o organisasyon, at ipaalam ito sa itinalagang child protection focal person.
    .p4 = Isulat ang link (URL) kung saan nakita ang litrato o video, at ang app o site, sa halip na itago ang mismong litrato.
    .p5 = Isipin ang bawat batang sangkot, pati ang sinumang nakatanggap o nagpasa nito.
adult-dont-title = Huwag
adult-dont =
    .p1 = Huwag hilinging makita ang litrato o video, at huwag itong tingnan kung ipakita man sa iyo.
    .p2 = Huwag itong kopyahin, i-screenshot, i-save, i-forward o i-print, kahit para ipakita sa katrabaho o sa pulis. Puwedeng krimen ang pagtatago o pagbabahagi nito, at bawat kopya ay panibagong panganib sa kabataan.
    .p3 = Huwag subukang alamin nang mag-isa kung saan galing ang litrato o video.
    .p4 = Huwag silang sisihin, at huwag magbantang kukunin ang phone nila o pagbabawalan silang mag-online: dahil dito, hindi na magsasabi ang mga bata sa nakatatanda sa susunod.
    .p5 = Huwag ibahagi ang alam mo sa iba maliban sa mga taong kasali sa proteksyon ng bata.
adult-fingerprint-title = Puwedeng ang kabataan mismo ang gumawa ng fingerprint ng litrato
adult-fingerprint =
    .p1 = Sa sarili nilang phone o computer, puwede nilang buksan ang page na "I-report ang litrato ko" sa site na ito. Doon mismo ginagawa ang mga fingerprint; hindi kailanman umaalis ang litrato sa device nila at walang nakakakita nito.
    .p2 = Puwede mo silang samahan habang ginagawa nila ito, nang hindi tinitingnan ang litrato.
    .p3 = Makakatanggap sila ng sarili nilang numero ng report at sikretong code, para matingnan o mabawi ang report nila.
adult-fingerprint-link = I-report ang litrato ko
adult-report-title = I-report kung saan mo ito nakita
adult-report-intro = Ipadala sa amin ang mga link kung saan nakita ang litrato o video. Hindi kami kailanman humihingi ng mismong litrato sa mga nakatatanda, kaya walang kailangang i-upload dito: puwedeng krimen ang pagtatago o pagpapadala nito, at bawat kopya ay muling nananakit sa kabataan.
adult-urls-label = Mga link
adult-urls-hint = Isa bawat linya, at bawat isa ay nagsisimula sa https:// o http://. { $max ->
    [1] Isa lang.
    [one] Hanggang { $max }.
   *[other] Hanggang { $max }.
}
adult-confirm-legend = Pakikumpirma
adult-confirm-under-18 = Wala pang 18 taong gulang ang kabataan sa litrato o video, o wala pa noong kinuha ito.
adult-confirm-under-18-error = I-tick ang kahong ito kung wala pang 18 ang kabataan. Mga litrato at video lang ng mga bata ang tinatanggap ng serbisyong ito.
adult-confirm-consent = Pumapayag ako na ibahagi ng { $service } ang mga link na ito sa mga website at app na katuwang nito, para mabura nila ang litrato o video.
adult-confirm-consent-error = I-tick ang kahong ito para maipasa namin ang mga link.
adult-send = Ipadala ang mga link
adult-done-title = Salamat: naipadala na ang mga link
adult-keep-safe = Itago sa ligtas na lugar ang numero ng report at sikretong code kung gusto mong tingnan ang report mamaya. Ngayon lang namin maipapakita ang sikretong code.
adult-danger-title = Kung nasa panganib ang isang bata, o may nagbabanta o nagba-blackmail sa kanya
adult-danger = Tumawag sa { $emergency } kung nasa agarang panganib ang isang bata.
adult-danger-report = I-report ang grooming, pagbabanta o blackmail (sextortion) sa:
adult-adult-help = Payo para sa mga nakatatandang nag-aalala para sa isang bata:

## not_found

not-found-title = Hindi nahanap ang page
not-found-text = Walang laman ang address na ito.
not-found-home = Pumunta sa unang page

## js

js-file-working = Ginagawa ang fingerprint…
js-file-ready = Handa na ang fingerprint
js-file-exact-only = Kaunti lang ang detalye ng litratong ito, kaya fingerprint lang na nakakahanap ng eksaktong kopya ang magagawa namin. Ipapadala pa rin namin iyon.
js-file-unreadable = Hindi kami makagawa ng fingerprint ng file na ito, kaya walang ipapadala mula rito. Baka hindi ito kayang buksan ng browser na ito, o baka sira ito. Kung pumili ka ng iba pang litrato, ayos lang ang mga iyon.
js-file-duplicate = Pareho ang file na ito sa isang napili mo na, kaya isang beses lang ipapadala ang fingerprint nito.
js-file-failed = Nagkaproblema sa paggawa ng fingerprint nito, kaya walang ipapadala mula rito. Kung pumili ka ng iba pang litrato, ayos lang ang mga iyon.
js-remove = Alisin
js-file-remove = Alisin ang { $name }
js-video-waiting = Hinihintay pa ang naunang video…
js-video-working = Ginagawa ang mga fingerprint ng video na ito. Nananatili ito sa device mo.
js-video-progress = Progreso ng mga fingerprint ng { $name }
js-video-stop = Ihinto
js-video-stop-label = Ihinto at alisin ang { $name }
js-video-ready = Handa na ang mga fingerprint ng video
js-video-exact-only = Kaunti lang ang detalye ng video na ito (baka masyadong madilim), kaya fingerprint lang na nakakahanap ng eksaktong kopya ang magagawa namin. Ipapadala pa rin namin iyon.
js-video-too-long = Mas mahaba sa { $minutes ->
    [1] isang minuto
    [one] { $minutes } minuto
   *[other] { $minutes } minuto
} ang video na ito, kaya masyado itong mahaba para gawan ng fingerprint sa device na ito, at walang ipapadala mula rito. Wala kang ginawang mali. Kung alam mo kung saan ito na-post, ilagay ang link sa susunod na hakbang at sisikapin naming maipabura ito. Puwede ka ring makipag-usap sa isang tao: nasa ibaba ang mga detalye nila.
js-video-too-large = Masyadong malaki ang video file na ito para gawan ng fingerprint sa device na ito, kaya walang ipapadala mula rito. Wala kang ginawang mali. Kung alam mo kung saan ito na-post, ilagay ang link sa susunod na hakbang at sisikapin naming maipabura ito. Puwede ka ring makipag-usap sa isang tao: nasa ibaba ang mga detalye nila.
js-video-unreadable = Hindi kayang buksan ng browser na ito ang video na ito, kaya walang ipapadala mula rito. Puwede kang sumubok ng ibang browser, o kung alam mo kung saan ito na-post, ilagay ang link sa susunod na hakbang. Puwede ka ring makipag-usap sa isang tao: nasa ibaba ang mga detalye nila.
js-video-codes = { $count ->
    [one] { $count } fingerprint ng video
   *[other] { $count } fingerprint ng video
}
js-videos-too-many = { $max ->
    [1] Isang video lang ang puwede mong ipadala sa isang report.
    [one] Hanggang { $max } video lang ang puwede mong ipadala sa isang report.
   *[other] Hanggang { $max } video lang ang puwede mong ipadala sa isang report.
} Ipadala ang iba sa pangalawang report.
js-pictures-none = Pumili ng kahit isang litrato para makapagpatuloy.
js-pictures-none-usable = Wala sa mga file na pinili mo ang puwedeng ipadala. Subukang piliin ulit ang mga litrato, o makipag-usap sa isang tao sa ibaba.
js-pictures-too-many = { $max ->
    [1] Isang litrato lang ang puwede mong ipadala sa isang report.
    [one] Hanggang { $max } litrato lang ang puwede mong ipadala sa isang report.
   *[other] Hanggang { $max } litrato lang ang puwede mong ipadala sa isang report.
} Ipadala ang iba sa pangalawang report.
js-pictures-busy = Pakihintay hanggang handa na ang mga fingerprint.
js-urls-bad-line = Mukhang hindi link ang linya { $line }. Dapat itong magsimula sa https:// o http://.
js-urls-too-many = { $max ->
    [1] Isang link lang ang puwede mong ilagay.
    [one] Hanggang { $max } link lang ang puwede mong ilagay.
   *[other] Hanggang { $max } link lang ang puwede mong ilagay.
}
js-urls-too-long = Masyadong mahaba ang linya { $line } para maging link.
js-urls-none = Maglagay ng kahit isang link.
js-none = Wala
js-sending = Ipinapadala…
js-send-throttled = Maraming report ang nanggaling sa koneksyong ito sa nakaraang oras, kaya hindi muna kami makakatanggap ng isa pa. Subukan ulit pagkalipas ng isang oras. Walang naipadala.
js-send-rejected = Hindi namin matanggap ang report na ito sa ganitong anyo. Bumalik at tingnan ang inilagay mo, o makipag-usap sa isang tao sa ibaba.
js-send-failed = Hindi namin naipadala ang report mo. Walang naipadala, kaya subukan ulit maya-maya.
js-send-offline = Hindi kami makakonekta sa { $service }. Tingnan ang internet connection mo at subukan ulit. Walang naipadala.
js-copied = Nakopya na. Itago ang mga ito sa ligtas na lugar.
js-copy-failed = Hindi makopya dito. Isulat na lang ang mga ito.
js-status-loading = Hinahanap ang report mo…
js-status-not-found = Wala kaming nahanap na report na may ganyang numero ng report at sikretong code. Tingnan ang dalawa at subukan ulit.
js-status-missing = Ilagay ang numero ng report at ang sikretong code.
js-status-throttled = Masyadong maraming maling subok, mula sa koneksyong ito o gamit ang numero ng report na ito. Tingnang mabuti ang numero ng report at sikretong code mo, o maghintay nang isang oras at subukan ulit.
js-status-offline = Hindi kami makakonekta sa { $service }. Tingnan ang internet connection mo at subukan ulit.
js-status-failed = Nagkaproblema sa panig namin. Subukan ulit pagkalipas ng ilang minuto.
js-status-received = Ipinadala noong { $date }.
js-status-open = Aktibo ang report mo.
js-status-withdrawn = Binawi mo ang report na ito. Hindi na hinahanap ng mga website ang mga litratong ito.
js-status-totals = Mula nang mag-report ka: { $matched ->
    [0] walang nakitang kopya
    [one] { $matched } kopya ang nakita
   *[other] { $matched } kopya ang nakita
}, { $removed ->
    [0] walang nabura
    [one] { $removed } ang nabura
   *[other] { $removed } ang nabura
}, { $blocked ->
    [0] walang napigilang upload
    [one] { $blocked } upload ang napigilan
   *[other] { $blocked } upload ang napigilan
}.
js-status-no-outcomes = Wala pang website na nagsabing may nakita silang kopya. Puwedeng matagalan iyon.
js-fingerprint-pdq = Fingerprint ng litrato
js-fingerprint-vpdq = Fingerprint ng video
js-fingerprint-exact = Eksaktong fingerprint
js-state-pending = Naghihintay masuri
js-state-listed = Hinahanap na
js-state-withdrawn = Binawi
js-state-suspended = Naka-pause habang sinusuri namin
js-state-not-listed = Hindi hinahanap
js-url-reported = Naghihintay masuri
js-url-actionable = Nasuri na. Hihilingin namin sa website na burahin ito.
js-url-not-actionable = Hindi namin maaaksyunan ang link na ito. { $reason }
js-url-no-contact = Nasuri na. Inaalam namin kung sino ang dapat hilinging magbura nito.
js-url-notice-sent = Hiniling namin sa website na burahin ito noong { $date }.
js-url-still-up = Hiniling namin sa website na burahin ito noong { $date }. Nandoon pa rin ito, kaya hihilingin namin ulit.
js-url-escalated = Hiniling namin sa website na burahin ito noong { $date }. Nandoon pa rin ito, kaya may isa sa team namin na tumututok dito.
js-url-removed = Binura ito ng website noong { $date }.
js-url-withdrawn = Binawi
js-outcomes = Nakita: { $matched } · Nabura: { $removed } · Napigilang upload: { $blocked }
js-withdrawn-done = Nabawi na ang report mo. Titigil ang mga website sa paghahanap ng mga litratong ito.
js-withdraw-failed = Hindi namin mabawi ang report mo ngayon. Subukan ulit pagkalipas ng ilang minuto.
