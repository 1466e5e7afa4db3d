### Takeback's reporter pages, in English: the source every other language is translated from.
### Reviewed by a native speaker with safeguarding experience: no
#
# Project Fluent syntax (https://projectfluent.org/fluent/guide/). To translate: copy this
# file to <language>.ftl (a BCP 47 code: es, pt-BR), translate the text after each `=`,
# keep every message id and every { $variable }, and list the file in
# crates/pages/src/catalogue.rs. Write it as the language is spoken, not word for word.
# A message with `.p1`, `.p2`… is a list of points: a translation may have more or fewer.
# Plurals: `{ $count -> [one] … *[other] … }`, with the plural categories of your language
# (Polish and Ukrainian need one/few/many/other; Arabic zero/one/two/few/many/other).
#
# { $service } is the hotline's name, everywhere; { $emergency } is the emergency number of
# the country whose help the page shows.
# Read every message as a scared 13-year-old on a phone would: short, warm, concrete, and
# never blaming.

## meta

# This language's name, in itself: the language switcher lists it.
language-name = English

## common

common-language = Language

common-quick-exit = Quick exit
common-quick-exit-hint = or press Esc
common-skip-to-content = Skip to main content
common-nav-label = Main
common-nav-report = Report a picture of me
common-nav-status = Check my report
common-nav-adult = For adults helping
common-no-script = This page needs JavaScript to make the fingerprints on your device. Please turn JavaScript on, or try another browser. Your pictures are never uploaded.
common-footer-privacy = { $service } never sees your pictures: fingerprints are made on your device. This site sets no cookies and loads nothing from other websites.
common-step = Step { $n } of { $total }
common-continue = Continue
common-back = Back
common-case-number = Case number
common-case-secret = Secret code
common-copy = Copy case number and secret code
common-scripts-failed = This page didn't load properly, so it can't work yet. Please reload it, or try again when your connection is better.
common-history-tip = Quick exit takes you to another website straight away, and Back won't bring you here. It doesn't clear your browser's history: a private or incognito window leaves less behind.

## support

support-title = Talk to someone
support-intro = You don't have to deal with this alone. These people are kind, they won't judge you, and you don't have to give your name.
support-emergency-question = In danger right now?
support-emergency-call = Call { $number }
support-call = Call { $number }
support-text = Text { $number }
support-website = { $name } website (opens in a new tab)
support-hours = Open: { $hours }
support-threat-title = Is someone threatening to share a picture of you?
support-threat =
    .p1 = It is not your fault. They are the one doing wrong, and they are counting on you feeling too scared to tell anyone.
    .p2 = Stop replying. Don't pay them and don't send anything more: it doesn't make them stop.
    .p3 = Don't delete the messages or their account name. You don't have to look at them again.
    .p4 = If you've already paid or sent more, it's still not your fault, and you can still get help.
    .p5 = Tell an adult you trust, and report it.
support-report-to = You can report threats and grooming to:
# Shown when the hotline has help contacts for more than one country; { $country } is the
# country's name, as the hotline writes it.
support-country = Help for people in { $country }
support-country-other = Somewhere else?

## index

index-title = Take back control of a picture of you
index-lead = If a nude or sexual picture or video of you has been shared, or someone is threatening to share one, you can help stop it spreading. You never have to show it to anyone.
index-not-your-fault = It is not your fault, whatever happened. You are not in trouble for asking for help.
index-young-title = It's a picture of me
index-young-text = If you were under 18 in the picture. Make fingerprints of it on this phone or computer, and send only those. The picture stays with you.
index-adult-title = I'm an adult helping a young person
index-adult-text = What to do, and what not to do, when a young person tells you about an image; and how to report where you saw it.
index-status-title = I've already reported
index-status-text = See what has happened with your case number and secret code, or withdraw your report.
index-how-title = How it works
index-how =
    .p1 = This page makes a fingerprint of your picture, on your own device. A fingerprint is a code worked out from the picture. It can't be turned back into the picture.
    .p2 = Only the fingerprints are sent to { $service }. The picture never leaves your device.
    .p3 = Websites and apps that work with { $service } use the fingerprints to find copies, take them down, and stop them being uploaded again.
    .p4 = Not every website works with us, and private encrypted chats can't be checked. Every place that does check helps.

## report

report-title = Report a picture of me
report-intro-title = Before you start
report-intro =
    .p1 = It is not your fault. Whatever happened, you are not in trouble, and you deserve help.
    .p2 = Your picture stays on this device. It is never uploaded, and nobody sees it: not us, and not the websites.
    .p3 = This page makes a fingerprint of each picture you choose: a code worked out from the picture, which can't be turned back into it.
    .p4 = We share the fingerprints with websites and apps that work with { $service }, so they can find copies, remove them and stop them being uploaded again.
    .p5 = To be honest with you: not every website works with us, and private encrypted chats can't be checked. It still helps.
    .p6 = You'll get a case number and a secret code. With them you can check what has happened, or change your mind and withdraw your report.
report-confirm-legend = Please check these two things
report-confirm-under-18 = The person in the picture was under 18 when it was taken.
report-confirm-under-18-error = Tick this box if the person in the picture was under 18. If they were 18 or older, this service can't take the report, but the people under "Talk to someone" can still help.
report-confirm-consent = I agree that { $service } can share the fingerprints with websites and apps that work with it.
report-confirm-consent-error = Tick this box so that we can share the fingerprints. Without it, we can't send your report.
report-pictures-title = Choose the pictures
report-pictures-intro = Choose the pictures from this phone or computer. They won't be uploaded: the fingerprints are made here, on your device. We show only their names, not the pictures.
report-pictures-videos = This works with photos and videos. For a video, the page makes a fingerprint of one moment every second. A long video can take a few minutes, and it still never leaves your device.
report-pictures-label = Choose pictures or videos
report-pictures-hint = { $max ->
    [one] You can choose one picture or video.
   *[other] You can choose up to { $max } pictures or videos.
}
report-pictures-list = Your pictures
report-no-picture = I don't have the picture, only where I saw it
report-urls-title = Where did you see it? (optional)
report-urls-intro = If you know the web address (URL) where the picture was posted, add it here, one on each line. Please don't go looking for it if that would upset you. You can leave this empty.
report-urls-label = Web addresses
report-urls-hint = Each one starts with https:// or http://. { $max ->
    [one] You can add one.
   *[other] You can add up to { $max }.
}
report-check-title = Check and send
report-check-intro = We'll send the fingerprints of these pictures, any web addresses you added, and your two answers. Never the pictures, your name, or anything that says who you are.
report-check-pictures = Pictures
report-check-urls = Web addresses
report-check-codes = Show the fingerprints we'll send
report-send = Send the fingerprints
report-done-title = Your report has been sent
report-done-intro = Thank you. That was a brave thing to do.
report-keep-safe = Keep these somewhere safe and private: write them down, or save them where only you can see them. You need both to check your report or to withdraw it. This is the only time we can show the secret code: we don't keep a copy we could show you again.
report-next-title = What happens next
report-next =
    .p1 = Websites and apps that work with { $service } get the fingerprints and check for copies.
    .p2 = Come back any time to see what they have found and removed.
    .p3 = If you change your mind, you can withdraw your report.
report-check-status = Check my report

## status

status-title = Check my report
status-intro = Enter the case number and secret code you got when you sent your report. Capital or small letters, spaces and dashes don't matter.
status-case-hint = Like ABCD-EFGH-JK12
status-secret-hint = Like ABCDE-FGH12-JKMNP-QRSTV
status-show = Show my report
status-result-title = Your report
status-fingerprints = Fingerprints
status-urls = Web addresses
status-withdraw-title = Withdraw my report
status-withdraw-text = If you withdraw, websites stop looking for these pictures. You can report them again at any time.
status-withdraw = Withdraw my report
status-withdraw-confirm-title = Withdraw your report?
status-withdraw-confirm-text = Websites and apps will stop looking for these pictures. You can always report them again.
status-withdraw-yes = Yes, withdraw it
status-withdraw-no = No, keep it

## adult

adult-title = If a young person has told you about an image
adult-intro = Thank you for helping. How you respond now matters: stay calm, listen, and make sure they know it is not their fault.
adult-do-title = Do
adult-do =
    .p1 = Listen calmly, on their terms, without interrupting. Thank them for telling you.
    .p2 = Tell them it is not their fault and that they are not in trouble.
    .p3 = Follow your organisation's safeguarding procedure, and tell your designated safeguarding lead.
    .p4 = Write down the web address (URL) where the image was seen, and the app or site, instead of keeping the image.
    .p5 = Think about every child involved, including anyone who received it or passed it on.
adult-dont-title = Don't
adult-dont =
    .p1 = Don't ask to see the image, and don't look at it if you are shown it.
    .p2 = Don't copy, screenshot, save, forward or print it, not even to show a colleague or the police. Holding or sharing it can be a crime, and every copy is another risk to the young person.
    .p3 = Don't try to trace where the image came from yourself.
    .p4 = Don't blame them, and don't threaten to take away their phone or stop them going online: it stops children telling adults next time.
    .p5 = Don't share what you know beyond the people involved in safeguarding.
adult-fingerprint-title = The young person can fingerprint the image themselves
adult-fingerprint =
    .p1 = On their own phone or computer, they can open the page "Report a picture of me" on this site. It makes fingerprints of the picture right there; the picture never leaves their device and nobody sees it.
    .p2 = You can be with them while they do it, without looking at the picture.
    .p3 = They get their own case number and secret code, to check on their report or withdraw it.
adult-fingerprint-link = Report a picture of me
adult-report-title = Report where you saw it
adult-report-intro = Send us the web addresses where the image was seen. We never ask adults for the image itself, so there is nothing to upload here: holding or sending it can be a crime, and every copy harms the young person again.
adult-urls-label = Web addresses
adult-urls-hint = One on each line, each starting with https:// or http://. { $max ->
    [one] Just one.
   *[other] Up to { $max }.
}
adult-confirm-legend = Please confirm
adult-confirm-under-18 = The young person in the image is under 18, or was when it was taken.
adult-confirm-under-18-error = Tick this box if the young person was under 18. This service can only take reports of images of children.
adult-confirm-consent = I agree that { $service } can share these addresses with websites and apps that work with it, so they can take the image down.
adult-confirm-consent-error = Tick this box so that we can pass the addresses on.
adult-send = Send the web addresses
adult-done-title = Thank you: the web addresses have been sent
adult-keep-safe = Keep the case number and secret code somewhere safe if you want to check on the report later. This is the only time we can show the secret code.
adult-danger-title = If a child is in danger, or is being threatened or blackmailed
adult-danger = Call { $emergency } if a child is in immediate danger.
adult-danger-report = Report grooming, threats or blackmail (sextortion) to:
adult-adult-help = Advice for adults worried about a child:

## not_found

not-found-title = Page not found
not-found-text = There is nothing at this address.
not-found-home = Go to the start page

## js

js-file-working = Making the fingerprint…
js-file-ready = Fingerprint ready
js-file-exact-only = This picture doesn't have much detail, so we can only make a fingerprint that finds exact copies of it. We'll still send that.
js-file-unreadable = We can't make a fingerprint of this file, so nothing from it will be sent. It might be a kind of file this browser can't open, or it might be damaged. If you chose other pictures, they're fine.
js-file-duplicate = This is the same file as one you've already chosen, so its fingerprint is sent only once.
js-file-failed = Something went wrong making a fingerprint of this one, so nothing from it will be sent. If you chose other pictures, they're fine.
js-remove = Remove
js-file-remove = Remove { $name }
js-video-waiting = Waiting for the video before it…
js-video-working = Making the fingerprints of this video. It stays on your device.
js-video-progress = How far the fingerprints of { $name } have got
js-video-stop = Stop
js-video-stop-label = Stop and remove { $name }
js-video-ready = Video fingerprints ready
js-video-exact-only = This video doesn't have much detail (it may be very dark), so we can only make a fingerprint that finds exact copies of it. We'll still send that.
js-video-too-long = This video is longer than { $minutes ->
    [one] one minute
   *[other] { $minutes } minutes
}, which is too long to fingerprint on this device, so nothing from it will be sent. You haven't done anything wrong. If you know where it was posted, add the web address in the next step and we'll work on getting it taken down. You can also talk to someone: their details are below.
js-video-too-large = This video file is too big to fingerprint on this device, so nothing from it will be sent. You haven't done anything wrong. If you know where it was posted, add the web address in the next step and we'll work on getting it taken down. You can also talk to someone: their details are below.
js-video-unreadable = This browser can't open this video, so nothing from it will be sent. You could try another browser, or if you know where it was posted, add the web address in the next step. You can also talk to someone: their details are below.
js-video-codes = { $count ->
    [one] { $count } video fingerprint
   *[other] { $count } video fingerprints
}
js-videos-too-many = { $max ->
    [one] You can send one video in a report.
   *[other] You can send up to { $max } videos in one report.
} Please send the others in a second report.
js-pictures-none = Choose at least one picture to continue.
js-pictures-none-usable = None of the files you chose can be sent. Try choosing the pictures again, or talk to someone below.
js-pictures-too-many = { $max ->
    [one] You can send one picture in a report.
   *[other] You can send up to { $max } pictures in one report.
} Please send the others in a second report.
js-pictures-busy = Please wait until the fingerprints are ready.
js-urls-bad-line = Line { $line } doesn't look like a web address. It should start with https:// or http://.
js-urls-too-many = { $max ->
    [one] You can add one web address.
   *[other] You can add up to { $max } web addresses.
}
js-urls-too-long = Line { $line } is too long to be a web address.
js-urls-none = Add at least one web address.
js-none = None
js-sending = Sending…
js-send-throttled = A lot of reports have come from this connection in the last hour, so we can't take another just now. Please try again in an hour. Nothing was sent.
js-send-rejected = We couldn't accept this report as it is. Please go back and check what you entered, or talk to someone below.
js-send-failed = We couldn't send your report. Nothing was sent, so please try again in a moment.
js-send-offline = We couldn't reach { $service }. Check your internet connection and try again. Nothing was sent.
js-copied = Copied. Keep them somewhere safe.
js-copy-failed = Couldn't copy here. Please write them down instead.
js-status-loading = Looking for your report…
js-status-not-found = We couldn't find a report with that case number and secret code. Please check both and try again.
js-status-missing = Enter both the case number and the secret code.
js-status-throttled = There have been too many wrong tries, from this connection or with this case number. Please check your case number and secret code carefully, or wait an hour and try again.
js-status-offline = We couldn't reach { $service }. Check your internet connection and try again.
js-status-failed = Something went wrong on our side. Please try again in a few minutes.
js-status-received = Sent on { $date }.
js-status-open = Your report is active.
js-status-withdrawn = You withdrew this report. Websites are no longer looking for these pictures.
js-status-totals = Since your report: { $matched ->
    [0] no copies found
    [one] { $matched } copy found
   *[other] { $matched } copies found
}, { $removed ->
    [0] none removed
    [one] { $removed } removed
   *[other] { $removed } removed
}, { $blocked ->
    [0] no uploads stopped
    [one] { $blocked } upload stopped
   *[other] { $blocked } uploads stopped
}.
js-status-no-outcomes = No website has reported finding a copy yet. That can take time.
js-fingerprint-pdq = Picture fingerprint
js-fingerprint-vpdq = Video fingerprint
js-fingerprint-exact = Exact fingerprint
js-state-pending = Waiting to be checked
js-state-listed = Being looked for
js-state-withdrawn = Withdrawn
js-state-suspended = Paused while we check it
js-state-not-listed = Not being looked for
js-url-reported = Waiting to be checked
js-url-actionable = Checked. We're going to ask the website to remove it.
js-url-not-actionable = We couldn't act on this address. { $reason }
js-url-no-contact = Checked. We're finding out who to ask to remove it.
js-url-notice-sent = We asked the website to remove it on { $date }.
js-url-still-up = We asked the website to remove it on { $date }. It's still there, so we're asking again.
js-url-escalated = We asked the website to remove it on { $date }. It's still there, so someone on our team is following it up.
js-url-removed = The website removed it on { $date }.
js-url-withdrawn = Withdrawn
js-outcomes = Found: { $matched } · Removed: { $removed } · Uploads stopped: { $blocked }
js-withdrawn-done = Your report has been withdrawn. Websites will stop looking for these pictures.
js-withdraw-failed = We couldn't withdraw your report just now. Please try again in a few minutes.
